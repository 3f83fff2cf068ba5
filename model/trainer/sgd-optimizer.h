/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_SGD_OPTIMIZER_H
#define DL_SGD_OPTIMIZER_H

#include "float-buffer.h"

#include <cstddef>
#include <vector>

namespace dl
{

/**
 * \ingroup dl-trainer
 * SGD with heavy-ball momentum and L2 weight decay over a flat buffer:
 *   m = momentum * m + (g + weightDecay * x);   x = x - lr * m.
 * The update is linear in (x, m, g), so averaging replicas after the step equals stepping with
 * the averaged gradient and momentum: this is what makes loss-free RPS equal synchronous SGD.
 */
class SgdOptimizer
{
  public:
    /**
     * \param size number of parameters
     * \param momentum heavy-ball coefficient in [0, 1)
     * \param weightDecay L2 coefficient
     */
    SgdOptimizer(size_t size, float momentum, float weightDecay);

    /** Apply one step in place. */
    void Step(float* params, const float* grad, float lr);

    /**
     * The update rule on host arrays of \p n floats: params \p x, momentum \p m, gradient
     * \p g. The CPU reference that every backend's SGD step is checked against.
     */
    static void Update(float* x, float* m, const float* g, size_t n, float lr, float momentum,
                       float weightDecay);

  private:
    FloatBuffer m_velocity; //!< momentum buffer
    float m_momentum;       //!< heavy-ball coefficient
    float m_weightDecay;    //!< L2 coefficient
};

} // namespace dl

#endif // DL_SGD_OPTIMIZER_H
