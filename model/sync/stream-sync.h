/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef STREAM_SYNC_H
#define STREAM_SYNC_H

#include "ns3/stream-transport.h"
#include "sync-algorithm.h"

namespace ns3
{

/**
 * \ingroup dl-sync
 * A SyncAlgorithm that exchanges over TCP (StreamTransport) instead of the lossy block
 * exchange: it owns the worker's stream endpoint, hands its messages to Receive, counts TCP
 * segments as the packets sent, and closes the streams on Stop. Base of the ring AllReduce and
 * the TCP parameter server's worker side.
 */
class StreamSync : public SyncAlgorithm
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    StreamSync();
    ~StreamSync() override;

    void Setup(uint32_t self, Ptr<BlockTransport> transport, dl::Replica* replica,
               std::shared_ptr<const dl::BlockPartition> partition) override;
    uint64_t GetPacketsSent() const override;

    /** Use \p stream (configured, not yet set up) instead of a default StreamTransport. */
    void SetStream(Ptr<StreamTransport> stream);
    void Stop() override;

  protected:
    void DoDispose() override;

    Ptr<StreamTransport> m_stream; //!< TCP to the peers, on the worker's node
};

} // namespace ns3

#endif // STREAM_SYNC_H
