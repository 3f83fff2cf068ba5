/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "flatten-layer.h"

#include <cstring>

namespace dl
{

FlattenLayer::FlattenLayer(Shape input)
    : Layer(input)
{
}

std::string
FlattenLayer::Describe() const
{
    return "flatten";
}

Shape
FlattenLayer::OutputShape() const
{
    return Shape{1, 1, m_input.Size()};
}

void
FlattenLayer::Forward(const float* /*params*/, const float* in, float* out, int batch)
{
    std::memcpy(out, in, sizeof(float) * size_t(batch) * m_input.Size());
}

void
FlattenLayer::Backward(const float* /*params*/, const float* /*in*/, const float* /*out*/,
                       const float* gradOut, float* /*gradParams*/, float* gradIn, int batch)
{
    if (gradIn != nullptr)
    {
        std::memcpy(gradIn, gradOut, sizeof(float) * size_t(batch) * m_input.Size());
    }
}

} // namespace dl
