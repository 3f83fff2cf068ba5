/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "residual-block.h"

#include "batch-norm-layer.h"
#include "conv2d-layer.h"
#include "relu-layer.h"

#include <cstring>

namespace dl
{

ResidualBlock::ResidualBlock(Shape input, int outChannels, int stride)
    : Layer(input)
    , m_stride(stride)
    , m_branch(std::make_unique<SequentialModel>(input))
{
    const bool keeps = stride == 1 && outChannels == input.c;
    const bool halves = stride == 2 && outChannels >= input.c && (outChannels - input.c) % 2 == 0
                        && input.h % 2 == 0 && input.w % 2 == 0;
    if (!keeps && !halves)
    {
        throw DataError("residual block: " + std::to_string(input.c) + "->"
                        + std::to_string(outChannels) + " channels with stride "
                        + std::to_string(stride) + " on " + std::to_string(input.h) + "x"
                        + std::to_string(input.w)
                        + " (expected the same channels at stride 1, or stride 2 on an even "
                          "picture with an even number of channels added)");
    }
    SequentialModel& b = *m_branch;
    b.Add(std::make_unique<Conv2dLayer>(b.OutputShape(), outChannels, 3, 1, stride, false));
    b.Add(std::make_unique<BatchNormLayer>(b.OutputShape()));
    b.Add(std::make_unique<ReluLayer>(b.OutputShape()));
    b.Add(std::make_unique<Conv2dLayer>(b.OutputShape(), outChannels, 3, 1, 1, false));
    b.Add(std::make_unique<BatchNormLayer>(b.OutputShape()));
}

ResidualBlock::ResidualBlock(const ResidualBlock& other)
    : Layer(other)
    , m_stride(other.m_stride)
    , m_branch(other.m_branch->Clone())
{
}

std::string
ResidualBlock::Describe() const
{
    const Shape out = OutputShape();
    return "residual block " + std::to_string(m_input.c) + "->" + std::to_string(out.c) + " "
           + std::to_string(out.h) + "x" + std::to_string(out.w)
           + (m_stride > 1 ? " (option-A shortcut)" : "");
}

Shape
ResidualBlock::OutputShape() const
{
    return m_branch->OutputShape();
}

size_t
ResidualBlock::ParamCount() const
{
    return m_branch->ParamCount();
}

size_t
ResidualBlock::ActivationFloats() const
{
    return m_branch->ActivationFloats() + 2 * size_t(OutputShape().Size());
}

void
ResidualBlock::Init(float* params, std::mt19937_64& rng) const
{
    for (size_t l = 0; l < m_branch->Layers().size(); ++l)
    {
        m_branch->Layers()[l]->Init(params + m_branch->LayerOffset(l), rng);
    }
}

void
ResidualBlock::Shortcut(const float* from, float* to, int batch, bool backward) const
{
    const Shape out = OutputShape();
    const int before = (out.c - m_input.c) / 2; // zero channels ahead of the input's
    for (int s = 0; s < batch; ++s)
    {
        for (int c = 0; c < m_input.c; ++c)
        {
            for (int y = 0; y < out.h; ++y)
            {
                for (int x = 0; x < out.w; ++x)
                {
                    const size_t i
                        = ((size_t(s) * m_input.c + c) * m_input.h + y * m_stride) * m_input.w
                          + x * m_stride;
                    const size_t o = ((size_t(s) * out.c + c + before) * out.h + y) * out.w + x;
                    if (backward)
                    {
                        to[i] += from[o];
                    }
                    else
                    {
                        to[o] += from[i];
                    }
                }
            }
        }
    }
}

void
ResidualBlock::Forward(const float* params, const float* in, float* out, int batch)
{
    const size_t n = size_t(batch) * OutputShape().Size();
    std::memcpy(out, m_branch->Forward(params, in, batch), sizeof(float) * n);
    Shortcut(in, out, batch, false);
    VectorView(out, Eigen::Index(n)) = VectorView(out, Eigen::Index(n)).cwiseMax(0.0f);
}

void
ResidualBlock::Backward(const float* params, const float* /*in*/, const float* out,
                        const float* gradOut, float* gradParams, float* gradIn, int batch)
{
    const Eigen::Index n = Eigen::Index(batch) * OutputShape().Size();
    m_gradSum.resize(size_t(n));
    VectorView(m_gradSum.data(), n)
        = (ConstVectorView(out, n).array() > 0.0f).select(ConstVectorView(gradOut, n), 0.0f);
    m_branch->Backward(params, m_gradSum.data(), gradParams, gradIn, batch);
    if (gradIn != nullptr)
    {
        Shortcut(m_gradSum.data(), gradIn, batch, true);
    }
}

void
ResidualBlock::SetTraining(bool training)
{
    m_branch->SetTraining(training);
}

void
ResidualBlock::UpdateState(float* params)
{
    m_branch->UpdateState(params);
}

void
ResidualBlock::AppendStateRanges(size_t offset,
                                 std::vector<std::pair<size_t, size_t>>& ranges) const
{
    m_branch->AppendStateRanges(offset, ranges);
}

} // namespace dl
