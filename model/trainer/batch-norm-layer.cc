/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "batch-norm-layer.h"

#include <algorithm>
#include <cmath>

namespace dl
{

BatchNormLayer::BatchNormLayer(Shape input)
    : Layer(input)
{
}

std::string
BatchNormLayer::Describe() const
{
    return "batchnorm " + std::to_string(m_input.c);
}

Shape
BatchNormLayer::OutputShape() const
{
    return m_input;
}

size_t
BatchNormLayer::ParamCount() const
{
    return 4 * size_t(m_input.c);
}

void
BatchNormLayer::Init(float* params, std::mt19937_64& /*rng*/) const
{
    const int c = m_input.c;
    std::fill(params, params + c, 1.0f);             // gamma
    std::fill(params + c, params + 2 * c, 0.0f);     // beta
    std::fill(params + 2 * c, params + 3 * c, 0.0f); // running mean
    std::fill(params + 3 * c, params + 4 * c, 1.0f); // running variance
}

void
BatchNormLayer::Forward(const float* params, const float* in, float* out, int batch)
{
    const int channels = m_input.c;
    const size_t pixels = size_t(m_input.h) * m_input.w;
    const float* gamma = params;
    const float* beta = params + channels;
    if (!m_training)
    {
        const float* mean = params + 2 * channels;
        const float* variance = params + 3 * channels;
        for (int s = 0; s < batch; ++s)
        {
            for (int c = 0; c < channels; ++c)
            {
                const float scale = gamma[c] / std::sqrt(variance[c] + EPSILON);
                const float shift = beta[c] - mean[c] * scale;
                const size_t at = (size_t(s) * channels + c) * pixels;
                for (size_t p = 0; p < pixels; ++p)
                {
                    out[at + p] = in[at + p] * scale + shift;
                }
            }
        }
        return;
    }
    const size_t count = size_t(batch) * pixels;
    m_xhat.resize(count * channels);
    m_invStd.resize(channels);
    m_mean.resize(channels);
    m_variance.resize(channels);
    for (int c = 0; c < channels; ++c)
    {
        // Two passes in double: the mean first, then the squared deviations from it (a
        // one-pass sum of squares cancels badly when the mean is large).
        double sum = 0.0;
        for (int s = 0; s < batch; ++s)
        {
            const float* x = in + (size_t(s) * channels + c) * pixels;
            for (size_t p = 0; p < pixels; ++p)
            {
                sum += x[p];
            }
        }
        const double mean = sum / double(count);
        double squares = 0.0;
        for (int s = 0; s < batch; ++s)
        {
            const float* x = in + (size_t(s) * channels + c) * pixels;
            for (size_t p = 0; p < pixels; ++p)
            {
                squares += (x[p] - mean) * (x[p] - mean);
            }
        }
        const double variance = squares / double(count);
        const float invStd = float(1.0 / std::sqrt(variance + EPSILON));
        m_mean[c] = float(mean);
        m_variance[c] = float(count > 1 ? squares / double(count - 1) : variance);
        m_invStd[c] = invStd;
        for (int s = 0; s < batch; ++s)
        {
            const size_t at = (size_t(s) * channels + c) * pixels;
            for (size_t p = 0; p < pixels; ++p)
            {
                const float xhat = (in[at + p] - float(mean)) * invStd;
                m_xhat[at + p] = xhat;
                out[at + p] = gamma[c] * xhat + beta[c];
            }
        }
    }
}

void
BatchNormLayer::Backward(const float* params, const float* /*in*/, const float* /*out*/,
                         const float* gradOut, float* gradParams, float* gradIn, int batch)
{
    // Training mode only: the batch statistics depend on every input, hence the two sums.
    const int channels = m_input.c;
    const size_t pixels = size_t(m_input.h) * m_input.w;
    const double count = double(batch) * double(pixels);
    float* dGamma = gradParams;
    float* dBeta = gradParams + channels;
    std::fill(gradParams + 2 * channels, gradParams + 4 * channels, 0.0f); // state: no gradient
    for (int c = 0; c < channels; ++c)
    {
        double sumDy = 0.0;
        double sumDyXhat = 0.0;
        for (int s = 0; s < batch; ++s)
        {
            const size_t at = (size_t(s) * channels + c) * pixels;
            for (size_t p = 0; p < pixels; ++p)
            {
                sumDy += gradOut[at + p];
                sumDyXhat += double(gradOut[at + p]) * m_xhat[at + p];
            }
        }
        dGamma[c] = float(sumDyXhat);
        dBeta[c] = float(sumDy);
        if (gradIn == nullptr)
        {
            continue;
        }
        // dx = gamma / sigma * (dy - mean(dy) - xhat * mean(dy * xhat))
        const float scale = params[c] * m_invStd[c];
        const float meanDy = float(sumDy / count);
        const float meanDyXhat = float(sumDyXhat / count);
        for (int s = 0; s < batch; ++s)
        {
            const size_t at = (size_t(s) * channels + c) * pixels;
            for (size_t p = 0; p < pixels; ++p)
            {
                gradIn[at + p] = scale * (gradOut[at + p] - meanDy - m_xhat[at + p] * meanDyXhat);
            }
        }
    }
}

void
BatchNormLayer::UpdateState(float* params)
{
    const int channels = m_input.c;
    float* mean = params + 2 * channels;
    float* variance = params + 3 * channels;
    for (int c = 0; c < channels; ++c)
    {
        mean[c] = (1.0f - MOMENTUM) * mean[c] + MOMENTUM * m_mean[c];
        variance[c] = (1.0f - MOMENTUM) * variance[c] + MOMENTUM * m_variance[c];
    }
}

void
BatchNormLayer::AppendStateRanges(size_t offset,
                                  std::vector<std::pair<size_t, size_t>>& ranges) const
{
    ranges.emplace_back(offset + 2 * size_t(m_input.c), offset + 4 * size_t(m_input.c));
}

} // namespace dl
