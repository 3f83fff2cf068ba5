/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef PS_UDP_SYNC_H
#define PS_UDP_SYNC_H

#include "block-exchange-sync.h"
#include "ns3/training-job.h"

namespace ns3
{

/**
 * \ingroup dl-sync
 * The worker side of the UDP parameter server (lossy): push the minibatch gradient to the server
 * (phase 0), then take the model the server pushes back (phase 1) unit by unit; a unit that
 * does not arrive keeps the worker's own (stale) parameters. The server is endpoint n, after the
 * n workers. See ParameterServer for the other side.
 */
class PsUdpSync : public BlockExchangeSync
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    PsUdpSync();
    ~PsUdpSync() override;

    double ComputeStep(int batchSize, float lr) override;
    uint32_t GetMinWorkers() const override;

  protected:
    uint32_t GetPhaseCount() const override;
    std::vector<Expectation> GetExpectations(uint32_t phase) const override;
    void SendPhase(uint32_t phase) override;
    void CombinePhase(uint32_t phase) override;
    ModelBlockHeader::Kind ExchangeKind(uint32_t phase) const override;

  private:
    /** \return the server's endpoint index */
    uint32_t Server() const;
};

/**
 * \ingroup dl-sync
 * The server side of the UDP parameter server, run by ParameterServer: collect the workers'
 * gradients (phase 0), average per unit over those that arrived, take the SGD step on the
 * server's model, and push the model to every worker (phase 1). A round starts when its first
 * gradient packet arrives.
 */
class PsUdpServerSync : public BlockExchangeSync
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    PsUdpServerSync();
    ~PsUdpServerSync() override;

    /** \param job the experiment (for the learning rate per round) */
    void SetJob(Ptr<TrainingJob> job);
    double ComputeStep(int batchSize, float lr) override;

  protected:
    uint32_t GetPhaseCount() const override;
    std::vector<Expectation> GetExpectations(uint32_t phase) const override;
    void SendPhase(uint32_t phase) override;
    void CombinePhase(uint32_t phase) override;
    ModelBlockHeader::Kind ExchangeKind(uint32_t phase) const override;
    void OnNextRoundActivity() override;
    void DoDispose() override;

  private:
    /// The round's exchange is over: wait for the next round's first packet.
    void RoundDone();

    Ptr<TrainingJob> m_job; //!< the experiment
};

} // namespace ns3

#endif // PS_UDP_SYNC_H
