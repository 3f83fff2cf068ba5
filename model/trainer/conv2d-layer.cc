/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "conv2d-layer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace dl
{

namespace
{

/// ceil(a / b) for b > 0 and any sign of a.
int
CeilDiv(int a, int b)
{
    return a >= 0 ? (a + b - 1) / b : -(-a / b);
}

} // namespace

Conv2dLayer::Conv2dLayer(Shape input, int outChannels, int kernel, int padding, int stride,
                         bool bias)
    : Layer(input)
    , m_outChannels(outChannels)
    , m_kernel(kernel)
    , m_padding(padding)
    , m_stride(stride)
    , m_bias(bias)
    , m_outH(stride > 0 ? (input.h + 2 * padding - kernel) / stride + 1 : 0)
    , m_outW(stride > 0 ? (input.w + 2 * padding - kernel) / stride + 1 : 0)
{
    if (stride < 1 || input.h + 2 * padding < kernel || input.w + 2 * padding < kernel)
    {
        throw DataError("conv2d: a " + std::to_string(kernel) + "x" + std::to_string(kernel)
                        + " kernel with stride " + std::to_string(stride) + " does not fit a "
                        + std::to_string(input.h) + "x" + std::to_string(input.w) + " input");
    }
    m_forward = Geometry{input.c, input.h, input.w, kernel, padding, stride, m_outH, m_outW};
    m_useDirect = DirectConv::Applies(kernel, padding, stride);
    if (m_useDirect)
    {
        m_direct = DirectConv(input, outChannels, kernel, padding);
    }
    m_transposed = Geometry{};
    if (stride == 1 && m_outH == input.h && m_outW == input.w)
    {
        m_transposed = Geometry{outChannels,          m_outH, m_outW,  kernel,
                                kernel - 1 - padding, 1,      input.h, input.w};
    }
}

std::string
Conv2dLayer::Describe() const
{
    return "conv2d " + std::to_string(m_input.c) + "->" + std::to_string(m_outChannels) + " "
           + std::to_string(m_kernel) + "x" + std::to_string(m_kernel) + " pad "
           + std::to_string(m_padding) + (m_stride > 1 ? " stride " + std::to_string(m_stride) : "")
           + (m_bias ? "" : " no bias");
}

Shape
Conv2dLayer::OutputShape() const
{
    return Shape{m_outChannels, m_outH, m_outW};
}

size_t
Conv2dLayer::ParamCount() const
{
    return size_t(m_outChannels) * m_input.c * m_kernel * m_kernel + (m_bias ? m_outChannels : 0);
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
    if (m_bias)
    {
        std::memset(params + weights, 0, sizeof(float) * m_outChannels);
    }
}

void
Conv2dLayer::Unfold(const float* in, const Geometry& g, float* col, size_t stride)
{
    // Row (c, ky, kx) holds input row oy * s + ky - padding, columns ox * s + kx - padding:
    // per output row a run of input (contiguous at stride 1), zeros where the kernel hangs
    // over the padding.
    for (int c = 0; c < g.channels; ++c)
    {
        for (int ky = 0; ky < g.kernel; ++ky)
        {
            for (int kx = 0; kx < g.kernel; ++kx)
            {
                float* row = col + size_t((c * g.kernel + ky) * g.kernel + kx) * stride;
                const int shift = kx - g.padding;
                const int first = std::clamp(CeilDiv(-shift, g.stride), 0, g.outW);
                const int last = std::clamp(CeilDiv(g.width - shift, g.stride), first, g.outW);
                for (int oy = 0; oy < g.outH; ++oy)
                {
                    float* to = row + oy * g.outW;
                    const int iy = oy * g.stride + ky - g.padding;
                    if (iy < 0 || iy >= g.height)
                    {
                        std::fill(to, to + g.outW, 0.0f);
                        continue;
                    }
                    const float* from = in + (c * g.height + iy) * g.width + shift;
                    std::fill(to, to + first, 0.0f);
                    if (g.stride == 1)
                    {
                        std::copy(from + first, from + last, to + first);
                    }
                    else
                    {
                        for (int ox = first; ox < last; ++ox)
                        {
                            to[ox] = from[ox * g.stride];
                        }
                    }
                    std::fill(to + last, to + g.outW, 0.0f);
                }
            }
        }
    }
}

void
Conv2dLayer::Im2Col(const float* in, float* col, size_t stride) const
{
    Unfold(in, m_forward, col, stride);
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
                const int first = std::clamp(CeilDiv(-shift, m_stride), 0, m_outW);
                const int last = std::clamp(CeilDiv(m_input.w - shift, m_stride), first, m_outW);
                for (int oy = 0; oy < m_outH; ++oy)
                {
                    const int iy = oy * m_stride + ky - m_padding;
                    if (iy < 0 || iy >= m_input.h)
                    {
                        continue;
                    }
                    const float* from = row + oy * m_outW;
                    float* to = in + (c * m_input.h + iy) * m_input.w + shift;
                    for (int ox = first; ox < last; ++ox)
                    {
                        to[ox * m_stride] += from[ox];
                    }
                }
            }
        }
    }
}

int
Conv2dLayer::Group() const
{
    const int spatial = m_outH * m_outW;
    return std::clamp(GROUP_COLUMNS / spatial, 1, MAX_GROUP);
}

void
Conv2dLayer::Forward(const float* params, const float* in, float* out, int batch)
{
    const int patch = m_input.c * m_kernel * m_kernel;
    const float* b = m_bias ? params + size_t(m_outChannels) * patch : nullptr;
    if (m_useDirect)
    {
        m_direct.Forward(params, b, in, out, batch);
        return;
    }
    const size_t spatial = size_t(m_outH) * m_outW;
    const int group = Group();
    m_cols.resize(size_t(std::min(batch, group)) * patch * spatial);
    m_y.resize(size_t(group) * m_outChannels * spatial);
    ConstMatrixView w(params, m_outChannels, patch);
    for (int g = 0; g < batch; g += group)
    {
        const int n = std::min(group, batch - g);
        const size_t columns = size_t(n) * spatial;
        float* cols = m_cols.data();
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
                const float bias = b != nullptr ? b[c] : 0.0f;
                for (size_t p = 0; p < spatial; ++p)
                {
                    to[p] = from[p] + bias;
                }
            }
        }
    }
}

void
Conv2dLayer::FlipFilters(const float* params)
{
    // Filter (o, c, ky, kx) becomes (c, o, k-1-ky, k-1-kx).
    const int k = m_kernel;
    const int patch = m_input.c * k * k;
    const int outPatch = m_outChannels * k * k;
    m_flipped.resize(size_t(m_input.c) * outPatch);
    for (int o = 0; o < m_outChannels; ++o)
    {
        for (int c = 0; c < m_input.c; ++c)
        {
            for (int ky = 0; ky < k; ++ky)
            {
                for (int kx = 0; kx < k; ++kx)
                {
                    m_flipped[size_t(c) * outPatch + (o * k + k - 1 - ky) * k + k - 1 - kx]
                        = params[size_t(o) * patch + (c * k + ky) * k + kx];
                }
            }
        }
    }
}

void
Conv2dLayer::TransposedGradIn(const float* gradOut, int n, float* gradIn)
{
    // dx = conv(dy, flipped filters), with the forward pass's output layout.
    const size_t spatial = size_t(m_outH) * m_outW;
    const size_t columns = size_t(n) * spatial;
    const int outPatch = m_outChannels * m_kernel * m_kernel;
    for (int s = 0; s < n; ++s)
    {
        Unfold(gradOut + (size_t(s) * m_outChannels) * spatial, m_transposed,
               m_dcol.data() + s * spatial, columns);
    }
    MatrixView dx(m_dx.data(), m_input.c, columns);
    dx.noalias() = ConstMatrixView(m_flipped.data(), m_input.c, outPatch)
                   * ConstMatrixView(m_dcol.data(), outPatch, columns);
    for (int s = 0; s < n; ++s)
    {
        for (int c = 0; c < m_input.c; ++c)
        {
            std::memcpy(gradIn + (size_t(s) * m_input.c + c) * spatial,
                        m_dx.data() + c * columns + s * spatial, sizeof(float) * spatial);
        }
    }
}

void
Conv2dLayer::BiasGradient(const float* gradOut, int batch, float* gradBias) const
{
    const size_t spatial = size_t(m_outH) * m_outW;
    for (int c = 0; c < m_outChannels; ++c)
    {
        float sum = 0;
        for (int s = 0; s < batch; ++s)
        {
            const float* plane = gradOut + (size_t(s) * m_outChannels + c) * spatial;
            for (size_t p = 0; p < spatial; ++p)
            {
                sum += plane[p];
            }
        }
        gradBias[c] = sum;
    }
}

void
Conv2dLayer::Backward(const float* params, const float* in, const float* /*out*/,
                      const float* gradOut, float* gradParams, float* gradIn, int batch)
{
    const int patch = m_input.c * m_kernel * m_kernel;
    const size_t spatial = size_t(m_outH) * m_outW;
    if (m_useDirect)
    {
        m_direct.Backward(params, in, gradOut, gradParams, gradIn, batch);
        if (m_bias)
        {
            BiasGradient(gradOut, batch, gradParams + size_t(m_outChannels) * patch);
        }
        return;
    }
    const int group = Group();
    m_cols.resize(size_t(std::min(batch, group)) * patch * spatial);
    m_y.resize(size_t(group) * m_outChannels * spatial);
    MatrixView dw(gradParams, m_outChannels, patch);
    dw.setZero();
    const bool transposed = gradIn != nullptr && m_transposed.kernel > 0;
    if (transposed)
    {
        const int outPatch = m_outChannels * m_kernel * m_kernel;
        m_dcol.resize(size_t(group) * outPatch * spatial);
        m_dx.resize(size_t(group) * m_input.Size());
        FlipFilters(params);
    }
    else if (gradIn != nullptr)
    {
        std::memset(gradIn, 0, sizeof(float) * size_t(batch) * m_input.Size());
        m_dcol.resize(size_t(group) * patch * spatial);
    }
    for (int g = 0; g < batch; g += group)
    {
        const int n = std::min(group, batch - g);
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
        // The group's columns again: unfolding is cheaper than keeping a whole batch's (it
        // is patch floats per output pixel, hundreds of megabytes for a residual network)
        // and reading them back from memory.
        for (int s = 0; s < n; ++s)
        {
            Im2Col(in + size_t(g + s) * m_input.Size(), m_cols.data() + s * spatial, columns);
        }
        ConstMatrixView cols(m_cols.data(), patch, columns);
        dw.noalias() += dy * cols.transpose();
        if (m_bias)
        {
            VectorView db(gradParams + size_t(m_outChannels) * patch, m_outChannels);
            if (g == 0)
            {
                db.setZero();
            }
            db += dy.rowwise().sum();
        }
        if (transposed)
        {
            TransposedGradIn(gradOut + size_t(g) * m_outChannels * spatial, n,
                             gradIn + size_t(g) * m_input.c * spatial);
        }
        else if (gradIn != nullptr)
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
