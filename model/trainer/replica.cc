/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "replica.h"

namespace dl
{

Replica::Replica(TrainerBackend& backend, const Dataset& data, Shard shard, uint64_t initSeed,
                 uint64_t sampleSeed, float momentum, float weightDecay, bool dropRemainder)
    : m_backend(backend)
    , m_params(backend.NewVector(backend.ParamCount()))
    , m_grad(backend.NewVector(backend.ParamCount()))
    , m_velocity(backend.NewVector(backend.ParamCount()))
    , m_momentum(momentum)
    , m_weightDecay(weightDecay)
    , m_sampler(data, std::move(shard), sampleSeed, dropRemainder)
{
    m_backend.InitParams(*m_params, initSeed);
}

double
Replica::ComputeGradient(int batchSize)
{
    const int n = m_sampler.Next(batchSize, m_x, m_y);
    return m_backend.LossAndGradient(*m_params, m_x.data(), m_y.data(), n, *m_grad);
}

void
Replica::ApplyGradient(float lr)
{
    m_backend.SgdStep(*m_params, *m_velocity, *m_grad, lr, m_momentum, m_weightDecay);
}

double
Replica::LocalStep(int batchSize, float lr)
{
    const double loss = ComputeGradient(batchSize);
    ApplyGradient(lr);
    return loss;
}

} // namespace dl
