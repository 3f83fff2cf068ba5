/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "trainer-backend.h"

#include "sgd-optimizer.h"
#include "thread-pool.h"

namespace dl
{

CpuBackend::CpuBackend(std::unique_ptr<SequentialModel> model)
{
    m_models.push_back(std::move(model));
}

SequentialModel&
CpuBackend::Model()
{
    return *m_models.at(ThreadPool::CurrentLane());
}

unsigned
TrainerBackend::SetLanes(unsigned lanes)
{
    const unsigned served = DoSetLanes(lanes);
    m_laneGradients.resize(served);
    return served;
}

FlatVector&
TrainerBackend::LaneGradient()
{
    std::unique_ptr<FlatVector>& g = m_laneGradients.at(ThreadPool::CurrentLane());
    if (!g)
    {
        g = NewVector(ParamCount()); // by the lane's own thread: no other thread touches it
    }
    return *g;
}

unsigned
CpuBackend::DoSetLanes(unsigned lanes)
{
    while (m_models.size() < lanes)
    {
        m_models.push_back(m_models.front()->Clone());
    }
    return lanes;
}

std::string
CpuBackend::Name() const
{
    return "cpu";
}

size_t
CpuBackend::ParamCount() const
{
    return m_models.front()->ParamCount();
}

std::string
CpuBackend::Summary() const
{
    return m_models.front()->Summary();
}

std::unique_ptr<FlatVector>
CpuBackend::NewVector(size_t size) const
{
    return std::make_unique<HostVector>(size);
}

const std::vector<std::pair<size_t, size_t>>&
CpuBackend::StateRanges() const
{
    return m_models.front()->StateRanges();
}

void
CpuBackend::InitParams(FlatVector& params, uint64_t seed)
{
    m_models.front()->Init(params.Data(), seed);
}

double
CpuBackend::LossAndGradient(FlatVector& params, const float* x, const int32_t* y, int batch,
                            FlatVector& grad)
{
    return Model().LossAndGradient(params.Data(), x, y, batch, grad.Data());
}

void
CpuBackend::SgdStep(FlatVector& params, FlatVector& velocity, const FlatVector& grad, float lr,
                    float momentum, float weightDecay)
{
    // Model state (batch-norm running statistics) is not trained: no decay, no momentum.
    for (const auto& [begin, end] : m_models.front()->TrainableRanges())
    {
        SgdOptimizer::Update(params.Data() + begin, velocity.Data() + begin, grad.Data() + begin,
                             end - begin, lr, momentum, weightDecay);
    }
}

EvalResult
CpuBackend::Evaluate(const float* params, const Dataset& data)
{
    return Model().Evaluate(params, data);
}

} // namespace dl
