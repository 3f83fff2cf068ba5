/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_SLICE_OPS_H
#define DL_SLICE_OPS_H

#include <cstddef>
#include <vector>

namespace dl
{

/**
 * \ingroup dl-trainer
 * Robust average of one unit (block or chunk): \p own holds this worker's copy on entry and
 * the average over {own} and the \p copies that arrived on return:
 *   own = (own + sum_k copies[k]) / (1 + copies.size()).
 * With no copies it is left unchanged (the worker keeps its own).
 * \param own this worker's slice (in/out)
 * \param copies pointers to the arrived copies of the same slice
 * \param count floats in the slice
 */
void RobustAverage(float* own, const std::vector<const float*>& copies, size_t count);

/**
 * \ingroup dl-trainer
 * Mean of \p replicas (each \p count floats) into \p out.
 */
void MeanOf(const std::vector<const float*>& replicas, size_t count, float* out);

/**
 * \ingroup dl-trainer
 * Consensus distance: (1/n) sum_i ||x_i - mean||^2, accumulated in double.
 */
double ConsensusDistance(const std::vector<const float*>& replicas, const float* mean,
                         size_t count);

/**
 * \ingroup dl-trainer
 * \return true if every float of the slice is finite (no NaN or infinity)
 */
bool AllFinite(const float* x, size_t count);

} // namespace dl

#endif // DL_SLICE_OPS_H
