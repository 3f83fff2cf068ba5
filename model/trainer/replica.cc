/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "replica.h"

namespace dl
{

Replica::Replica(TrainerBackend& backend, const Dataset& data, Shard shard, uint64_t initSeed,
                 uint64_t sampleSeed, float momentum, float weightDecay)
    : m_backend(backend)
    , m_params(backend.ParamCount())
    , m_grad(backend.ParamCount())
    , m_optimizer(backend.ParamCount(), momentum, weightDecay)
    , m_sampler(data, std::move(shard), sampleSeed)
{
    m_backend.InitParams(m_params.data(), initSeed);
}

double
Replica::ComputeGradient(int batchSize)
{
    const int n = m_sampler.Next(batchSize, m_x, m_y);
    return m_backend.LossAndGradient(m_params.data(), m_x.data(), m_y.data(), n, m_grad.data());
}

void
Replica::ApplyGradient(const float* grad, float lr)
{
    m_optimizer.Step(m_params.data(), grad, lr);
}

double
Replica::LocalStep(int batchSize, float lr)
{
    const double loss = ComputeGradient(batchSize);
    ApplyGradient(m_grad.data(), lr);
    return loss;
}

} // namespace dl
