/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "stream-sync.h"

#include "ns3/log.h"
#include "ns3/pointer.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("StreamSync");

NS_OBJECT_ENSURE_REGISTERED(StreamSync);

TypeId
StreamSync::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::StreamSync")
              .SetParent<SyncAlgorithm>()
              .SetGroupName("DistributedLearning")
              .AddAttribute("Stream",
                            "The worker's TCP endpoint (a default StreamTransport unless the "
                            "helper gives one). Reachable by Config path: .../Sync/Stream.",
                            PointerValue(), MakePointerAccessor(&StreamSync::m_stream),
                            MakePointerChecker<StreamTransport>());
    return tid;
}

StreamSync::StreamSync() = default;

StreamSync::~StreamSync() = default;

void
StreamSync::Setup(uint32_t self, Ptr<BlockTransport> transport, dl::Replica* replica,
                  std::shared_ptr<const dl::BlockPartition> partition)
{
    NS_LOG_FUNCTION(this << self);
    SyncAlgorithm::Setup(self, transport, replica, partition);
    if (!m_stream)
    {
        m_stream = CreateObject<StreamTransport>();
    }
    m_stream->Setup(transport->GetNode(), self, transport->GetPeerAddresses(), transport->GetJob());
    m_stream->SetReceiveCallback(MakeCallback(&StreamSync::Deliver, this));
    m_stream->TraceConnectWithoutContext("SendError",
                                         MakeCallback(&StreamSync::NotifySendError, this));
}

void
StreamSync::SetStream(Ptr<StreamTransport> stream)
{
    m_stream = stream;
}

uint64_t
StreamSync::GetPacketsSent() const
{
    return m_stream->GetSegmentsSent();
}

void
StreamSync::Stop()
{
    NS_LOG_FUNCTION(this);
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
