/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "dataset.h"

#include <algorithm>
#include <cmath>

namespace dl
{

ChannelStats
ComputeChannelStats(const Dataset& data)
{
    const int c = data.shape.c;
    const int plane = data.shape.h * data.shape.w;
    std::vector<double> sum(c, 0.0);
    std::vector<double> sumSq(c, 0.0);
    for (size_t i = 0; i < data.Size(); ++i)
    {
        const float* x = data.Sample(i);
        for (int ch = 0; ch < c; ++ch)
        {
            for (int k = 0; k < plane; ++k)
            {
                const double v = x[ch * plane + k];
                sum[ch] += v;
                sumSq[ch] += v * v;
            }
        }
    }
    ChannelStats stats;
    const double n = std::max<double>(1.0, double(data.Size()) * plane);
    for (int ch = 0; ch < c; ++ch)
    {
        const double mean = sum[ch] / n;
        const double var = std::max(0.0, sumSq[ch] / n - mean * mean);
        stats.mean.push_back(float(mean));
        // A constant channel would divide by zero; leave its scale alone instead.
        stats.std.push_back(var > 1e-12 ? float(std::sqrt(var)) : 1.0f);
    }
    return stats;
}

void
Standardize(Dataset& data, const ChannelStats& stats)
{
    const int plane = data.shape.h * data.shape.w;
    for (size_t i = 0; i < data.Size(); ++i)
    {
        float* x = data.images.data() + i * data.shape.Size();
        for (int ch = 0; ch < data.shape.c; ++ch)
        {
            const float m = stats.mean[ch];
            const float inv = 1.0f / stats.std[ch];
            for (int k = 0; k < plane; ++k)
            {
                x[ch * plane + k] = (x[ch * plane + k] - m) * inv;
            }
        }
    }
}

namespace
{
/// The samples sourceIndex(0 .. count-1) of \p data, in that order (the whole set if \p count
/// is 0 or not smaller than its size).
template<typename Index>
Dataset
Subset(const Dataset& data, size_t count, Index sourceIndex)
{
    if (count == 0 || count >= data.Size())
    {
        return data;
    }
    Dataset out;
    out.name = data.name;
    out.shape = data.shape;
    out.numClasses = data.numClasses;
    out.labelsPerSample = data.labelsPerSample;
    const size_t dim = data.shape.Size();
    const size_t per = size_t(data.labelsPerSample);
    out.images.resize(count * dim);
    out.labels.resize(count * per);
    for (size_t i = 0; i < count; ++i)
    {
        const size_t from = sourceIndex(i);
        std::copy_n(data.Sample(from), dim, out.images.data() + i * dim);
        std::copy_n(data.Labels(from), per, out.labels.data() + i * per);
    }
    return out;
}
} // namespace

Dataset
Head(Dataset data, size_t count)
{
    if (count == 0 || count >= data.Size())
    {
        return data; // a whole training set is 188 MB of floats: not a copy per run
    }
    return Subset(data, count, [](size_t i) { return i; });
}

Dataset
EvenlySpaced(const Dataset& data, size_t count)
{
    return Subset(data, count, [&](size_t i) { return i * data.Size() / count; });
}

} // namespace dl
