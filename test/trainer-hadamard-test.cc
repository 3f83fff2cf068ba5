/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// The randomized Hadamard transform of OptiReduceSync: exact to float rounding, orthogonal,
// seeded, and a lost slice of transformed coordinates spreads its error over the whole block.

#include "ns3/hadamard-transform.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

using namespace dl;

namespace
{

std::vector<float>
RandomVector(size_t n, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<float> v(n);
    for (float& x : v)
    {
        x = normal(rng);
    }
    return v;
}

double
Norm(const std::vector<float>& v)
{
    double s = 0;
    for (float x : v)
    {
        s += double(x) * x;
    }
    return std::sqrt(s);
}

/**
 * The mean of 8 copies with copy 0's coordinates [100, 200) lost (averaged over the 7 copies
 * that arrived there, as an owner does), transformed with \p seed first and back after, or not
 * at all; \return its error against the true mean, per coordinate.
 */
std::vector<double>
LossError(bool transform, uint64_t seed)
{
    const size_t n = 1000;
    std::vector<std::vector<float>> copies;
    std::vector<double> truth(n, 0.0);
    for (uint32_t c = 0; c < 8; ++c)
    {
        copies.push_back(RandomVector(n, 10 + c));
        for (size_t i = 0; i < n; ++i)
        {
            truth[i] += copies[c][i] / 8.0;
        }
        if (transform)
        {
            RandomizedHadamard(copies[c].data(), n, seed);
        }
    }
    std::vector<float> mean(n);
    for (size_t i = 0; i < n; ++i)
    {
        const bool lost = i >= 100 && i < 200;
        double s = 0;
        for (uint32_t c = lost ? 1 : 0; c < 8; ++c)
        {
            s += copies[c][i];
        }
        mean[i] = float(s / (lost ? 7 : 8));
    }
    if (transform)
    {
        InverseRandomizedHadamard(mean.data(), n, seed);
    }
    std::vector<double> error(n);
    for (size_t i = 0; i < n; ++i)
    {
        error[i] = std::abs(mean[i] - truth[i]);
    }
    return error;
}

} // namespace

TEST_CASE("randomized Hadamard: the inverse gives the vector back, norms are kept")
{
    for (size_t n : {1, 2, 7, 64, 1000, 4099})
    {
        const std::vector<float> x = RandomVector(n, uint32_t(n));
        std::vector<float> y = x;
        RandomizedHadamard(y.data(), n, 42);
        CHECK(Norm(y) == Approx(Norm(x)).epsilon(1e-5));
        if (n >= 64)
        {
            CHECK(y != x); // it did transform
        }
        InverseRandomizedHadamard(y.data(), n, 42);
        double worst = 0;
        for (size_t i = 0; i < n; ++i)
        {
            worst = std::max(worst, double(std::abs(y[i] - x[i])));
        }
        CHECK(worst < 1e-5);
    }
}

TEST_CASE("randomized Hadamard: linear, and the signs follow the seed")
{
    const size_t n = 1000;
    std::vector<float> a = RandomVector(n, 1);
    std::vector<float> b = RandomVector(n, 2);
    std::vector<float> sum(n);
    for (size_t i = 0; i < n; ++i)
    {
        sum[i] = a[i] + b[i];
    }
    std::vector<float> other = a;
    RandomizedHadamard(a.data(), n, 7);
    RandomizedHadamard(b.data(), n, 7);
    RandomizedHadamard(sum.data(), n, 7);
    RandomizedHadamard(other.data(), n, 8);
    double worst = 0;
    for (size_t i = 0; i < n; ++i)
    {
        worst = std::max(worst, double(std::abs(a[i] + b[i] - sum[i])));
    }
    CHECK(worst < 1e-5);
    CHECK(other != a);
}

TEST_CASE("randomized Hadamard: a lost slice's error is spread over the block")
{
    const std::vector<double> plain = LossError(false, 3);
    const std::vector<double> spread = LossError(true, 3);
    size_t plainHit = 0;
    size_t spreadHit = 0;
    double plainMax = 0;
    double spreadMax = 0;
    double plainSq = 0;
    double spreadSq = 0;
    for (size_t i = 0; i < plain.size(); ++i)
    {
        plainHit += plain[i] > 1e-4 ? 1 : 0;
        spreadHit += spread[i] > 1e-4 ? 1 : 0;
        plainMax = std::max(plainMax, plain[i]);
        spreadMax = std::max(spreadMax, spread[i]);
        plainSq += plain[i] * plain[i];
        spreadSq += spread[i] * spread[i];
    }
    // Untransformed, the error sits in the lost slice; transformed, it touches most of the
    // block (1000 floats, not a power of two), at under half the peak, with about the same
    // total (the transform is orthogonal).
    CHECK(plainHit <= 100);
    CHECK(spreadHit > 900);
    CHECK(spreadMax < plainMax / 2);
    CHECK(std::sqrt(spreadSq) == Approx(std::sqrt(plainSq)).epsilon(0.35));
}
