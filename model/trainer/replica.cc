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
    , m_velocity(backend.NewVector(backend.ParamCount()))
    , m_momentum(momentum)
    , m_weightDecay(weightDecay)
    , m_sampler(data, std::move(shard), sampleSeed, dropRemainder)
{
    m_backend.InitParams(*m_params, initSeed);
}

FlatVector&
Replica::Gradient()
{
    if (!m_grad)
    {
        m_grad = m_backend.NewVector(m_backend.ParamCount());
    }
    return *m_grad;
}

double
Replica::GradientInto(FlatVector& grad, int batchSize)
{
    const int n = m_sampler.Next(batchSize, m_x, m_y);
    return m_backend.LossAndGradient(*m_params, m_x.data(), m_y.data(), n, grad);
}

void
Replica::StepWith(const FlatVector& grad, float lr)
{
    m_backend.SgdStep(*m_params, *m_velocity, grad, lr, m_momentum, m_weightDecay);
}

double
Replica::ComputeGradient(int batchSize)
{
    return GradientInto(Gradient(), batchSize);
}

void
Replica::ApplyGradient(float lr)
{
    StepWith(Gradient(), lr);
}

double
Replica::LocalStep(int batchSize, float lr)
{
    FlatVector& grad = m_backend.LaneGradient();
    const double loss = GradientInto(grad, batchSize);
    StepWith(grad, lr);
    return loss;
}

} // namespace dl
