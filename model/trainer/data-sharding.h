/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_DATA_SHARDING_H
#define DL_DATA_SHARDING_H

#include "dataset.h"

#include <cstdint>
#include <vector>

namespace dl
{

/** Sample indices of one worker's shard. */
using Shard = std::vector<uint32_t>;

/**
 * \ingroup dl-trainer
 * IID sharding: a seeded permutation of all samples cut into \p n parts whose sizes differ by at
 * most one. Shards are disjoint and cover the dataset.
 */
std::vector<Shard> ShardIid(const Dataset& data, int n, uint64_t seed);

/**
 * \ingroup dl-trainer
 * Non-IID sharding by label skew: for every class, the proportions given to the n workers are
 * drawn from a symmetric Dirichlet(alpha). Small alpha (0.1) gives each worker few classes;
 * large alpha (100) approaches IID. Shards are disjoint and cover the dataset.
 */
std::vector<Shard> ShardDirichlet(const Dataset& data, int n, double alpha, uint64_t seed);

} // namespace dl

#endif // DL_DATA_SHARDING_H
