/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "block-transport.h"

#include "ns3/ns3-compat.h"

#include "job-tag.h"

#include "ns3/log.h"
#include "ns3/packet.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <cstring>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("BlockTransport");

namespace
{

/**
 * Bytes left free in front of a payload for the headers added on its way down: ours (32), UDP
 * (8), IPv4 without options (20) and PPP (2), the fabric's links. No more: a larger buffer
 * would move every queued packet into the allocator's next size class. A link with a longer
 * header (Ethernet) copies the packet once, where it used to copy it at every header.
 */
constexpr uint32_t HEADROOM = 64;
static_assert(ModelBlockHeader::SIZE + 8 + 20 + 2 <= HEADROOM, "no room for the headers");

} // namespace

NS_OBJECT_ENSURE_REGISTERED(BlockTransport);

TypeId
BlockTransport::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::BlockTransport")
              .SetParent<Object>()
              .SetGroupName("DistributedLearning")
              .AddConstructor<BlockTransport>()
              .AddAttribute("Port", "UDP port the workers exchange model blocks on.",
                            UintegerValue(9000), MakeUintegerAccessor(&BlockTransport::m_port),
                            MakeUintegerChecker<uint16_t>(1))
              .AddAttribute(
                  "Tos",
                  "IPv4 type-of-service byte of this transport's packets (DSCP << 2): lets "
                  "switches "
                  "classify the job's traffic, e.g. 0x20 (DSCP CS1) for a droppable class.",
                  UintegerValue(0), MakeUintegerAccessor(&BlockTransport::m_tos),
                  MakeUintegerChecker<uint8_t>())
              .AddTraceSource("Tx", "A model-block packet was sent.",
                              MakeTraceSourceAccessor(&BlockTransport::m_txTrace),
                              "ns3::Packet::TracedCallback")
              .AddTraceSource("Rx", "A valid model-block packet was received.",
                              MakeTraceSourceAccessor(&BlockTransport::m_rxTrace),
                              "ns3::Packet::TracedCallback")
              .AddTraceSource("Drop", "A received packet was rejected (malformed or inconsistent).",
                              MakeTraceSourceAccessor(&BlockTransport::m_dropTrace),
                              "ns3::BlockTransport::DropTracedCallback")
              .AddTraceSource("SendError",
                              "The node refused to send a packet (no route to the peer, say): "
                              "peer, errno.",
                              MakeTraceSourceAccessor(&BlockTransport::m_sendErrorTrace),
                              "ns3::BlockTransport::SendErrorTracedCallback");
    return tid;
}

BlockTransport::BlockTransport()
{
    NS_LOG_FUNCTION(this);
}

BlockTransport::~BlockTransport()
{
    NS_LOG_FUNCTION(this);
}

uint32_t
BlockTransport::FloatsPerPacket(uint32_t mtu)
{
    const uint32_t overhead = 20 + 8 + ModelBlockHeader::SIZE; // IPv4 + UDP + ours
    NS_ABORT_MSG_IF(mtu < overhead + 4, "MTU " << mtu << " is too small for a model block");
    return (mtu - overhead) / 4;
}

void
BlockTransport::Setup(Ptr<Node> node, uint32_t self, const std::vector<Ipv4Address>& peers,
                      std::shared_ptr<const dl::BlockPartition> partition, uint64_t job)
{
    NS_LOG_FUNCTION(this << node << self << job);
    m_self = self;
    m_job = job;
    m_node = node;
    m_addresses = peers;
    m_partition = partition;
    m_peers.clear();
    for (const Ipv4Address& a : peers)
    {
        InetSocketAddress peer(a, m_port);
        dlcompat::SetAddressTos(peer, m_tos);
        m_peers.push_back(peer);
    }
    m_rxFloats.resize(partition->FloatsPerChunk());
    m_txBytes.resize(HEADROOM + partition->FloatsPerChunk() * sizeof(float));
    m_socket = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
    m_socket->SetIpTos(m_tos);
    NS_ABORT_MSG_IF(m_socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_port)) != 0,
                    "node " << node->GetId() << ": cannot bind UDP port " << m_port
                            << " (another job on this node uses it? give each job its own port)");
    m_socket->SetRecvCallback(MakeCallback(&BlockTransport::HandleRead, this));
}

void
BlockTransport::SetReceiveCallback(ReceiveCallback cb)
{
    m_receive = cb;
}

void
BlockTransport::SendBlock(uint32_t dst, ModelBlockHeader::Phase phase, ModelBlockHeader::Kind kind,
                          uint32_t round, uint32_t block, const float* blockData)
{
    ModelBlockHeader h;
    h.m_phase = phase;
    h.m_kind = kind;
    h.m_source = uint16_t(m_self);
    h.m_round = round;
    h.m_block = block;
    h.m_chunkCount = m_partition->Chunks(block);
    if (h.m_chunkCount == 0)
    {
        return; // an empty block (fewer parameters than workers)
    }
    const uint32_t blockStart = m_partition->BlockSlice(block).offset;
    for (uint32_t c = 0; c < h.m_chunkCount; ++c)
    {
        const dl::Slice s = m_partition->ChunkSlice(block, c);
        h.m_chunk = c;
        h.m_offset = s.offset;
        h.m_count = s.count;
        SendPacket(dst, MakePayload(blockData + (s.offset - blockStart), s.count), h);
    }
    // End-of-phase marker: lets the receiver tell a lost last chunk from a late one at once.
    h.m_chunk = h.m_chunkCount;
    h.m_offset = 0;
    h.m_count = 0;
    SendPacket(dst, MakePayload(nullptr, 0), h);
}

Ptr<Packet>
BlockTransport::MakePayload(const float* floats, uint32_t count)
{
    // A packet made from bytes holds exactly those bytes, so each header added below it would
    // copy the whole payload into a larger buffer: four copies, the last two when the packet
    // leaves the host's queue, long after its bytes went cold. Made with room in front and the
    // room then removed, the buffer takes every header where it is.
    const uint32_t bytes = count * sizeof(float);
    if (bytes > 0)
    {
        std::memcpy(m_txBytes.data() + HEADROOM, floats, bytes);
    }
    Ptr<Packet> p = Create<Packet>(m_txBytes.data(), HEADROOM + bytes);
    p->RemoveAtStart(HEADROOM);
    return p;
}

void
BlockTransport::SendPacket(uint32_t dst, Ptr<Packet> p, const ModelBlockHeader& h)
{
    p->AddHeader(h);
    p->AddPacketTag(JobTag(m_job)); // the job's drop counters find its packets by it
    m_txTrace(p);
    if (m_socket->SendTo(p, 0, m_peers[dst]) >= 0)
    {
        ++m_sent;
    }
    else
    {
        NS_LOG_WARN("worker " << m_self << ": send to " << dst << " failed, errno "
                              << m_socket->GetErrno());
        m_sendErrorTrace(dst, m_socket->GetErrno());
    }
}

void
BlockTransport::Reject(Ptr<const Packet> packet, DropReason reason)
{
    NS_LOG_LOGIC("worker " << m_self << " rejects a packet, reason " << reason);
    ++m_rejected;
    m_dropTrace(packet, reason);
}

void
BlockTransport::HandleRead(Ptr<Socket> socket)
{
    Ptr<Packet> p;
    Address from;
    while ((p = socket->RecvFrom(from)))
    {
        Receive(p);
    }
}

void
BlockTransport::Receive(Ptr<Packet> p)
{
    ModelBlockHeader h;
    if (p->RemoveHeader(h) != ModelBlockHeader::SIZE || !h.IsValid())
    {
        Reject(p, MALFORMED_HEADER);
        return;
    }
    const uint32_t n = m_partition->Blocks();
    if (h.m_source >= m_peers.size() || h.m_block >= n
        || h.m_chunkCount != m_partition->Chunks(h.m_block))
    {
        Reject(p, BAD_SLICE);
        return;
    }
    const dl::Slice s
        = h.IsEndMarker() ? dl::Slice{0, 0} : m_partition->ChunkSlice(h.m_block, h.m_chunk);
    if (h.m_offset != s.offset || h.m_count != s.count)
    {
        Reject(p, BAD_SLICE);
        return;
    }
    if (p->GetSize() != h.m_count * sizeof(float))
    {
        Reject(p, BAD_PAYLOAD);
        return;
    }
    if (h.m_count > 0)
    {
        p->CopyData(reinterpret_cast<uint8_t*>(m_rxFloats.data()), p->GetSize());
    }
    ++m_delivered;
    m_rxTrace(p);
    if (!m_receive.IsNull())
    {
        m_receive(h, m_rxFloats.data());
    }
}

void
BlockTransport::Close()
{
    NS_LOG_FUNCTION(this);
    if (m_socket)
    {
        m_socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
        m_socket->Close();
    }
}

void
BlockTransport::DoDispose()
{
    Close();
    m_socket = nullptr;
    m_node = nullptr;
    m_receive = ReceiveCallback();
    Object::DoDispose();
}

} // namespace ns3
