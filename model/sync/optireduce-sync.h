/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef OPTIREDUCE_SYNC_H
#define OPTIREDUCE_SYNC_H

#include "allreduce-sync.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup dl-sync
 * Bounded-time AllReduce in the manner of OptiReduce (Warraich et al., NSDI 2025): AllReduce-SGD
 * whose phases end at an adaptive deadline (BlockExchangeSync::AdaptiveTimeout, switched on by
 * Setup; MaxLateWait bounds it) and whose gradient blocks travel through a randomized Hadamard
 * transform (dl::RandomizedHadamard). Every worker transforms each block of its gradient with
 * the same signs (drawn from Seed, the round and the block) before the reduce-scatter; owners
 * average the transformed copies that arrived, as AllReduce-SGD does; after the all-gather each
 * worker transforms back. The transform is linear, so without loss this is AllReduce-SGD (and
 * synchronous SGD) up to float rounding; a lost packet's coordinates then stand for a small
 * error spread over the whole block instead of a slice of it averaged over one copy fewer (or
 * left as the worker's own gradient). It is built only from the public algorithm contract (a
 * subclass of AllreduceSync overriding StartExchange and ExchangeApplied), as a user's own
 * algorithm would be.
 */
class OptiReduceSync : public AllreduceSync
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    OptiReduceSync();
    ~OptiReduceSync() override;

    void Setup(uint32_t self, Ptr<BlockTransport> transport, dl::Replica* replica,
               std::shared_ptr<const dl::BlockPartition> partition) override;
    void StartExchange(uint32_t round, DoneCallback done) override;

  protected:
    void ExchangeApplied() override;

  private:
    /// Transform (or transform back) every block of the gradient for \p round.
    void TransformGradient(uint32_t round, bool inverse);

    uint64_t m_seed{1};         //!< seed of the transform's signs
    std::vector<float> m_block; //!< one block, on the host
};

} // namespace ns3

#endif // OPTIREDUCE_SYNC_H
