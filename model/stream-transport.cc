/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "stream-transport.h"

#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/packet.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cstring>

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
                            MakeUintegerChecker<uint16_t>(1));
    return tid;
}

StreamTransport::StreamTransport() = default;

StreamTransport::~StreamTransport() = default;

void
StreamTransport::Setup(Ptr<Node> node, uint32_t self, const std::vector<Ipv4Address>& peers)
{
    m_node = node;
    m_self = self;
    m_peers = peers;
    m_listener = Socket::CreateSocket(node, TcpSocketFactory::GetTypeId());
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
StreamTransport::CountSegment(Ptr<const Packet>, const TcpHeader&, Ptr<const TcpSocketBase>)
{
    ++m_segments;
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
    out.socket = Socket::CreateSocket(m_node, TcpSocketFactory::GetTypeId());
    out.socket->Bind();
    out.socket->TraceConnectWithoutContext("Tx",
                                           MakeCallback(&StreamTransport::CountSegment, this));
    out.socket->SetConnectCallback(MakeCallback(&StreamTransport::Connected, this),
                                   MakeCallback(&StreamTransport::ConnectFailed, this));
    out.socket->SetSendCallback(MakeCallback(&StreamTransport::Flush, this));
    out.socket->Connect(InetSocketAddress(m_peers.at(dst), m_port));
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
    }
}

void
StreamTransport::Connected(Ptr<Socket> socket)
{
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
    NS_FATAL_ERROR("endpoint " << m_self << ": TCP connection failed");
}

bool
StreamTransport::AcceptRequest(Ptr<Socket>, const Address&)
{
    return true;
}

void
StreamTransport::Accepted(Ptr<Socket> socket, const Address&)
{
    m_in[socket] = Incoming{};
    socket->SetRecvCallback(MakeCallback(&StreamTransport::HandleRead, this));
}

void
StreamTransport::HandleRead(Ptr<Socket> socket)
{
    Incoming& in = m_in[socket];
    Ptr<Packet> p;
    while ((p = socket->Recv()))
    {
        const size_t old = in.bytes.size();
        in.bytes.resize(old + p->GetSize());
        p->CopyData(in.bytes.data() + old, p->GetSize());
    }
    size_t pos = 0;
    while (in.bytes.size() - pos >= ModelBlockHeader::SIZE)
    {
        Ptr<Packet> hp = Create<Packet>(in.bytes.data() + pos, ModelBlockHeader::SIZE);
        ModelBlockHeader h;
        hp->RemoveHeader(h);
        NS_ABORT_MSG_UNLESS(h.IsValid(), "endpoint " << m_self << ": corrupt TCP stream");
        const size_t need = ModelBlockHeader::SIZE + size_t(h.m_count) * sizeof(float);
        if (in.bytes.size() - pos < need)
        {
            break;
        }
        m_floats.resize(h.m_count);
        std::memcpy(m_floats.data(), in.bytes.data() + pos + ModelBlockHeader::SIZE,
                    h.m_count * sizeof(float));
        pos += need;
        if (!m_receive.IsNull())
        {
            m_receive(h, m_floats.data());
        }
    }
    in.bytes.erase(in.bytes.begin(), in.bytes.begin() + pos);
}

void
StreamTransport::Close()
{
    for (auto& [dst, out] : m_out)
    {
        out.socket->Close();
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
    m_listener = nullptr;
    m_node = nullptr;
    m_receive = ReceiveCallback();
    Object::DoDispose();
}

} // namespace ns3
