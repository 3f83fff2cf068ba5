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
    Update(params, m_velocity.data(), grad, m_velocity.size(), lr, m_momentum, m_weightDecay);
}

void
SgdOptimizer::Update(float* x, float* m, const float* g, size_t n, float lr, float momentum,
                     float weightDecay)
{
    const Eigen::Index len = Eigen::Index(n);
    VectorView xv(x, len);
    VectorView mv(m, len);
    mv = momentum * mv + ConstVectorView(g, len) + weightDecay * xv;
    xv -= lr * mv;
}

} // namespace dl
