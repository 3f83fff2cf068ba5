/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "embedding-layer.h"

#include <algorithm>
#include <cstring>

namespace dl
{

EmbeddingLayer::EmbeddingLayer(Shape input, int vocabulary, int features)
    : Layer(input)
    , m_vocabulary(vocabulary)
    , m_features(features)
{
    if (vocabulary < 1 || features < 1)
    {
        throw DataError("embedding: vocabulary and features must be positive");
    }
}

std::string
EmbeddingLayer::Describe() const
{
    return "embedding " + std::to_string(m_vocabulary) + "x" + std::to_string(m_features);
}

Shape
EmbeddingLayer::OutputShape() const
{
    return Shape{1, m_input.Size(), m_features};
}

size_t
EmbeddingLayer::ParamCount() const
{
    return size_t(m_vocabulary) * m_features;
}

void
EmbeddingLayer::Init(float* params, std::mt19937_64& rng) const
{
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (size_t i = 0; i < ParamCount(); ++i)
    {
        params[i] = normal(rng);
    }
}

void
EmbeddingLayer::Forward(const float* params, const float* in, float* out, int batch)
{
    const size_t tokens = size_t(batch) * m_input.Size();
    for (size_t k = 0; k < tokens; ++k)
    {
        // Ids come from a dataset whose labels were range-checked; clamp anyway, so that a
        // float that is not an id can never read outside the table.
        const int id = std::clamp(int(in[k]), 0, m_vocabulary - 1);
        std::memcpy(out + k * m_features, params + size_t(id) * m_features,
                    sizeof(float) * m_features);
    }
}

void
EmbeddingLayer::Backward(const float* /*params*/, const float* in, const float* /*out*/,
                         const float* gradOut, float* gradParams, float* /*gradIn*/, int batch)
{
    std::fill(gradParams, gradParams + ParamCount(), 0.0f);
    const size_t tokens = size_t(batch) * m_input.Size();
    for (size_t k = 0; k < tokens; ++k)
    {
        const int id = std::clamp(int(in[k]), 0, m_vocabulary - 1);
        float* row = gradParams + size_t(id) * m_features;
        const float* g = gradOut + k * m_features;
        for (int e = 0; e < m_features; ++e)
        {
            row[e] += g[e];
        }
    }
}

} // namespace dl
