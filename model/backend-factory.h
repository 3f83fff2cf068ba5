/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_BACKEND_FACTORY_H
#define DL_BACKEND_FACTORY_H

#include "ns3/trainer-backend.h"

#include <memory>
#include <string>

namespace dl
{

/**
 * \ingroup dl-trainer
 * Make the backend called \p name ("cpu" or "cuda") around \p model. It sits above the trainer
 * and the CUDA backend so that the trainer itself never includes a CUDA header.
 * \throws DataError naming the reason when it is unknown or cannot run here (for CUDA: not
 * built, no device, driver too old: the CUDA runtime's own words)
 */
std::unique_ptr<TrainerBackend> MakeBackend(const std::string& name,
                                            std::unique_ptr<SequentialModel> model);

} // namespace dl

#endif // DL_BACKEND_FACTORY_H
