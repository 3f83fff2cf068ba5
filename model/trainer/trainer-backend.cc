/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "trainer-backend.h"

#include "sgd-optimizer.h"

namespace dl
{

CpuBackend::CpuBackend(std::unique_ptr<SequentialModel> model)
    : m_model(std::move(model))
{
}

std::string
CpuBackend::Name() const
{
    return "cpu";
}

size_t
CpuBackend::ParamCount() const
{
    return m_model->ParamCount();
}

std::string
CpuBackend::Summary() const
{
    return m_model->Summary();
}

std::unique_ptr<FlatVector>
CpuBackend::NewVector(size_t size) const
{
    return std::make_unique<HostVector>(size);
}

void
CpuBackend::InitParams(FlatVector& params, uint64_t seed)
{
    m_model->Init(params.Data(), seed);
}

double
CpuBackend::LossAndGradient(const FlatVector& params, const float* x, const int32_t* y, int batch,
                            FlatVector& grad)
{
    return m_model->LossAndGradient(params.Data(), x, y, batch, grad.Data());
}

void
CpuBackend::SgdStep(FlatVector& params, FlatVector& velocity, const FlatVector& grad, float lr,
                    float momentum, float weightDecay)
{
    SgdOptimizer::Update(params.Data(), velocity.Data(), grad.Data(), params.Size(), lr, momentum,
                         weightDecay);
}

EvalResult
CpuBackend::Evaluate(const float* params, const Dataset& data)
{
    return m_model->Evaluate(params, data);
}

} // namespace dl
