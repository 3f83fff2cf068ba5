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
    for (size_t l = 0; l <= m_layers.size(); ++l)
    {
        const Shape s = l == 0 ? m_input : m_layers[l - 1]->OutputShape();
        const size_t need = size_t(batch) * s.Size();
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
    std::memcpy(m_acts[0].data(), x, sizeof(float) * size_t(batch) * m_input.Size());
    for (size_t l = 0; l < m_layers.size(); ++l)
    {
        m_layers[l]->Forward(params + m_offsets[l], m_acts[l].data(), m_acts[l + 1].data(), batch);
    }
    return m_acts.back().data();
}

double
SequentialModel::LossAndGradient(const float* params, const float* x, const int32_t* y, int batch,
                                 float* grad)
{
    const float* logits = Forward(params, x, batch);
    const size_t last = m_layers.size();
    const double loss = SoftmaxCrossEntropy(logits, y, batch, OutputShape().Size(),
                                            m_grads[last].data(), nullptr);
    for (size_t l = last; l-- > 0;)
    {
        m_layers[l]->Backward(params + m_offsets[l], m_acts[l].data(), m_acts[l + 1].data(),
                              m_grads[l + 1].data(), grad + m_offsets[l],
                              l == 0 ? nullptr : m_grads[l].data(), batch);
    }
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
    double lossSum = 0.0;
    size_t hits = 0;
    for (size_t begin = 0; begin < data.Size(); begin += batchSize)
    {
        const int n = int(std::min<size_t>(batchSize, data.Size() - begin));
        const float* logits = Forward(params, data.Sample(begin), n);
        int correct = 0;
        lossSum += n
                   * SoftmaxCrossEntropy(logits, data.labels.data() + begin, n,
                                         OutputShape().Size(), nullptr, &correct);
        hits += correct;
    }
    r.loss = lossSum / double(data.Size());
    r.accuracy = double(hits) / double(data.Size());
    return r;
}

} // namespace dl
