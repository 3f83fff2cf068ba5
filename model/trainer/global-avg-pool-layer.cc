/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "global-avg-pool-layer.h"

#include <algorithm>

namespace dl
{

GlobalAvgPoolLayer::GlobalAvgPoolLayer(Shape input)
    : Layer(input)
{
}

std::string
GlobalAvgPoolLayer::Describe() const
{
    return "global average pool " + std::to_string(m_input.h) + "x" + std::to_string(m_input.w);
}

Shape
GlobalAvgPoolLayer::OutputShape() const
{
    return Shape{m_input.c, 1, 1};
}

void
GlobalAvgPoolLayer::Forward(const float* /*params*/, const float* in, float* out, int batch)
{
    const size_t pixels = size_t(m_input.h) * m_input.w;
    const size_t maps = size_t(batch) * m_input.c;
    for (size_t m = 0; m < maps; ++m)
    {
        float sum = 0.0f;
        for (size_t p = 0; p < pixels; ++p)
        {
            sum += in[m * pixels + p];
        }
        out[m] = sum / float(pixels);
    }
}

void
GlobalAvgPoolLayer::Backward(const float* /*params*/, const float* /*in*/, const float* /*out*/,
                             const float* gradOut, float* /*gradParams*/, float* gradIn, int batch)
{
    if (gradIn == nullptr)
    {
        return;
    }
    const size_t pixels = size_t(m_input.h) * m_input.w;
    const size_t maps = size_t(batch) * m_input.c;
    for (size_t m = 0; m < maps; ++m)
    {
        std::fill(gradIn + m * pixels, gradIn + (m + 1) * pixels, gradOut[m] / float(pixels));
    }
}

} // namespace dl
