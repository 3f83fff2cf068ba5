/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_FLOAT_BUFFER_H
#define DL_FLOAT_BUFFER_H

#include <Eigen/Core>
#include <vector>

namespace dl
{

/**
 * \ingroup dl-trainer
 * Storage for every float array the trainer computes on (parameters, gradients, activations,
 * batches, averages). It is aligned to Eigen's widest packet because Eigen handles an unaligned
 * head with scalar code before its vector loop: with malloc's 16-byte alignment the split, and
 * so the rounding (fused multiply-adds, summation order), would depend on where the heap placed
 * the buffer, and the same seed would not give the same bits in another process layout.
 * Offsets into a buffer are fixed by the model, so an aligned base makes every slice's
 * alignment, and every result, a function of the inputs alone.
 */
using FloatBuffer = std::vector<float, Eigen::aligned_allocator<float>>;

} // namespace dl

#endif // DL_FLOAT_BUFFER_H
