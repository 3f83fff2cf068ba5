/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef GOSSIP_SYNC_H
#define GOSSIP_SYNC_H

#include "block-exchange-sync.h"

namespace ns3
{

/**
 * \ingroup dl-sync
 * Decentralised SGD (D-PSGD, Lian et al., NeurIPS 2017) on a ring: each round a worker takes its
 * local step, sends its whole model to its two ring neighbours over UDP, and averages, unit by
 * unit, its own model with the neighbours' copies that arrived. The mixing is symmetric and
 * doubly stochastic without loss, so the mean model is preserved and the replicas contract to it.
 */
class GossipSync : public BlockExchangeSync
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    GossipSync();
    ~GossipSync() override;

    double ComputeStep(int batchSize, float lr) override;

  protected:
    uint32_t GetPhaseCount() const override;
    std::vector<Expectation> GetExpectations(uint32_t phase) const override;
    void SendPhase(uint32_t phase) override;
    void CombinePhase(uint32_t phase) override;
    ModelBlockHeader::Kind ExchangeKind(uint32_t phase) const override;

  private:
    /** \return the distinct ring neighbours (none for one worker, one for two) */
    std::vector<uint32_t> Neighbours() const;
};

} // namespace ns3

#endif // GOSSIP_SYNC_H
