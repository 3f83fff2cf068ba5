/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_SYNTHETIC_DATASET_H
#define DL_SYNTHETIC_DATASET_H

#include "dataset.h"

#include <cstdint>

namespace dl
{

/**
 * \ingroup dl-trainer
 * Parameters of the seeded Gaussian-mixture classification task.
 */
struct SyntheticConfig
{
    size_t samples{4096};   //!< number of samples
    Shape shape{1, 12, 12}; //!< sample shape (image-like, so the cnn runs on it too)
    int numClasses{10};     //!< number of classes (one Gaussian centre each)
    float separation{0.5f}; //!< scale of the class centres relative to unit noise
    uint64_t seed{1};       //!< the task (centres) and the samples both follow the seed
};

/**
 * \ingroup dl-trainer
 * Make a Gaussian-mixture dataset: class k's samples are centre_k + N(0, I). Centres are drawn
 * once from N(0, separation^2) per 4x4-pixel cell (piecewise-constant images) with the task seed.
 * Train and test sets drawn with the same task seed and different \p sampleStream share the
 * centres.
 */
Dataset MakeSynthetic(const SyntheticConfig& config, uint64_t sampleStream);

} // namespace dl

#endif // DL_SYNTHETIC_DATASET_H
