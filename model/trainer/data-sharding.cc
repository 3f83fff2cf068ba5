/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "data-sharding.h"

#include "seed-mixer.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace dl
{

std::vector<Shard>
ShardIid(const Dataset& data, int n, uint64_t seed)
{
    if (n < 1)
    {
        throw DataError("sharding: need at least one worker");
    }
    Shard all(data.Size());
    std::iota(all.begin(), all.end(), 0u);
    std::mt19937_64 rng(MixSeed(seed, SeedStream::SHARDING));
    std::shuffle(all.begin(), all.end(), rng);
    std::vector<Shard> shards(n);
    size_t begin = 0;
    for (int w = 0; w < n; ++w)
    {
        const size_t size = all.size() / n + (size_t(w) < all.size() % n ? 1 : 0);
        shards[w].assign(all.begin() + begin, all.begin() + begin + size);
        begin += size;
    }
    return shards;
}

std::vector<Shard>
ShardDirichlet(const Dataset& data, int n, double alpha, uint64_t seed)
{
    if (n < 1 || !(alpha > 0.0))
    {
        throw DataError("sharding: need at least one worker and a positive Dirichlet alpha");
    }
    if (data.labelsPerSample != 1)
    {
        throw DataError("sharding: Dirichlet shards split by class, and " + data.name
                        + " has no class per sample (a label at every step)");
    }
    std::mt19937_64 rng(MixSeed(seed, SeedStream::SHARDING));
    std::vector<Shard> byClass(data.numClasses);
    for (uint32_t i = 0; i < data.Size(); ++i)
    {
        byClass[data.labels[i]].push_back(i);
    }
    std::vector<Shard> shards(n);
    std::gamma_distribution<double> gamma(alpha, 1.0);
    for (Shard& members : byClass)
    {
        std::shuffle(members.begin(), members.end(), rng);
        std::vector<double> p(n);
        double total = 0.0;
        for (double& v : p)
        {
            v = gamma(rng);
            total += v;
        }
        // Cumulative cut points; the last worker takes the rounding remainder so that the
        // class is covered exactly once.
        double cumulative = 0.0;
        size_t begin = 0;
        for (int w = 0; w < n; ++w)
        {
            cumulative += total > 0.0 ? p[w] / total : 1.0 / n;
            const size_t end
                = (w == n - 1)
                      ? members.size()
                      : std::min(members.size(), size_t(cumulative * double(members.size()) + 0.5));
            const size_t from = std::min(begin, end);
            shards[w].insert(shards[w].end(), members.begin() + from, members.begin() + end);
            begin = std::max(begin, end);
        }
    }
    for (Shard& s : shards)
    {
        std::shuffle(s.begin(), s.end(), rng);
    }
    return shards;
}

} // namespace dl
