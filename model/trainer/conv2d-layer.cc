/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "conv2d-layer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace dl
{

Conv2dLayer::Conv2dLayer(Shape input, int outChannels, int kernel, int padding)
    : Layer(input)
    , m_outChannels(outChannels)
    , m_kernel(kernel)
    , m_padding(padding)
    , m_outH(input.h + 2 * padding - kernel + 1)
    , m_outW(input.w + 2 * padding - kernel + 1)
{
    if (m_outH < 1 || m_outW < 1)
    {
        throw DataError("conv2d: a " + std::to_string(kernel) + "x" + std::to_string(kernel)
                        + " kernel does not fit a " + std::to_string(input.h) + "x"
                        + std::to_string(input.w) + " input");
    }
}

std::string
Conv2dLayer::Describe() const
{
    return "conv2d " + std::to_string(m_input.c) + "->" + std::to_string(m_outChannels) + " "
           + std::to_string(m_kernel) + "x" + std::to_string(m_kernel) + " pad "
           + std::to_string(m_padding);
}

Shape
Conv2dLayer::OutputShape() const
{
    return Shape{m_outChannels, m_outH, m_outW};
}

size_t
Conv2dLayer::ParamCount() const
{
    return size_t(m_outChannels) * m_input.c * m_kernel * m_kernel + m_outChannels;
}

void
Conv2dLayer::Init(float* params, std::mt19937_64& rng) const
{
    const int fanIn = m_input.c * m_kernel * m_kernel;
    std::normal_distribution<float> normal(0.0f, std::sqrt(2.0f / float(fanIn)));
    const size_t weights = size_t(m_outChannels) * fanIn;
    for (size_t i = 0; i < weights; ++i)
    {
        params[i] = normal(rng);
    }
    std::memset(params + weights, 0, sizeof(float) * m_outChannels);
}

void
Conv2dLayer::Im2Col(const float* in, float* col, size_t stride) const
{
    // Row (c, ky, kx) holds input row oy + ky - padding, shifted by kx - padding: per output row
    // a contiguous run of input, zeros where the kernel hangs over the padding.
    for (int c = 0; c < m_input.c; ++c)
    {
        for (int ky = 0; ky < m_kernel; ++ky)
        {
            for (int kx = 0; kx < m_kernel; ++kx)
            {
                float* row = col + size_t((c * m_kernel + ky) * m_kernel + kx) * stride;
                const int shift = kx - m_padding;
                const int first = std::clamp(-shift, 0, m_outW);
                const int last = std::clamp(m_input.w - shift, first, m_outW);
                for (int oy = 0; oy < m_outH; ++oy)
                {
                    float* to = row + oy * m_outW;
                    const int iy = oy + ky - m_padding;
                    if (iy < 0 || iy >= m_input.h)
                    {
                        std::fill(to, to + m_outW, 0.0f);
                        continue;
                    }
                    const float* from = in + (c * m_input.h + iy) * m_input.w + shift;
                    std::fill(to, to + first, 0.0f);
                    std::copy(from + first, from + last, to + first);
                    std::fill(to + last, to + m_outW, 0.0f);
                }
            }
        }
    }
}

void
Conv2dLayer::Col2Im(const float* col, size_t stride, float* in) const
{
    for (int c = 0; c < m_input.c; ++c)
    {
        for (int ky = 0; ky < m_kernel; ++ky)
        {
            for (int kx = 0; kx < m_kernel; ++kx)
            {
                const float* row = col + size_t((c * m_kernel + ky) * m_kernel + kx) * stride;
                const int shift = kx - m_padding;
                const int first = std::clamp(-shift, 0, m_outW);
                const int last = std::clamp(m_input.w - shift, first, m_outW);
                for (int oy = 0; oy < m_outH; ++oy)
                {
                    const int iy = oy + ky - m_padding;
                    if (iy < 0 || iy >= m_input.h)
                    {
                        continue;
                    }
                    const float* from = row + oy * m_outW;
                    float* to = in + (c * m_input.h + iy) * m_input.w + shift;
                    for (int ox = first; ox < last; ++ox)
                    {
                        to[ox] += from[ox];
                    }
                }
            }
        }
    }
}

void
Conv2dLayer::Forward(const float* params, const float* in, float* out, int batch)
{
    const int patch = m_input.c * m_kernel * m_kernel;
    const size_t spatial = size_t(m_outH) * m_outW;
    m_cols.resize(size_t(batch) * patch * spatial);
    m_y.resize(size_t(GROUP) * m_outChannels * spatial);
    ConstMatrixView w(params, m_outChannels, patch);
    const float* b = params + size_t(m_outChannels) * patch;
    for (int g = 0; g < batch; g += GROUP)
    {
        const int n = std::min(GROUP, batch - g);
        const size_t columns = size_t(n) * spatial;
        float* cols = m_cols.data() + size_t(g) * patch * spatial;
        for (int s = 0; s < n; ++s)
        {
            Im2Col(in + size_t(g + s) * m_input.Size(), cols + s * spatial, columns);
        }
        MatrixView y(m_y.data(), m_outChannels, columns);
        y.noalias() = w * ConstMatrixView(cols, patch, columns);
        for (int s = 0; s < n; ++s)
        {
            for (int c = 0; c < m_outChannels; ++c)
            {
                const float* from = m_y.data() + c * columns + s * spatial;
                float* to = out + (size_t(g + s) * m_outChannels + c) * spatial;
                for (size_t p = 0; p < spatial; ++p)
                {
                    to[p] = from[p] + b[c];
                }
            }
        }
    }
}

void
Conv2dLayer::Backward(const float* params, const float* in, const float* /*out*/,
                      const float* gradOut, float* gradParams, float* gradIn, int batch)
{
    (void)in; // the unfolded input saved by Forward is used instead
    const int patch = m_input.c * m_kernel * m_kernel;
    const size_t spatial = size_t(m_outH) * m_outW;
    MatrixView dw(gradParams, m_outChannels, patch);
    VectorView db(gradParams + size_t(m_outChannels) * patch, m_outChannels);
    dw.setZero();
    db.setZero();
    if (gradIn != nullptr)
    {
        std::memset(gradIn, 0, sizeof(float) * size_t(batch) * m_input.Size());
        m_dcol.resize(size_t(GROUP) * patch * spatial);
    }
    for (int g = 0; g < batch; g += GROUP)
    {
        const int n = std::min(GROUP, batch - g);
        const size_t columns = size_t(n) * spatial;
        for (int s = 0; s < n; ++s)
        {
            for (int c = 0; c < m_outChannels; ++c)
            {
                std::memcpy(m_y.data() + c * columns + s * spatial,
                            gradOut + (size_t(g + s) * m_outChannels + c) * spatial,
                            sizeof(float) * spatial);
            }
        }
        ConstMatrixView dy(m_y.data(), m_outChannels, columns);
        ConstMatrixView cols(m_cols.data() + size_t(g) * patch * spatial, patch, columns);
        dw.noalias() += dy * cols.transpose();
        db += dy.rowwise().sum();
        if (gradIn != nullptr)
        {
            MatrixView dcol(m_dcol.data(), patch, columns);
            dcol.noalias() = ConstMatrixView(params, m_outChannels, patch).transpose() * dy;
            for (int s = 0; s < n; ++s)
            {
                Col2Im(m_dcol.data() + s * spatial, columns,
                       gradIn + size_t(g + s) * m_input.Size());
            }
        }
    }
}

} // namespace dl
