/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "hadamard-transform.h"

#include "seed-mixer.h"

#include <cmath>

namespace dl
{

namespace
{

/// Orthonormal fast Walsh-Hadamard transform of p floats (p a power of two), in place.
void
Walsh(float* x, size_t p)
{
    for (size_t h = 1; h < p; h *= 2)
    {
        for (size_t i = 0; i < p; i += 2 * h)
        {
            for (size_t j = i; j < i + h; ++j)
            {
                const float a = x[j];
                const float b = x[j + h];
                x[j] = a + b;
                x[j + h] = a - b;
            }
        }
    }
    const float scale = 1.0f / std::sqrt(float(p));
    for (size_t i = 0; i < p; ++i)
    {
        x[i] *= scale;
    }
}

/// \return the largest power of two not above n (n > 0)
size_t
PowerOfTwoBelow(size_t n)
{
    size_t p = 1;
    while (p * 2 <= n)
    {
        p *= 2;
    }
    return p;
}

/**
 * Mix all n floats with Walsh transforms of the largest power of two p <= n: one over the
 * whole vector if n is p; else three over overlapping windows, the last p, the first p, the
 * last p again (they overlap since p > n / 2), so that every output depends on every input and
 * every input on every output. Each window's transform is its own inverse, so the same passes
 * in reverse order undo it; the order is symmetric, so that is the same call.
 */
void
WalshWindows(float* x, size_t n)
{
    const size_t p = PowerOfTwoBelow(n);
    if (p == n)
    {
        Walsh(x, n);
        return;
    }
    Walsh(x + n - p, p);
    Walsh(x, p);
    Walsh(x + n - p, p);
}

/// Multiply every float by its random sign.
void
FlipSigns(float* x, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; ++i)
    {
        if (MixSeed(seed, SeedStream::HADAMARD_SIGNS, i) >> 63)
        {
            x[i] = -x[i];
        }
    }
}

} // namespace

void
RandomizedHadamard(float* x, size_t n, uint64_t seed)
{
    FlipSigns(x, n, seed);
    WalshWindows(x, n);
}

void
InverseRandomizedHadamard(float* x, size_t n, uint64_t seed)
{
    WalshWindows(x, n);
    FlipSigns(x, n, seed);
}

} // namespace dl
