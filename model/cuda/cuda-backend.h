/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_CUDA_BACKEND_H
#define DL_CUDA_BACKEND_H

#include "trainer-backend.h"

#include <memory>
#include <string>

namespace dl
{

/**
 * \ingroup dl-trainer
 * \return the CUDA backend around \p model: the same model run by device twins of its layers
 * (cuBLAS GEMMs, kernels for the rest), replica vectors in device memory (CudaVector)
 * \throws DataError with the CUDA runtime's reason when no device can be used
 */
std::unique_ptr<TrainerBackend> MakeCudaBackend(std::unique_ptr<SequentialModel> model);

/** \return "" when the CUDA backend can run here, else why not (the runtime's words) */
std::string CudaDeviceProblem();

} // namespace dl

#endif // DL_CUDA_BACKEND_H
