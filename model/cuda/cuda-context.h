/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_CUDA_CONTEXT_H
#define DL_CUDA_CONTEXT_H

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <string>

namespace dl
{
namespace cuda
{

/**
 * \ingroup dl-trainer
 * The process's CUDA device (device 0) and its cuBLAS handle, opened on first use. Every CUDA
 * failure becomes a DataError carrying the runtime's own message, so dl-train prints one line
 * and exits non-zero instead of crashing.
 */
class CudaContext
{
  public:
    /**
     * \return the context
     * \throws DataError when no usable device: "no CUDA-capable device is detected", "CUDA
     * driver version is insufficient for CUDA runtime version", ...
     */
    static CudaContext& Get();

    /** \return "" when a CUDA device can be used here, else why not (the runtime's words) */
    static std::string DeviceProblem();

    /** \return the cuBLAS handle */
    cublasHandle_t Blas() const
    {
        return m_blas;
    }

    /** \return e.g. "NVIDIA H100 80GB HBM3 (compute 9.0)" */
    const std::string& DeviceName() const
    {
        return m_name;
    }

    CudaContext(const CudaContext&) = delete;
    CudaContext& operator=(const CudaContext&) = delete;

  private:
    CudaContext();
    ~CudaContext();

    cublasHandle_t m_blas{nullptr}; //!< cuBLAS handle
    std::string m_name;             //!< device description
};

/** Throw DataError("CUDA: <what>: <runtime message>") unless \p status is cudaSuccess. */
void Check(cudaError_t status, const char* what);

/** Throw DataError("cuBLAS: <what>: <status>") unless \p status is CUBLAS_STATUS_SUCCESS. */
void CheckBlas(cublasStatus_t status, const char* what);

/** Check the last kernel launch (launch errors are reported on the next runtime call). */
void CheckLaunch(const char* what);

} // namespace cuda
} // namespace dl

#endif // DL_CUDA_CONTEXT_H
