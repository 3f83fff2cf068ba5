/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef PS_TCP_SYNC_H
#define PS_TCP_SYNC_H

#include "stream-sync.h"

namespace ns3
{

/**
 * \ingroup dl-sync
 * The worker side of the TCP parameter server (reliable): push the minibatch gradient to the
 * server, wait for the whole model the server pushes back, and adopt it. Loss costs
 * retransmission time, never a unit. The server is endpoint n; see ParameterServer.
 */
class PsTcpSync : public StreamSync
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    PsTcpSync();
    ~PsTcpSync() override;

    double ComputeStep(int batchSize, float lr) override;
    uint32_t GetMinWorkers() const override;
    void StartExchange(uint32_t round, DoneCallback done) override;

    /**
     * Send every block of \p vector (the whole vector, in host memory: read it off the device
     * once, however many endpoints it goes to) to endpoint \p dst as messages of \p kind for
     * \p round. Shared with the server side.
     */
    static void SendVector(Ptr<StreamTransport> stream, const dl::BlockPartition& partition,
                           uint32_t self, uint32_t dst, uint32_t round, ModelBlockHeader::Kind kind,
                           const dl::FloatBuffer& vector);

  protected:
    void DoDispose() override;
    void Receive(const ModelBlockHeader& header, const float* data) override;

  private:
    uint32_t m_round{0};    //!< round in progress
    uint32_t m_blocksIn{0}; //!< model blocks received this round
    DoneCallback m_done;    //!< to call when the round's exchange is over
};

} // namespace ns3

#endif // PS_TCP_SYNC_H
