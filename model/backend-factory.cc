/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "backend-factory.h"

#include "ns3/dataset.h"

#ifdef DL_HAVE_CUDA
#    include "cuda-backend.h"
#endif

namespace dl
{

std::unique_ptr<TrainerBackend>
MakeBackend(const std::string& name, std::unique_ptr<SequentialModel> model)
{
    if (name == "cpu")
    {
        return std::make_unique<CpuBackend>(std::move(model));
    }
    if (name == "cuda")
    {
#ifdef DL_HAVE_CUDA
        return MakeCudaBackend(std::move(model));
#else
        throw DataError("backend 'cuda' is not available: this build has no CUDA backend (the "
                        "out-of-tree CMake build adds it when it finds a CUDA compiler)");
#endif
    }
    throw DataError("unknown backend '" + name + "' (expected cpu or cuda)");
}

} // namespace dl
