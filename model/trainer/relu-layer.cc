/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "relu-layer.h"

namespace dl
{

ReluLayer::ReluLayer(Shape input)
    : Layer(input)
{
}

std::string
ReluLayer::Describe() const
{
    return "relu";
}

Shape
ReluLayer::OutputShape() const
{
    return m_input;
}

void
ReluLayer::Forward(const float* /*params*/, const float* in, float* out, int batch)
{
    const Eigen::Index n = Eigen::Index(batch) * m_input.Size();
    VectorView(out, n) = ConstVectorView(in, n).cwiseMax(0.0f);
}

void
ReluLayer::Backward(const float* /*params*/, const float* /*in*/, const float* out,
                    const float* gradOut, float* /*gradParams*/, float* gradIn, int batch)
{
    if (gradIn == nullptr)
    {
        return;
    }
    const Eigen::Index n = Eigen::Index(batch) * m_input.Size();
    ConstVectorView y(out, n);
    VectorView(gradIn, n) = (y.array() > 0.0f).select(ConstVectorView(gradOut, n), 0.0f);
}

} // namespace dl
