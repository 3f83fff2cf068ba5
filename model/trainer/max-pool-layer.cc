/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "max-pool-layer.h"

#include <cstring>

namespace dl
{

MaxPoolLayer::MaxPoolLayer(Shape input, int size)
    : Layer(input)
    , m_size(size)
    , m_output{input.c, input.h / size, input.w / size}
{
    if (size < 1 || m_output.h < 1 || m_output.w < 1)
    {
        throw DataError("max-pool: a " + std::to_string(size) + "x" + std::to_string(size)
                        + " window does not fit a " + std::to_string(input.h) + "x"
                        + std::to_string(input.w) + " input");
    }
}

std::string
MaxPoolLayer::Describe() const
{
    return "max-pool " + std::to_string(m_size) + "x" + std::to_string(m_size);
}

Shape
MaxPoolLayer::OutputShape() const
{
    return m_output;
}

void
MaxPoolLayer::Forward(const float* /*params*/, const float* in, float* out, int batch)
{
    const int outSize = m_output.Size();
    m_argmax.resize(size_t(batch) * outSize);
    for (int s = 0; s < batch; ++s)
    {
        const float* x = in + size_t(s) * m_input.Size();
        for (int c = 0; c < m_output.c; ++c)
        {
            for (int oy = 0; oy < m_output.h; ++oy)
            {
                for (int ox = 0; ox < m_output.w; ++ox)
                {
                    int best = (c * m_input.h + oy * m_size) * m_input.w + ox * m_size;
                    for (int dy = 0; dy < m_size; ++dy)
                    {
                        for (int dx = 0; dx < m_size; ++dx)
                        {
                            const int idx
                                = (c * m_input.h + oy * m_size + dy) * m_input.w + ox * m_size + dx;
                            if (x[idx] > x[best])
                            {
                                best = idx;
                            }
                        }
                    }
                    const size_t o = size_t(s) * outSize + (c * m_output.h + oy) * m_output.w + ox;
                    out[o] = x[best];
                    m_argmax[o] = best;
                }
            }
        }
    }
}

void
MaxPoolLayer::Backward(const float* /*params*/, const float* /*in*/, const float* /*out*/,
                       const float* gradOut, float* /*gradParams*/, float* gradIn, int batch)
{
    if (gradIn == nullptr)
    {
        return;
    }
    std::memset(gradIn, 0, sizeof(float) * size_t(batch) * m_input.Size());
    const int outSize = m_output.Size();
    for (int s = 0; s < batch; ++s)
    {
        float* dx = gradIn + size_t(s) * m_input.Size();
        for (int o = 0; o < outSize; ++o)
        {
            const size_t k = size_t(s) * outSize + o;
            dx[m_argmax[k]] += gradOut[k];
        }
    }
}

} // namespace dl
