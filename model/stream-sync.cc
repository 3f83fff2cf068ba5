/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "stream-sync.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(StreamSync);

TypeId
StreamSync::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::StreamSync").SetParent<SyncAlgorithm>().SetGroupName("DistributedLearning");
    return tid;
}

StreamSync::StreamSync() = default;

StreamSync::~StreamSync() = default;

void
StreamSync::Setup(uint32_t self, Ptr<BlockTransport> transport, dl::Replica* replica,
                  std::shared_ptr<const dl::BlockPartition> partition)
{
    SyncAlgorithm::Setup(self, transport, replica, partition);
    m_stream = CreateObject<StreamTransport>();
    m_stream->Setup(transport->GetNode(), self, transport->GetPeerAddresses());
    m_stream->SetReceiveCallback(MakeCallback(&StreamSync::Receive, this));
}

uint64_t
StreamSync::GetPacketsSent() const
{
    return m_stream->GetSegmentsSent();
}

void
StreamSync::Stop()
{
    SyncAlgorithm::Stop();
    m_stream->Close();
}

void
StreamSync::DoDispose()
{
    m_stream = nullptr;
    SyncAlgorithm::DoDispose();
}

} // namespace ns3
