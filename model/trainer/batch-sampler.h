/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_BATCH_SAMPLER_H
#define DL_BATCH_SAMPLER_H

#include "data-sharding.h"
#include "dataset.h"

#include <cstdint>
#include <random>
#include <vector>

namespace dl
{

/**
 * \ingroup dl-trainer
 * Draws minibatches from one shard, reshuffling it at the start of every pass (epoch).
 * A pass ends with a short batch when the shard is not a whole number of batches, unless the
 * remainder is dropped: then every batch is full and the few samples left over in one pass's
 * order are skipped (the next pass reshuffles, so every sample is still drawn in expectation).
 * A shard smaller than one batch is always drawn whole.
 */
class BatchSampler
{
  public:
    /**
     * \param data the dataset the shard indexes
     * \param shard the sample indices this sampler draws from (must not be empty)
     * \param seed the shuffling seed
     * \param dropRemainder never draw a short batch at the end of a pass
     */
    BatchSampler(const Dataset& data, Shard shard, uint64_t seed, bool dropRemainder = false);

    /**
     * Gather the next minibatch into x ([batch x sample size]) and y.
     * \param batchSize the wanted size
     * \return the actual size (smaller at the end of a pass)
     */
    int Next(int batchSize, FloatBuffer& x, std::vector<int32_t>& y);

    /** \return the number of completed passes over the shard */
    uint64_t Epoch() const
    {
        return m_epoch;
    }

    /** \return the number of samples in the shard */
    size_t ShardSize() const
    {
        return m_order.size();
    }

  private:
    const Dataset& m_data; //!< the dataset
    Shard m_order;         //!< shard indices in this pass's order
    size_t m_cursor{0};    //!< next position in m_order
    uint64_t m_epoch{0};   //!< completed passes
    std::mt19937_64 m_rng; //!< shuffling stream
    bool m_dropRemainder;  //!< skip a pass's short last batch
};

} // namespace dl

#endif // DL_BATCH_SAMPLER_H
