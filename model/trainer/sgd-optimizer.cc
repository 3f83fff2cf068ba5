/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "sgd-optimizer.h"

#include "layer.h"

namespace dl
{

SgdOptimizer::SgdOptimizer(size_t size, float momentum, float weightDecay)
    : m_velocity(size, 0.0f)
    , m_momentum(momentum)
    , m_weightDecay(weightDecay)
{
}

void
SgdOptimizer::Step(float* params, const float* grad, float lr)
{
    const Eigen::Index n = Eigen::Index(m_velocity.size());
    VectorView x(params, n);
    VectorView m(m_velocity.data(), n);
    m = m_momentum * m + ConstVectorView(grad, n) + m_weightDecay * x;
    x -= lr * m;
}

} // namespace dl
