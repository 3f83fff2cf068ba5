/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "web-flow-client.h"

#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("WebFlowClient");

NS_OBJECT_ENSURE_REGISTERED(WebFlowClient);

TypeId
WebFlowClient::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::WebFlowClient")
              .SetParent<WebFlowApplication>()
              .SetGroupName("DistributedLearning")
              .AddConstructor<WebFlowClient>()
              .AddAttribute("ArrivalRate", "Mean flow arrivals per second (Poisson).",
                            DoubleValue(1000), MakeDoubleAccessor(&WebFlowClient::m_arrivalRate),
                            MakeDoubleChecker<double>(0.0))
              .AddTraceSource("FlowCompleted", "A flow completed: response bytes, FCT.",
                              MakeTraceSourceAccessor(&WebFlowClient::m_completedTrace),
                              "ns3::WebFlowClient::FlowCompletedTracedCallback");
    return tid;
}

WebFlowClient::WebFlowClient()
    : m_interarrival(CreateObject<ExponentialRandomVariable>())
    , m_uniform(CreateObject<UniformRandomVariable>())
{
    NS_LOG_FUNCTION(this);
}

WebFlowClient::~WebFlowClient() = default;

void
WebFlowClient::SetServers(std::vector<Ipv4Address> servers)
{
    m_servers = std::move(servers);
}

void
WebFlowClient::SetFlowSizes(std::shared_ptr<const FlowSizeCdf> sizes)
{
    m_sizes = std::move(sizes);
}

int64_t
WebFlowClient::AssignStreams(int64_t stream)
{
    m_interarrival->SetStream(stream);
    m_uniform->SetStream(stream + 1);
    return 2;
}

void
WebFlowClient::StartApplication()
{
    NS_LOG_FUNCTION(this);
    NS_ABORT_MSG_IF(m_servers.empty() || !m_sizes, "WebFlowClient: no servers or flow sizes set");
    if (m_arrivalRate > 0)
    {
        m_next = Simulator::Schedule(Seconds(m_interarrival->GetValue(1.0 / m_arrivalRate, 0)),
                                     &WebFlowClient::Arrive, this);
    }
}

void
WebFlowClient::StopApplication()
{
    NS_LOG_FUNCTION(this);
    StopArrivals();
}

void
WebFlowClient::StopArrivals()
{
    NS_LOG_FUNCTION(this);
    m_next.Cancel();
}

void
WebFlowClient::Arrive()
{
    Flow f;
    f.id = uint32_t(m_flows.size());
    f.client = GetNode()->GetId();
    f.size = m_sizes->Sample(m_uniform->GetValue());
    f.server = m_servers[m_uniform->GetInteger(0, uint32_t(m_servers.size() - 1))];
    f.start = Simulator::Now();
    NS_LOG_LOGIC("flow " << f.id << ": " << f.size << " bytes from " << f.server);
    Ptr<Socket> socket = CreateSocket();
    socket->Bind();
    Address local;
    socket->GetSockName(local);
    f.port = InetSocketAddress::ConvertFrom(local).GetPort();
    WatchTimeouts(socket, MakeBoundCallback(&WebFlowClient::CountTimeout, this, m_flows.size()),
                  true);
    socket->SetConnectCallback(MakeCallback(&WebFlowClient::Connected, this),
                               MakeCallback(&WebFlowClient::ConnectFailed, this));
    socket->SetRecvCallback(MakeCallback(&WebFlowClient::HandleRead, this));
    m_open[socket] = m_flows.size();
    m_flows.push_back(f);
    socket->Connect(InetSocketAddress(f.server, m_port));
    m_next = Simulator::Schedule(Seconds(m_interarrival->GetValue(1.0 / m_arrivalRate, 0)),
                                 &WebFlowClient::Arrive, this);
}

void
WebFlowClient::Connected(Ptr<Socket> socket)
{
    const Flow& f = m_flows[m_open.at(socket)];
    uint8_t request[REQUEST_SIZE];
    for (uint32_t i = 0; i < REQUEST_SIZE; ++i)
    {
        request[i] = uint8_t(f.size >> (8 * (REQUEST_SIZE - 1 - i)));
    }
    socket->Send(Create<Packet>(request, REQUEST_SIZE));
}

void
WebFlowClient::ConnectFailed(Ptr<Socket> socket)
{
    NS_LOG_WARN("flow " << m_flows[m_open.at(socket)].id << ": connection failed");
    m_open.erase(socket); // the flow stays incomplete
}

void
WebFlowClient::HandleRead(Ptr<Socket> socket)
{
    auto it = m_open.find(socket);
    Ptr<Packet> p;
    while ((p = socket->Recv()))
    {
        if (it == m_open.end())
        {
            continue;
        }
        Flow& f = m_flows[it->second];
        f.received += p->GetSize();
        if (f.received >= f.size)
        {
            f.complete = true;
            f.finish = Simulator::Now();
            m_completedTrace(f.size, f.finish - f.start);
            socket->Close();
            m_open.erase(it);
            it = m_open.end();
        }
    }
}

void
WebFlowClient::CountTimeout(WebFlowClient* client, size_t index)
{
    ++client->m_flows[index].timeouts;
}

void
WebFlowClient::DoDispose()
{
    m_next.Cancel();
    m_open.clear();
    WebFlowApplication::DoDispose();
}

} // namespace ns3
