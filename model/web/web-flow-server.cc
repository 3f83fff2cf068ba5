/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "web-flow-server.h"

#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("WebFlowServer");

NS_OBJECT_ENSURE_REGISTERED(WebFlowServer);

TypeId
WebFlowServer::GetTypeId()
{
    static TypeId tid = TypeId("ns3::WebFlowServer")
                            .SetParent<WebFlowApplication>()
                            .SetGroupName("DistributedLearning")
                            .AddConstructor<WebFlowServer>();
    return tid;
}

WebFlowServer::WebFlowServer() = default;

WebFlowServer::~WebFlowServer() = default;

void
WebFlowServer::StartApplication()
{
    NS_LOG_FUNCTION(this);
    m_listener = CreateSocket();
    NS_ABORT_MSG_IF(m_listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_port)) != 0,
                    "node " << GetNode()->GetId() << ": cannot bind TCP port " << m_port);
    m_listener->Listen();
    m_listener->SetAcceptCallback(MakeCallback(&WebFlowServer::AcceptRequest, this),
                                  MakeCallback(&WebFlowServer::Accepted, this));
}

void
WebFlowServer::StopApplication()
{
    NS_LOG_FUNCTION(this);
    if (m_listener)
    {
        m_listener->Close();
    }
}

bool
WebFlowServer::AcceptRequest(Ptr<Socket>, const Address&)
{
    return true;
}

void
WebFlowServer::Accepted(Ptr<Socket> socket, const Address& from)
{
    NS_LOG_FUNCTION(this << socket << from);
    m_connections[socket] = Connection{};
    const InetSocketAddress peer = InetSocketAddress::ConvertFrom(from);
    m_byClient.emplace(std::make_pair(peer.GetIpv4().Get(), peer.GetPort()), m_accepted.size());
    WatchTimeouts(socket, MakeBoundCallback(&WebFlowServer::CountTimeout, this, m_accepted.size()),
                  false); // a server sends no SYN
    m_accepted.push_back({Simulator::Now(), 0});
    socket->SetRecvCallback(MakeCallback(&WebFlowServer::HandleRead, this));
    socket->SetSendCallback(MakeCallback(&WebFlowServer::Respond, this));
}

void
WebFlowServer::HandleRead(Ptr<Socket> socket)
{
    auto it = m_connections.find(socket);
    Ptr<Packet> p;
    while ((p = socket->Recv()))
    {
        if (it == m_connections.end() || p->GetSize() == 0)
        {
            continue;
        }
        Connection& c = it->second;
        uint8_t bytes[REQUEST_SIZE];
        const uint32_t take = std::min(p->GetSize(), REQUEST_SIZE - c.requestBytes);
        p->CopyData(bytes, take);
        std::copy(bytes, bytes + take, c.request + c.requestBytes);
        c.requestBytes += take;
        if (take > 0 && c.requestBytes == REQUEST_SIZE)
        {
            for (uint8_t b : c.request)
            {
                c.left = (c.left << 8) | b;
            }
            NS_LOG_LOGIC("request for " << c.left << " bytes");
            Respond(socket, socket->GetTxAvailable());
        }
    }
}

void
WebFlowServer::Respond(Ptr<Socket> socket, uint32_t available)
{
    auto it = m_connections.find(socket);
    if (it == m_connections.end() || it->second.requestBytes < REQUEST_SIZE)
    {
        return;
    }
    Connection& c = it->second;
    while (c.left > 0 && available > 0)
    {
        const uint32_t n = uint32_t(std::min<uint64_t>({c.left, available, 65536}));
        const int sent = socket->Send(Create<Packet>(n));
        if (sent <= 0)
        {
            return; // the send buffer is full: the send callback resumes
        }
        c.left -= uint32_t(sent);
        available -= uint32_t(sent);
    }
    if (c.left == 0)
    {
        socket->Close(); // TCP sends the FIN after the queued response
        m_connections.erase(it);
    }
}

void
WebFlowServer::CountTimeout(WebFlowServer* server, size_t index)
{
    ++server->m_accepted[index].timeouts;
}

uint32_t
WebFlowServer::GetTimeouts(Ipv4Address client, uint16_t port, Time after) const
{
    // Equal keys keep their insertion order: the first one at or after the start is the flow's.
    auto range = m_byClient.equal_range(std::make_pair(client.Get(), port));
    for (auto it = range.first; it != range.second; ++it)
    {
        if (m_accepted[it->second].time >= after)
        {
            return m_accepted[it->second].timeouts;
        }
    }
    return 0;
}

void
WebFlowServer::DoDispose()
{
    m_listener = nullptr;
    m_connections.clear();
    WebFlowApplication::DoDispose();
}

} // namespace ns3
