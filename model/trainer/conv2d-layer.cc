/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "conv2d-layer.h"

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
Conv2dLayer::Im2Col(const float* in, float* col) const
{
    const int spatial = m_outH * m_outW;
    for (int c = 0; c < m_input.c; ++c)
    {
        for (int ky = 0; ky < m_kernel; ++ky)
        {
            for (int kx = 0; kx < m_kernel; ++kx)
            {
                float* row = col + size_t((c * m_kernel + ky) * m_kernel + kx) * spatial;
                for (int oy = 0; oy < m_outH; ++oy)
                {
                    const int iy = oy + ky - m_padding;
                    for (int ox = 0; ox < m_outW; ++ox)
                    {
                        const int ix = ox + kx - m_padding;
                        const bool inside = iy >= 0 && iy < m_input.h && ix >= 0 && ix < m_input.w;
                        row[oy * m_outW + ox]
                            = inside ? in[(c * m_input.h + iy) * m_input.w + ix] : 0.0f;
                    }
                }
            }
        }
    }
}

void
Conv2dLayer::Col2Im(const float* col, float* in) const
{
    const int spatial = m_outH * m_outW;
    for (int c = 0; c < m_input.c; ++c)
    {
        for (int ky = 0; ky < m_kernel; ++ky)
        {
            for (int kx = 0; kx < m_kernel; ++kx)
            {
                const float* row = col + size_t((c * m_kernel + ky) * m_kernel + kx) * spatial;
                for (int oy = 0; oy < m_outH; ++oy)
                {
                    const int iy = oy + ky - m_padding;
                    if (iy < 0 || iy >= m_input.h)
                    {
                        continue;
                    }
                    for (int ox = 0; ox < m_outW; ++ox)
                    {
                        const int ix = ox + kx - m_padding;
                        if (ix >= 0 && ix < m_input.w)
                        {
                            in[(c * m_input.h + iy) * m_input.w + ix] += row[oy * m_outW + ox];
                        }
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
    const int spatial = m_outH * m_outW;
    m_cols.resize(size_t(batch) * patch * spatial);
    ConstMatrixView w(params, m_outChannels, patch);
    ConstVectorView b(params + size_t(m_outChannels) * patch, m_outChannels);
    for (int s = 0; s < batch; ++s)
    {
        float* col = m_cols.data() + size_t(s) * patch * spatial;
        Im2Col(in + size_t(s) * m_input.Size(), col);
        MatrixView y(out + size_t(s) * m_outChannels * spatial, m_outChannels, spatial);
        y.noalias() = w * ConstMatrixView(col, patch, spatial);
        y.colwise() += b;
    }
}

void
Conv2dLayer::Backward(const float* params, const float* in, const float* /*out*/,
                      const float* gradOut, float* gradParams, float* gradIn, int batch)
{
    (void)in; // the unfolded input saved by Forward is used instead
    const int patch = m_input.c * m_kernel * m_kernel;
    const int spatial = m_outH * m_outW;
    ConstMatrixView w(params, m_outChannels, patch);
    MatrixView dw(gradParams, m_outChannels, patch);
    VectorView db(gradParams + size_t(m_outChannels) * patch, m_outChannels);
    dw.setZero();
    db.setZero();
    if (gradIn != nullptr)
    {
        std::memset(gradIn, 0, sizeof(float) * size_t(batch) * m_input.Size());
        m_dcol.resize(size_t(patch) * spatial);
    }
    for (int s = 0; s < batch; ++s)
    {
        ConstMatrixView dy(gradOut + size_t(s) * m_outChannels * spatial, m_outChannels, spatial);
        ConstMatrixView col(m_cols.data() + size_t(s) * patch * spatial, patch, spatial);
        dw.noalias() += dy * col.transpose();
        db += dy.rowwise().sum();
        if (gradIn != nullptr)
        {
            MatrixView dcol(m_dcol.data(), patch, spatial);
            dcol.noalias() = w.transpose() * dy;
            Col2Im(m_dcol.data(), gradIn + size_t(s) * m_input.Size());
        }
    }
}

} // namespace dl
