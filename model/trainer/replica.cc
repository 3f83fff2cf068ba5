/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "replica.h"

#include "seed-mixer.h"

namespace dl
{

Replica::Replica(TrainerBackend& backend, const Dataset& data, Shard shard, uint64_t initSeed,
                 uint64_t sampleSeed, float momentum, float weightDecay, bool dropRemainder,
                 bool augment)
    : m_backend(backend)
    , m_params(backend.NewVector(backend.ParamCount()))
    , m_velocity(backend.NewVector(backend.ParamCount()))
    , m_momentum(momentum)
    , m_weightDecay(weightDecay)
    , m_sampler(data, std::move(shard), sampleSeed, dropRemainder)
{
    if (augment)
    {
        m_augment.emplace(data.shape, MixSeed(sampleSeed, SeedStream::AUGMENTATION));
    }
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
    if (m_augment)
    {
        m_augment->Apply(m_x.data(), n);
    }
    return m_backend.LossAndGradient(*m_params, m_x.data(), m_y.data(), n, grad);
}

void
Replica::StepWith(const FlatVector& grad, float lr)
{
    m_backend.SgdStep(*m_params, *m_velocity, grad, lr, m_momentum, m_weightDecay);
}

void
Replica::CopyState(const FlatVector& from, FlatVector& to)
{
    for (const auto& [begin, end] : m_backend.StateRanges())
    {
        const Slice s{uint32_t(begin), uint32_t(end - begin)};
        m_stateScratch.resize(s.count);
        from.Read(s, m_stateScratch.data());
        to.Write(s, m_stateScratch.data());
    }
}

double
Replica::ComputeGradient(int batchSize)
{
    const double loss = GradientInto(Gradient(), batchSize);
    if (m_stateInGradient)
    {
        CopyState(*m_params, Gradient());
    }
    return loss;
}

void
Replica::ApplyGradient(float lr)
{
    if (m_stateInGradient)
    {
        CopyState(Gradient(), *m_params);
    }
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

void
Replica::Restore(const float* params)
{
    m_params->Write(Slice{0, uint32_t(m_params->Size())}, params);
    m_velocity->SetZero();
}

} // namespace dl
