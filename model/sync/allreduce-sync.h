/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef ALLREDUCE_SYNC_H
#define ALLREDUCE_SYNC_H

#include "rps-sync.h"

namespace ns3
{

/**
 * \ingroup dl-sync
 * AllReduce-SGD over the same unreliable block exchange as RPS, sharing *gradients*: each worker
 * computes its minibatch gradient, reduce-scatters it to the block owners, who average the
 * copies that arrived and broadcast the averaged gradient; a worker applies the averaged
 * gradient for every unit that arrived and its own gradient for the rest, then takes its SGD
 * step. Without loss it equals synchronous SGD (and RPS); under loss the replicas receive
 * different updates and drift apart, which is the paper's point.
 */
class AllreduceSync : public RpsSync
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    AllreduceSync();
    ~AllreduceSync() override;

    double ComputeStep(int batchSize, float lr) override;
    uint32_t GetMinWorkers() const override;

  protected:
    dl::FlatVector& ExchangeVector() override;
    ModelBlockHeader::Kind ExchangeKind(uint32_t phase) const override;
    void ExchangeApplied() override;

  private:
    float m_lr{0.0f}; //!< learning rate of the round in progress
};

} // namespace ns3

#endif // ALLREDUCE_SYNC_H
