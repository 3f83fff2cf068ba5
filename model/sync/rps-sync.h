/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef RPS_SYNC_H
#define RPS_SYNC_H

#include "block-exchange-sync.h"

namespace ns3
{

/**
 * \ingroup dl-sync
 * RPS, the Robust Parameter Server of Yu et al. (ICML 2019). Worker j serves block j. A round:
 * local step v_i = x_i - lr * m_i; scatter (phase 0) block j of v_i to worker j; worker j
 * averages block j over the copies that arrived, its own always included, and broadcasts
 * (phase 1) the average; every worker takes the average of each unit that arrived and keeps its
 * own v for the rest. AllReduce-SGD reuses the same two phases on gradients.
 */
class RpsSync : public BlockExchangeSync
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    RpsSync();
    ~RpsSync() override;

    double ComputeStep(int batchSize, float lr) override;
    uint32_t GetMinWorkers() const override;

  protected:
    uint32_t GetPhaseCount() const override;
    std::vector<Expectation> GetExpectations(uint32_t phase) const override;
    void SendPhase(uint32_t phase) override;
    void CombinePhase(uint32_t phase) override;
    ModelBlockHeader::Kind ExchangeKind(uint32_t phase) const override;

    /** \return the vector the exchange reads and writes (RPS: the parameters) */
    virtual dl::FlatVector& ExchangeVector();
};

} // namespace ns3

#endif // RPS_SYNC_H
