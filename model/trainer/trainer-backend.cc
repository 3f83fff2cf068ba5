/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "trainer-backend.h"

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

void
CpuBackend::InitParams(float* params, uint64_t seed)
{
    m_model->Init(params, seed);
}

double
CpuBackend::LossAndGradient(const float* params, const float* x, const int32_t* y, int batch,
                            float* grad)
{
    return m_model->LossAndGradient(params, x, y, batch, grad);
}

EvalResult
CpuBackend::Evaluate(const float* params, const Dataset& data)
{
    return m_model->Evaluate(params, data);
}

std::unique_ptr<TrainerBackend>
MakeBackend(const std::string& name, std::unique_ptr<SequentialModel> model)
{
    if (name == "cpu")
    {
        return std::make_unique<CpuBackend>(std::move(model));
    }
    if (name == "cuda")
    {
        throw DataError("backend 'cuda' is not available: this build has no CUDA backend");
    }
    throw DataError("unknown backend '" + name + "' (expected cpu or cuda)");
}

} // namespace dl
