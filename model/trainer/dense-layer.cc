/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "dense-layer.h"

#include <cmath>

namespace dl
{

DenseLayer::DenseLayer(Shape input, int outputs)
    : Layer(input)
    , m_in(input.Size())
    , m_out(outputs)
{
}

DenseLayer::DenseLayer(Shape input, int outputs, bool perStep)
    : Layer(input)
    , m_in(perStep ? input.w : input.Size())
    , m_out(outputs)
    , m_rows(perStep ? input.h : 1)
{
    if (perStep && input.c != 1)
    {
        throw DataError("dense per step: expects a 1 x steps x features input");
    }
}

std::string
DenseLayer::Describe() const
{
    return "dense " + std::to_string(m_in) + "->" + std::to_string(m_out)
           + (m_rows > 1 ? " per step (" + std::to_string(m_rows) + ")" : "");
}

Shape
DenseLayer::OutputShape() const
{
    return Shape{1, m_rows, m_out};
}

size_t
DenseLayer::ParamCount() const
{
    return size_t(m_out) * m_in + m_out;
}

void
DenseLayer::Init(float* params, std::mt19937_64& rng) const
{
    std::normal_distribution<float> normal(0.0f, std::sqrt(2.0f / float(m_in)));
    for (size_t i = 0; i < size_t(m_out) * m_in; ++i)
    {
        params[i] = normal(rng);
    }
    for (int i = 0; i < m_out; ++i)
    {
        params[size_t(m_out) * m_in + i] = 0.0f;
    }
}

void
DenseLayer::Forward(const float* params, const float* in, float* out, int samples)
{
    const int batch = samples * m_rows; // every step of every sample is a row
    ConstMatrixView w(params, m_out, m_in);
    ConstVectorView b(params + size_t(m_out) * m_in, m_out);
    ConstMatrixView x(in, batch, m_in);
    MatrixView y(out, batch, m_out);
    y.noalias() = x * w.transpose();
    y.rowwise() += b.transpose();
}

void
DenseLayer::Backward(const float* params, const float* in, const float* /*out*/,
                     const float* gradOut, float* gradParams, float* gradIn, int samples)
{
    const int batch = samples * m_rows;
    ConstMatrixView x(in, batch, m_in);
    ConstMatrixView dy(gradOut, batch, m_out);
    MatrixView dw(gradParams, m_out, m_in);
    VectorView db(gradParams + size_t(m_out) * m_in, m_out);
    dw.noalias() = dy.transpose() * x;
    db = dy.colwise().sum().transpose();
    if (gradIn != nullptr)
    {
        ConstMatrixView w(params, m_out, m_in);
        MatrixView dx(gradIn, batch, m_in);
        dx.noalias() = dy * w;
    }
}

} // namespace dl
