/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "cuda-context.h"

#include "dataset.h"

namespace dl
{
namespace cuda
{

void
Check(cudaError_t status, const char* what)
{
    if (status != cudaSuccess)
    {
        throw DataError(std::string("CUDA: ") + what + ": " + cudaGetErrorString(status));
    }
}

void
CheckBlas(cublasStatus_t status, const char* what)
{
    if (status != CUBLAS_STATUS_SUCCESS)
    {
        throw DataError(std::string("cuBLAS: ") + what + ": " + cublasGetStatusString(status));
    }
}

void
CheckLaunch(const char* what)
{
    Check(cudaGetLastError(), what);
}

std::string
CudaContext::DeviceProblem()
{
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess)
    {
        return cudaGetErrorString(status);
    }
    return count > 0 ? "" : "no CUDA device is visible";
}

CudaContext&
CudaContext::Get()
{
    // Constructed once, on first use; a failure throws and is retried by the next call.
    static CudaContext context;
    return context;
}

CudaContext::CudaContext()
{
    const std::string problem = DeviceProblem();
    if (!problem.empty())
    {
        throw DataError("backend 'cuda' cannot run here: " + problem);
    }
    Check(cudaSetDevice(0), "select device 0");
    cudaDeviceProp prop{};
    Check(cudaGetDeviceProperties(&prop, 0), "device properties");
    m_name = std::string(prop.name) + " (compute " + std::to_string(prop.major) + "."
             + std::to_string(prop.minor) + ")";
    CheckBlas(cublasCreate(&m_blas), "create handle");
    // Deterministic results: no tensor-core reduced-precision shortcuts for FP32 GEMMs.
    CheckBlas(cublasSetMathMode(m_blas, CUBLAS_PEDANTIC_MATH), "math mode");
}

CudaContext::~CudaContext()
{
    if (m_blas != nullptr)
    {
        cublasDestroy(m_blas);
    }
}

} // namespace cuda
} // namespace dl
