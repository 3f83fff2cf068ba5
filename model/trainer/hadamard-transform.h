/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_HADAMARD_TRANSFORM_H
#define DL_HADAMARD_TRANSFORM_H

#include <cstddef>
#include <cstdint>

namespace dl
{

/**
 * \ingroup dl-trainer
 * Randomized Hadamard transform of \p n floats in place: y = H D x, with D a diagonal of random
 * signs drawn from \p seed and H the orthonormal Walsh-Hadamard matrix. It is orthogonal (norms
 * are kept) and linear, so the sum of transformed vectors is the transform of their sum; losing
 * some coordinates of y then spreads the error over all of x instead of zeroing a slice of it.
 * H needs a power of two p: for a length n that is not one, H is applied to three overlapping
 * windows of the largest p below n (the last p floats, the first p, the last p again), which
 * mixes every float with every other without padding (1000 floats: windows of 512).
 */
void RandomizedHadamard(float* x, size_t n, uint64_t seed);

/**
 * \ingroup dl-trainer
 * The inverse of RandomizedHadamard with the same \p seed: x = D H y (H is its own inverse).
 */
void InverseRandomizedHadamard(float* x, size_t n, uint64_t seed);

} // namespace dl

#endif // DL_HADAMARD_TRANSFORM_H
