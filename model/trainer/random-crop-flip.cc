/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "random-crop-flip.h"

#include <algorithm>

namespace dl
{

RandomCropFlip::RandomCropFlip(Shape shape, uint64_t seed)
    : m_shape(shape)
    , m_rng(seed)
    , m_original(size_t(shape.Size()))
{
}

void
RandomCropFlip::Transform(const float* in, float* out, Shape shape, int dy, int dx, bool flip)
{
    for (int c = 0; c < shape.c; ++c)
    {
        const float* plane = in + size_t(c) * shape.h * shape.w;
        for (int y = 0; y < shape.h; ++y)
        {
            float* row = out + (size_t(c) * shape.h + y) * shape.w;
            const int sy = y + dy;
            if (sy < 0 || sy >= shape.h)
            {
                std::fill(row, row + shape.w, 0.0f);
                continue;
            }
            for (int x = 0; x < shape.w; ++x)
            {
                const int sx = (flip ? shape.w - 1 - x : x) + dx;
                row[x] = sx >= 0 && sx < shape.w ? plane[sy * shape.w + sx] : 0.0f;
            }
        }
    }
}

void
RandomCropFlip::Apply(float* x, int batch)
{
    std::uniform_int_distribution<int> offset(-PADDING, PADDING);
    std::bernoulli_distribution mirror(0.5);
    const size_t size = size_t(m_shape.Size());
    for (int s = 0; s < batch; ++s)
    {
        float* sample = x + s * size;
        const int dy = offset(m_rng);
        const int dx = offset(m_rng);
        const bool flip = mirror(m_rng);
        std::copy(sample, sample + size, m_original.begin());
        Transform(m_original.data(), sample, m_shape, dy, dx, flip);
    }
}

} // namespace dl
