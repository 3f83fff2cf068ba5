/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "synthetic-dataset.h"

#include "seed-mixer.h"

#include <random>

namespace dl
{

Dataset
MakeSynthetic(const SyntheticConfig& config, uint64_t sampleStream)
{
    if (config.numClasses < 2 || config.shape.Size() < 1)
    {
        throw DataError("synthetic dataset: need at least 2 classes and 1 feature");
    }
    const int dim = config.shape.Size();
    std::mt19937_64 taskRng(MixSeed(config.seed, SeedStream::SYNTHETIC_TASK));
    std::normal_distribution<float> normal(0.0f, 1.0f);
    // Centres are piecewise constant over kCell x kCell pixel cells: image-like structure that
    // a convolutional model can pick up as well as a dense one.
    const int kCell = 4;
    const Shape& sh = config.shape;
    const int cellsH = (sh.h + kCell - 1) / kCell;
    const int cellsW = (sh.w + kCell - 1) / kCell;
    FloatBuffer coarse(size_t(config.numClasses) * sh.c * cellsH * cellsW);
    for (float& c : coarse)
    {
        c = config.separation * normal(taskRng);
    }
    FloatBuffer centres(size_t(config.numClasses) * dim);
    for (int k = 0; k < config.numClasses; ++k)
    {
        for (int ch = 0; ch < sh.c; ++ch)
        {
            for (int y = 0; y < sh.h; ++y)
            {
                for (int x = 0; x < sh.w; ++x)
                {
                    centres[size_t(k) * dim + (ch * sh.h + y) * sh.w + x]
                        = coarse[((size_t(k) * sh.c + ch) * cellsH + y / kCell) * cellsW
                                 + x / kCell];
                }
            }
        }
    }
    std::mt19937_64 rng(MixSeed(config.seed, SeedStream::SYNTHETIC_SAMPLES, sampleStream));
    std::uniform_int_distribution<int> pickClass(0, config.numClasses - 1);
    Dataset d;
    d.name = "synthetic";
    d.shape = config.shape;
    d.numClasses = config.numClasses;
    d.images.resize(config.samples * dim);
    d.labels.resize(config.samples);
    for (size_t i = 0; i < config.samples; ++i)
    {
        const int k = pickClass(rng);
        d.labels[i] = k;
        for (int f = 0; f < dim; ++f)
        {
            d.images[i * dim + f] = centres[size_t(k) * dim + f] + normal(rng);
        }
    }
    return d;
}

} // namespace dl
