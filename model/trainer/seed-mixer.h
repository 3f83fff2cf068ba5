/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_SEED_MIXER_H
#define DL_SEED_MIXER_H

#include <cstdint>

namespace dl
{

/**
 * \ingroup dl-trainer
 * Purposes that draw random numbers; each gets its own stream from one user seed, so that
 * e.g. the synthetic task's centres and the initial weights are never the same sequence.
 */
enum class SeedStream : uint64_t
{
    SYNTHETIC_TASK = 1, //!< synthetic dataset centres
    SYNTHETIC_SAMPLES,  //!< synthetic dataset samples
    INIT,               //!< parameter initialisation
    SHARDING,           //!< assignment of samples to workers
    MINIBATCH,          //!< per-worker minibatch order
    AUGMENTATION,       //!< per-worker crops and flips
    HADAMARD_SIGNS,     //!< random signs of the randomized Hadamard transform
};

/**
 * \ingroup dl-trainer
 * Derive an independent 64-bit seed for (seed, stream, index) with the splitmix64 finaliser.
 */
inline uint64_t
MixSeed(uint64_t seed, SeedStream stream, uint64_t index = 0)
{
    uint64_t z = seed * 0x9E3779B97F4A7C15ULL + uint64_t(stream) * 0xBF58476D1CE4E5B9ULL
                 + index * 0x94D049BB133111EBULL + 0x2545F4914F6CDD1DULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

} // namespace dl

#endif // DL_SEED_MIXER_H
