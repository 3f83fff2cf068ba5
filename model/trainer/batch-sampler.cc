/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "batch-sampler.h"

#include "seed-mixer.h"

#include <algorithm>
#include <cstring>

namespace dl
{

BatchSampler::BatchSampler(const Dataset& data, Shard shard, uint64_t seed, bool dropRemainder)
    : m_data(data)
    , m_order(std::move(shard))
    , m_rng(MixSeed(seed, SeedStream::MINIBATCH))
    , m_dropRemainder(dropRemainder)
{
    if (m_order.empty())
    {
        throw DataError(data.name + ": a worker's shard is empty (more workers than samples?)");
    }
    std::shuffle(m_order.begin(), m_order.end(), m_rng);
}

int
BatchSampler::Next(int batchSize, FloatBuffer& x, std::vector<int32_t>& y)
{
    const size_t size = m_order.size();
    const size_t batch = size_t(batchSize);
    const size_t passEnd = m_dropRemainder && size >= batch ? size - size % batch : size;
    if (m_cursor >= passEnd)
    {
        m_cursor = 0;
        ++m_epoch;
        std::shuffle(m_order.begin(), m_order.end(), m_rng);
    }
    const int n = int(std::min<size_t>(size_t(batchSize), m_order.size() - m_cursor));
    const int dim = m_data.shape.Size();
    const size_t per = size_t(m_data.labelsPerSample);
    x.resize(size_t(n) * dim);
    y.resize(size_t(n) * per);
    for (int i = 0; i < n; ++i)
    {
        const uint32_t idx = m_order[m_cursor + i];
        std::memcpy(x.data() + size_t(i) * dim, m_data.Sample(idx), sizeof(float) * dim);
        std::copy_n(m_data.Labels(idx), per, y.data() + size_t(i) * per);
    }
    m_cursor += n;
    return n;
}

} // namespace dl
