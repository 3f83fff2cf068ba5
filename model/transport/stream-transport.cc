/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "stream-transport.h"

#include "job-tag.h"

#include "ns3/inet-socket-address.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/object-factory.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/tcp-congestion-ops.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("StreamTransport");

NS_OBJECT_ENSURE_REGISTERED(StreamTransport);

TypeId
StreamTransport::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::StreamTransport")
              .SetParent<Object>()
              .SetGroupName("DistributedLearning")
              .AddConstructor<StreamTransport>()
              .AddAttribute("Port", "TCP port every endpoint listens on.", UintegerValue(9001),
                            MakeUintegerAccessor(&StreamTransport::m_port),
                            MakeUintegerChecker<uint16_t>(1))
              .AddAttribute(
                  "Tos",
                  "IPv4 type-of-service byte of this transport's packets (DSCP << 2): lets "
                  "switches "
                  "classify the job's traffic, e.g. 0x20 (DSCP CS1) for a droppable class.",
                  UintegerValue(0), MakeUintegerAccessor(&StreamTransport::m_tos),
                  MakeUintegerChecker<uint8_t>())
              .AddAttribute("SocketType",
                            "TCP congestion control of this transport's sockets (a subclass of "
                            "ns3::TcpCongestionOps). Other sockets on the node keep theirs.",
                            TypeIdValue(TypeId::LookupByName("ns3::TcpNewReno")),
                            MakeTypeIdAccessor(&StreamTransport::m_socketType), MakeTypeIdChecker())
              .AddAttribute("MinRto",
                            "Minimum retransmission timeout, also the SYN retry timeout (ns-3's "
                            "default of 1 s is a WAN value; datacentre stacks use milliseconds).",
                            TimeValue(MilliSeconds(10)),
                            MakeTimeAccessor(&StreamTransport::m_minRto), MakeTimeChecker(Time(0)))
              .AddAttribute("DelAckTimeout",
                            "Delayed-ACK timeout (ns-3's 200 ms stalls every message tail at "
                            "datacentre round-trip times).",
                            TimeValue(MicroSeconds(100)),
                            MakeTimeAccessor(&StreamTransport::m_delAckTimeout),
                            MakeTimeChecker(Time(0)))
              .AddAttribute("SegmentSize",
                            "TCP payload per segment in bytes; 0: the node's interface MTU minus "
                            "IPv4, TCP and timestamp-option headers (TCP_IP_OVERHEAD).",
                            UintegerValue(0), MakeUintegerAccessor(&StreamTransport::m_segmentSize),
                            MakeUintegerChecker<uint32_t>())
              .AddTraceSource("Tx",
                              "A message (a block's header and floats) was queued for a peer: "
                              "header, destination endpoint.",
                              MakeTraceSourceAccessor(&StreamTransport::m_txTrace),
                              "ns3::StreamTransport::MessageTracedCallback")
              .AddTraceSource("Rx",
                              "A complete message arrived from a peer: header, source endpoint.",
                              MakeTraceSourceAccessor(&StreamTransport::m_rxTrace),
                              "ns3::StreamTransport::MessageTracedCallback")
              .AddTraceSource("SendError",
                              "The node refused to open a connection to a peer (no route, say): "
                              "peer, errno.",
                              MakeTraceSourceAccessor(&StreamTransport::m_sendErrorTrace),
                              "ns3::BlockTransport::SendErrorTracedCallback")
              .AddTraceSource("SegmentTx",
                              "A TCP segment left one of this endpoint's sockets (data, ACK, "
                              "handshake or retransmission): payload, TCP header, socket.",
                              MakeTraceSourceAccessor(&StreamTransport::m_segmentTxTrace),
                              "ns3::TcpSocketBase::TcpTxRxTracedCallback")
              .AddTraceSource("Retransmission",
                              "A data segment carried bytes this endpoint had sent before (fast "
                              "retransmit or timeout): payload, TCP header, socket.",
                              MakeTraceSourceAccessor(&StreamTransport::m_retransmissionTrace),
                              "ns3::TcpSocketBase::TcpTxRxTracedCallback");
    return tid;
}

StreamTransport::StreamTransport()
    : m_onMessage(MakeCallback(&StreamTransport::OnMessage, this)) // once, not per packet
{
    NS_LOG_FUNCTION(this);
}

StreamTransport::~StreamTransport() = default;

bool
StreamTransport::IsCongestionControl(TypeId tid)
{
    if (tid.IsChildOf(TcpCongestionOps::GetTypeId()))
    {
        return true;
    }
    // ns-3.37 registers TcpCubic with TcpSocketBase as its parent although it is a
    // TcpCongestionOps; ask an instance (only for that branch: creating arbitrary types, a Node
    // say, would have side effects).
    if (!tid.IsChildOf(TcpSocketBase::GetTypeId()) || !tid.HasConstructor())
    {
        return false;
    }
    ObjectFactory factory;
    factory.SetTypeId(tid);
    return DynamicCast<TcpCongestionOps>(factory.Create()) != nullptr;
}

Ptr<Socket>
StreamTransport::CreateTcpSocket() const
{
    // Through TcpL4Protocol rather than the socket factory, so that the congestion control is
    // this transport's, not the node-wide ns3::TcpL4Protocol::SocketType default.
    Ptr<TcpL4Protocol> tcp = m_node->GetObject<TcpL4Protocol>();
    NS_ABORT_MSG_UNLESS(tcp,
                        "node " << m_node->GetId() << " has no TCP (install the Internet stack)");
    Ptr<Socket> socket = tcp->CreateSocket(m_socketType);
    // A segment and its headers must fit the MTU: IPv4 and TCP headers and the timestamp
    // option every data segment carries. One byte more and IPv4 fragments every segment; once
    // the 16-bit IP identification wraps, a stale fragment left by a loss can be reassembled
    // into a new datagram: silently wrong bytes in the stream.
    socket->SetIpTos(m_tos);
    socket->SetAttribute("SegmentSize", UintegerValue(m_effectiveSegment));
    socket->SetAttribute("MinRto", TimeValue(m_minRto));
    socket->SetAttribute("ConnTimeout", TimeValue(m_minRto));
    socket->SetAttribute("DelAckTimeout", TimeValue(m_delAckTimeout));
    // A training job does not give up on a peer: keep retransmitting under heavy loss.
    socket->SetAttribute("ConnCount", UintegerValue(MAX_RETRIES));
    socket->SetAttribute("DataRetries", UintegerValue(MAX_RETRIES));
    return socket;
}

void
StreamTransport::Setup(Ptr<Node> node, uint32_t self, const std::vector<Ipv4Address>& peers,
                       uint64_t job)
{
    NS_LOG_FUNCTION(this << node << self << job);
    NS_ABORT_MSG_UNLESS(IsCongestionControl(m_socketType),
                        "StreamTransport: SocketType " << m_socketType.GetName()
                                                       << " is not a TCP congestion control");
    m_node = node;
    m_self = self;
    m_peers = peers;
    m_job = job;
    m_effectiveSegment = m_segmentSize;
    if (m_effectiveSegment == 0)
    {
        Ptr<Ipv4> ip = node->GetObject<Ipv4>();
        const int32_t iface = ip->GetInterfaceForAddress(peers.at(self));
        NS_ABORT_MSG_IF(iface < 0, "endpoint " << self << ": address " << peers.at(self)
                                               << " is not on its node");
        const uint16_t mtu = ip->GetMtu(uint32_t(iface));
        NS_ABORT_MSG_UNLESS(mtu > TCP_IP_OVERHEAD + 4, "MTU " << mtu << " leaves no room for data");
        m_effectiveSegment = mtu - TCP_IP_OVERHEAD;
    }
    m_listener = CreateTcpSocket();
    // Accepted sockets are forks of the listener and inherit this connection: their ACKs are
    // tagged and counted too.
    m_listener->TraceConnectWithoutContext("Tx",
                                           MakeCallback(&StreamTransport::OnSegmentSent, this));
    NS_ABORT_MSG_IF(m_listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_port)) != 0,
                    "cannot bind TCP port " << m_port);
    m_listener->Listen();
    m_listener->SetAcceptCallback(MakeCallback(&StreamTransport::AcceptRequest, this),
                                  MakeCallback(&StreamTransport::Accepted, this));
}

void
StreamTransport::SetReceiveCallback(ReceiveCallback cb)
{
    m_receive = cb;
}

void
StreamTransport::OnSegmentSent(Ptr<const Packet> packet, const TcpHeader& header,
                               Ptr<const TcpSocketBase> socket)
{
    // Every segment of the job's sockets (data, ACKs, handshakes) carries the JobTag, so that
    // the job's drop counters count its segments and nothing else; packet tags may be added to
    // a const packet.
    packet->AddPacketTag(JobTag(m_job));
    ++m_segments;
    m_segmentTxTrace(packet, header, socket);
    if (packet->GetSize() == 0)
    {
        return; // no data: nothing to retransmit
    }
    // Data below the highest sequence number sent so far was sent before.
    const SequenceNumber32 end = header.GetSequenceNumber() + packet->GetSize();
    auto it = m_nextNew.find(PeekPointer(socket));
    if (it == m_nextNew.end())
    {
        m_nextNew.emplace(PeekPointer(socket), end); // the connection's first data
        return;
    }
    if (header.GetSequenceNumber() < it->second)
    {
        m_retransmissionTrace(packet, header, socket);
    }
    if (it->second < end)
    {
        it->second = end;
    }
}

void
StreamTransport::OnMessage(const ModelBlockHeader& header, const float* data)
{
    m_rxTrace(header, header.m_source);
    m_receive(header, data);
}

StreamTransport::Outgoing&
StreamTransport::Connection(uint32_t dst)
{
    auto it = m_out.find(dst);
    if (it != m_out.end())
    {
        return it->second;
    }
    Outgoing& out = m_out[dst];
    out.socket = CreateTcpSocket();
    out.socket->Bind();
    out.socket->TraceConnectWithoutContext("Tx",
                                           MakeCallback(&StreamTransport::OnSegmentSent, this));
    out.socket->SetConnectCallback(MakeCallback(&StreamTransport::Connected, this),
                                   MakeCallback(&StreamTransport::ConnectFailed, this));
    out.socket->SetSendCallback(MakeCallback(&StreamTransport::Flush, this));
    if (out.socket->Connect(InetSocketAddress(m_peers.at(dst), m_port)) != 0)
    {
        NS_LOG_WARN("endpoint " << m_self << ": cannot connect to " << dst << ", errno "
                                << out.socket->GetErrno());
        m_sendErrorTrace(dst, out.socket->GetErrno());
    }
    return out;
}

void
StreamTransport::Send(uint32_t dst, const ModelBlockHeader& header, const float* data)
{
    Ptr<Packet> h = Create<Packet>();
    h->AddHeader(header);
    uint8_t raw[ModelBlockHeader::SIZE];
    h->CopyData(raw, sizeof(raw));
    Outgoing& out = Connection(dst);
    m_txTrace(header, dst);
    out.bytes.insert(out.bytes.end(), raw, raw + sizeof(raw));
    const uint8_t* payload = reinterpret_cast<const uint8_t*>(data);
    out.bytes.insert(out.bytes.end(), payload, payload + header.m_count * sizeof(float));
    if (out.connected)
    {
        Flush(out.socket, out.socket->GetTxAvailable());
    }
}

void
StreamTransport::Flush(Ptr<Socket> socket, uint32_t)
{
    for (auto& [dst, out] : m_out)
    {
        if (out.socket != socket || !out.connected)
        {
            continue;
        }
        while (!out.bytes.empty() && socket->GetTxAvailable() > 0)
        {
            // Take the bytes off the queue before Send: the socket may call back into Flush
            // from inside Send, and must not find them there a second time.
            const size_t n = std::min<size_t>(out.bytes.size(), socket->GetTxAvailable());
            std::vector<uint8_t> chunk(out.bytes.begin(), out.bytes.begin() + n);
            out.bytes.erase(out.bytes.begin(), out.bytes.begin() + n);
            if (socket->Send(chunk.data(), uint32_t(n), 0) != int(n))
            {
                out.bytes.insert(out.bytes.begin(), chunk.begin(), chunk.end());
                break;
            }
        }
        if (m_closing && out.bytes.empty())
        {
            socket->Close(); // the last queued bytes are in TCP's hands (Close)
        }
    }
}

void
StreamTransport::Connected(Ptr<Socket> socket)
{
    NS_LOG_INFO("endpoint " << m_self << " connected at " << Simulator::Now());
    for (auto& [dst, out] : m_out)
    {
        if (out.socket == socket)
        {
            out.connected = true;
        }
    }
    Flush(socket, socket->GetTxAvailable());
}

void
StreamTransport::ConnectFailed(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    // The peer's machine crashed or its path failed for longer than TCP's SYN retries. What was
    // queued for it is lost (none of it was sent: message boundaries stay whole); a later Send
    // connects afresh. The algorithm waiting on it stalls, which its job's monitor reports.
    for (auto it = m_out.begin(); it != m_out.end(); ++it)
    {
        if (it->second.socket == socket)
        {
            NS_LOG_WARN("endpoint " << m_self << ": TCP connection to endpoint " << it->first
                                    << " failed at " << Simulator::Now().As(Time::S) << "; "
                                    << it->second.bytes.size() << " queued bytes lost");
            m_out.erase(it);
            return;
        }
    }
}

bool
StreamTransport::AcceptRequest(Ptr<Socket>, const Address&)
{
    return true;
}

void
StreamTransport::Accepted(Ptr<Socket> socket, const Address& from)
{
    NS_LOG_FUNCTION(this << socket << from);
    m_in[socket] = BlockStreamReader{};
    socket->SetIpTos(m_tos); // its ACKs belong to the job's class too
    socket->SetRecvCallback(MakeCallback(&StreamTransport::HandleRead, this));
}

void
StreamTransport::HandleRead(Ptr<Socket> socket)
{
    BlockStreamReader& reader = m_in[socket];
    Ptr<Packet> p;
    while ((p = socket->Recv()))
    {
        m_segmentBytes.resize(p->GetSize());
        p->CopyData(m_segmentBytes.data(), p->GetSize());
        // TCP delivers what was sent, so a malformed header is a bug in this module.
        NS_ABORT_MSG_UNLESS(
            reader.Append(m_segmentBytes.data(), m_segmentBytes.size(), m_onMessage),
            "endpoint " << m_self << ": corrupt TCP stream");
    }
}

void
StreamTransport::Close()
{
    NS_LOG_FUNCTION(this);
    // Messages still queued here (the socket's buffer was full) are part of what this endpoint
    // sent: a connection closes once they are all handed to TCP (Flush), which sends them before
    // its FIN. Closing at once lost them, and a ring whose first worker to finish still owed
    // its successor the last blocks waited for ever (seen under web traffic, dl-colocation).
    m_closing = true;
    for (auto& [dst, out] : m_out)
    {
        if (out.bytes.empty())
        {
            out.socket->Close();
        }
    }
    for (auto& [socket, in] : m_in)
    {
        socket->Close();
    }
    if (m_listener)
    {
        m_listener->Close();
    }
}

void
StreamTransport::DoDispose()
{
    m_out.clear();
    m_in.clear();
    m_nextNew.clear();
    m_listener = nullptr;
    m_node = nullptr;
    m_receive = ReceiveCallback();
    m_onMessage = ReceiveCallback();
    Object::DoDispose();
}

} // namespace ns3
