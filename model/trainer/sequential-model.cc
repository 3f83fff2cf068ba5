/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "sequential-model.h"

#include "seed-mixer.h"
#include "softmax-cross-entropy.h"

#include <algorithm>
#include <cstring>
#include <random>

namespace dl
{

SequentialModel::SequentialModel(Shape input)
    : m_input(input)
{
}

Shape
SequentialModel::OutputShape() const
{
    return m_layers.empty() ? m_input : m_layers.back()->OutputShape();
}

void
SequentialModel::Add(std::unique_ptr<Layer> layer)
{
    if (layer->InputShape().Size() != OutputShape().Size())
    {
        throw DataError("model: layer '" + layer->Describe() + "' expects "
                        + std::to_string(layer->InputShape().Size()) + " inputs, previous gives "
                        + std::to_string(OutputShape().Size()));
    }
    m_offsets.push_back(m_paramCount);
    m_paramCount += layer->ParamCount();
    m_layers.push_back(std::move(layer));
    // The trained ranges: the whole buffer less the state ranges (ascending, disjoint).
    m_state.clear();
    AppendStateRanges(0, m_state);
    m_trainable.clear();
    size_t from = 0;
    for (const auto& [begin, end] : m_state)
    {
        if (begin > from)
        {
            m_trainable.emplace_back(from, begin);
        }
        from = end;
    }
    if (from < m_paramCount)
    {
        m_trainable.emplace_back(from, m_paramCount);
    }
}

void
SequentialModel::AppendStateRanges(size_t offset,
                                   std::vector<std::pair<size_t, size_t>>& ranges) const
{
    for (size_t l = 0; l < m_layers.size(); ++l)
    {
        m_layers[l]->AppendStateRanges(offset + m_offsets[l], ranges);
    }
}

size_t
SequentialModel::ActivationFloats() const
{
    size_t floats = 0;
    for (const auto& layer : m_layers)
    {
        floats += layer->ActivationFloats();
    }
    return floats;
}

void
SequentialModel::SetTraining(bool training)
{
    for (auto& layer : m_layers)
    {
        layer->SetTraining(training);
    }
}

std::unique_ptr<SequentialModel>
SequentialModel::Clone() const
{
    auto copy = std::make_unique<SequentialModel>(m_input);
    for (const auto& layer : m_layers)
    {
        copy->Add(layer->Clone());
    }
    return copy;
}

std::string
SequentialModel::Summary() const
{
    std::string s;
    for (size_t l = 0; l < m_layers.size(); ++l)
    {
        s += "  " + m_layers[l]->Describe() + " (" + std::to_string(m_layers[l]->ParamCount())
             + " params)\n";
    }
    s += "  total " + std::to_string(m_paramCount) + " params\n";
    return s;
}

void
SequentialModel::Init(float* params, uint64_t seed) const
{
    std::mt19937_64 rng(MixSeed(seed, SeedStream::INIT));
    for (size_t l = 0; l < m_layers.size(); ++l)
    {
        m_layers[l]->Init(params + m_offsets[l], rng);
    }
}

void
SequentialModel::Reserve(int batch)
{
    m_acts.resize(m_layers.size() + 1);
    m_grads.resize(m_layers.size() + 1);
    for (size_t l = 1; l <= m_layers.size(); ++l)
    {
        const size_t need = size_t(batch) * m_layers[l - 1]->OutputShape().Size();
        if (m_acts[l].size() < need)
        {
            m_acts[l].resize(need);
            m_grads[l].resize(need);
        }
    }
}

const float*
SequentialModel::Forward(const float* params, const float* x, int batch)
{
    Reserve(batch);
    m_x = x;
    for (size_t l = 0; l < m_layers.size(); ++l)
    {
        m_layers[l]->Forward(params + m_offsets[l], l == 0 ? x : m_acts[l].data(),
                             m_acts[l + 1].data(), batch);
    }
    return m_layers.empty() ? x : m_acts.back().data();
}

void
SequentialModel::Backward(const float* params, const float* gradOut, float* grad, float* gradIn,
                          int batch)
{
    const size_t last = m_layers.size();
    for (size_t l = last; l-- > 0;)
    {
        m_layers[l]->Backward(params + m_offsets[l], l == 0 ? m_x : m_acts[l].data(),
                              m_acts[l + 1].data(), l + 1 == last ? gradOut : m_grads[l + 1].data(),
                              grad + m_offsets[l], l == 0 ? gradIn : m_grads[l].data(), batch);
    }
}

void
SequentialModel::UpdateState(float* params)
{
    for (size_t l = 0; l < m_layers.size(); ++l)
    {
        m_layers[l]->UpdateState(params + m_offsets[l]);
    }
}

double
SequentialModel::LossAndGradient(float* params, const float* x, const int32_t* y, int batch,
                                 float* grad)
{
    SetTraining(true);
    const float* logits = Forward(params, x, batch);
    FloatBuffer& gradLogits = m_grads.back();
    // The logits are 1 x rows x classes per sample: one row for a picture, one per step of a
    // sequence (each with its label); the loss is the mean over all rows.
    const Shape out = OutputShape();
    const double loss
        = SoftmaxCrossEntropy(logits, y, batch * out.h, out.w, gradLogits.data(), nullptr);
    Backward(params, gradLogits.data(), grad, nullptr, batch);
    UpdateState(params);
    return loss;
}

EvalResult
SequentialModel::Evaluate(const float* params, const Dataset& data, int batchSize)
{
    EvalResult r;
    if (data.Size() == 0)
    {
        return r;
    }
    // Activations of at most ~128 MB: a thousand samples of a residual network would take
    // gigabytes. The batch depends on the model only, so results do not depend on the data.
    const size_t maxFloats = size_t(32) << 20;
    batchSize = int(std::clamp<size_t>(maxFloats / std::max<size_t>(ActivationFloats(), 1), 1,
                                       size_t(batchSize)));
    SetTraining(false);
    double lossSum = 0.0;
    size_t hits = 0;
    const Shape out = OutputShape();
    for (size_t begin = 0; begin < data.Size(); begin += batchSize)
    {
        const int n = int(std::min<size_t>(batchSize, data.Size() - begin));
        const float* logits = Forward(params, data.Sample(begin), n);
        int correct = 0;
        lossSum += n * out.h
                   * SoftmaxCrossEntropy(logits, data.Labels(begin), n * out.h, out.w, nullptr,
                                         &correct);
        hits += correct;
    }
    const double rows = double(data.Size()) * out.h;
    r.loss = lossSum / rows;
    r.accuracy = double(hits) / rows;
    return r;
}

} // namespace dl
