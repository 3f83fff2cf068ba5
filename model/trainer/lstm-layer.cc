/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "lstm-layer.h"

#include <cmath>
#include <cstring>

namespace dl
{

namespace
{

float
Sigmoid(float x)
{
    return 1.0f / (1.0f + std::exp(-x));
}

/// Rows [batch] of step t in a [batch x T x width] array: row s starts at (s*T + t)*width.
using StepView = Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>,
                            0, Eigen::OuterStride<>>;
/// Read-only StepView.
using ConstStepView
    = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>, 0,
                 Eigen::OuterStride<>>;

} // namespace

LstmLayer::LstmLayer(Shape input, int hidden)
    : Layer(input)
    , m_steps(input.h)
    , m_features(input.w)
    , m_hidden(hidden)
{
    if (input.c != 1 || hidden < 1)
    {
        throw DataError("lstm: expects a 1 x steps x features input and a positive hidden size");
    }
}

std::string
LstmLayer::Describe() const
{
    return "lstm " + std::to_string(m_features) + "->" + std::to_string(m_hidden) + " over "
           + std::to_string(m_steps) + " steps";
}

Shape
LstmLayer::OutputShape() const
{
    return Shape{1, m_steps, m_hidden};
}

size_t
LstmLayer::ParamCount() const
{
    return size_t(4) * m_hidden * (m_features + m_hidden + 1);
}

size_t
LstmLayer::ActivationFloats() const
{
    return size_t(m_steps) * m_hidden * 7; // output, 4 gates, cell, gate gradients (4H / 2)
}

void
LstmLayer::Init(float* params, std::mt19937_64& rng) const
{
    const size_t h4 = size_t(4) * m_hidden;
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    const float scaleW = std::sqrt(3.0f / float(m_features)); // unit variance in, as Xavier
    const float scaleU = std::sqrt(3.0f / float(m_hidden));
    for (size_t i = 0; i < h4 * m_features; ++i)
    {
        params[i] = scaleW * uniform(rng);
    }
    float* u = params + h4 * m_features;
    for (size_t i = 0; i < h4 * m_hidden; ++i)
    {
        u[i] = scaleU * uniform(rng);
    }
    float* b = u + h4 * m_hidden;
    for (size_t i = 0; i < h4; ++i)
    {
        b[i] = i >= size_t(m_hidden) && i < size_t(2 * m_hidden) ? 1.0f : 0.0f;
    }
}

void
LstmLayer::Forward(const float* params, const float* in, float* out, int batch)
{
    const int h = m_hidden;
    const int h4 = 4 * h;
    const int steps = m_steps;
    ConstMatrixView w(params, h4, m_features);
    ConstMatrixView u(params + size_t(h4) * m_features, h4, h);
    ConstVectorView b(params + size_t(h4) * (m_features + h), h4);
    m_gates.resize(size_t(steps) * batch * h4);
    m_cells.assign(size_t(steps + 1) * batch * h, 0.0f);
    // The input part of every step at once: one GEMM over batch x T rows.
    m_dz.resize(size_t(batch) * steps * h4);
    MatrixView zx(m_dz.data(), batch * steps, h4);
    zx.noalias() = ConstMatrixView(in, batch * steps, m_features) * w.transpose();
    for (int t = 0; t < steps; ++t)
    {
        MatrixView z(m_gates.data() + size_t(t) * batch * h4, batch, h4);
        z = ConstStepView(m_dz.data() + size_t(t) * h4, batch, h4,
                          Eigen::OuterStride<>(steps * h4));
        if (t > 0)
        {
            z.noalias()
                += ConstStepView(out + size_t(t - 1) * h, batch, h, Eigen::OuterStride<>(steps * h))
                   * u.transpose();
        }
        const float* cPrev = m_cells.data() + size_t(t) * batch * h;
        float* c = m_cells.data() + size_t(t + 1) * batch * h;
        for (int s = 0; s < batch; ++s)
        {
            float* g = z.data() + size_t(s) * h4;
            float* hOut = out + (size_t(s) * steps + t) * h;
            for (int k = 0; k < h; ++k)
            {
                const float i = Sigmoid(g[k] + b[k]);
                const float f = Sigmoid(g[h + k] + b[h + k]);
                const float cand = std::tanh(g[2 * h + k] + b[2 * h + k]);
                const float o = Sigmoid(g[3 * h + k] + b[3 * h + k]);
                g[k] = i;
                g[h + k] = f;
                g[2 * h + k] = cand;
                g[3 * h + k] = o;
                const float cell = f * cPrev[size_t(s) * h + k] + i * cand;
                c[size_t(s) * h + k] = cell;
                hOut[k] = o * std::tanh(cell);
            }
        }
    }
}

void
LstmLayer::Backward(const float* params, const float* in, const float* out, const float* gradOut,
                    float* gradParams, float* gradIn, int batch)
{
    const int h = m_hidden;
    const int h4 = 4 * h;
    const int steps = m_steps;
    ConstMatrixView w(params, h4, m_features);
    ConstMatrixView u(params + size_t(h4) * m_features, h4, h);
    MatrixView dw(gradParams, h4, m_features);
    MatrixView du(gradParams + size_t(h4) * m_features, h4, h);
    VectorView db(gradParams + size_t(h4) * (m_features + h), h4);
    du.setZero();
    m_dh.assign(size_t(batch) * h, 0.0f);
    m_dc.assign(size_t(batch) * h, 0.0f);
    m_dz.resize(size_t(batch) * steps * h4);
    for (int t = steps - 1; t >= 0; --t)
    {
        const float* gates = m_gates.data() + size_t(t) * batch * h4;
        const float* cPrev = m_cells.data() + size_t(t) * batch * h;
        const float* c = m_cells.data() + size_t(t + 1) * batch * h;
        for (int s = 0; s < batch; ++s)
        {
            const float* g = gates + size_t(s) * h4;
            const float* dOut = gradOut + (size_t(s) * steps + t) * h;
            float* dz = m_dz.data() + (size_t(s) * steps + t) * h4;
            float* dh = m_dh.data() + size_t(s) * h;
            float* dc = m_dc.data() + size_t(s) * h;
            for (int k = 0; k < h; ++k)
            {
                const float i = g[k], f = g[h + k], cand = g[2 * h + k], o = g[3 * h + k];
                const float tc = std::tanh(c[size_t(s) * h + k]);
                const float dhk = dOut[k] + dh[k];
                const float dck = dc[k] + dhk * o * (1.0f - tc * tc);
                dz[k] = dck * cand * i * (1.0f - i);
                dz[h + k] = dck * cPrev[size_t(s) * h + k] * f * (1.0f - f);
                dz[2 * h + k] = dck * i * (1.0f - cand * cand);
                dz[3 * h + k] = dhk * tc * o * (1.0f - o);
                dc[k] = dck * f; // reaches c_{t-1}
            }
        }
        ConstStepView dzt(m_dz.data() + size_t(t) * h4, batch, h4,
                          Eigen::OuterStride<>(steps * h4));
        if (t > 0)
        {
            ConstStepView hPrev(out + size_t(t - 1) * h, batch, h, Eigen::OuterStride<>(steps * h));
            du.noalias() += dzt.transpose() * hPrev;
            MatrixView(m_dh.data(), batch, h).noalias() = dzt * u; // reaches h_{t-1}
        }
    }
    // The input part of every step at once, as in Forward.
    ConstMatrixView dz(m_dz.data(), batch * steps, h4);
    dw.noalias() = dz.transpose() * ConstMatrixView(in, batch * steps, m_features);
    db = dz.colwise().sum().transpose();
    if (gradIn != nullptr)
    {
        MatrixView(gradIn, batch * steps, m_features).noalias() = dz * w;
    }
}

} // namespace dl
