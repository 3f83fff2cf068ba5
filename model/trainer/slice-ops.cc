/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "slice-ops.h"

#include "layer.h"

#include <cmath>

namespace dl
{

void
RobustAverage(float* own, const std::vector<const float*>& copies, size_t count)
{
    if (copies.empty())
    {
        return;
    }
    const Eigen::Index n = Eigen::Index(count);
    VectorView acc(own, n);
    for (const float* c : copies)
    {
        acc += ConstVectorView(c, n);
    }
    acc *= 1.0f / float(copies.size() + 1);
}

void
MeanOf(const std::vector<const float*>& replicas, size_t count, float* out)
{
    const Eigen::Index n = Eigen::Index(count);
    VectorView acc(out, n);
    acc.setZero();
    for (const float* r : replicas)
    {
        acc += ConstVectorView(r, n);
    }
    if (!replicas.empty())
    {
        acc *= 1.0f / float(replicas.size());
    }
}

double
ConsensusDistance(const std::vector<const float*>& replicas, const float* mean, size_t count)
{
    if (replicas.empty())
    {
        return 0.0;
    }
    const Eigen::Index n = Eigen::Index(count);
    ConstVectorView m(mean, n);
    double total = 0.0;
    for (const float* r : replicas)
    {
        total += (ConstVectorView(r, n) - m).cast<double>().squaredNorm();
    }
    return total / double(replicas.size());
}

bool
AllFinite(const float* x, size_t count)
{
    return ConstVectorView(x, Eigen::Index(count)).allFinite();
}

} // namespace dl
