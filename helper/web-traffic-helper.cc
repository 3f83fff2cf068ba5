/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "web-traffic-helper.h"

#include "ns3/double.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"

#include <cmath>
#include <map>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("WebTrafficHelper");

namespace
{
/// Bytes a TCP segment carries besides its payload on a point-to-point link: PPP 2, IPv4 20,
/// TCP 20 and the timestamp option 12.
const uint32_t SEGMENT_OVERHEAD = 54;
} // namespace

WebTrafficHelper::WebTrafficHelper()
    : m_sizes(std::make_shared<FlowSizeCdf>(FlowSizeCdf::WebSearch()))
{
    m_client.SetTypeId(WebFlowClient::GetTypeId());
    m_server.SetTypeId(WebFlowServer::GetTypeId());
}

void
WebTrafficHelper::SetFlowSizes(const FlowSizeCdf& sizes)
{
    m_sizes = std::make_shared<FlowSizeCdf>(sizes);
}

void
WebTrafficHelper::SetLoad(double load, DataRate rate)
{
    NS_ABORT_MSG_UNLESS(load > 0 && load < 1, "web load must lie in (0, 1), got " << load);
    m_load = load;
    m_rate = rate;
}

void
WebTrafficHelper::SetClientAttribute(const std::string& name, const AttributeValue& value)
{
    m_client.Set(name, value);
}

void
WebTrafficHelper::SetServerAttribute(const std::string& name, const AttributeValue& value)
{
    m_server.Set(name, value);
}

double
WebTrafficHelper::GetArrivalRate() const
{
    return m_load * double(m_rate.GetBitRate()) / (8.0 * m_sizes->Mean());
}

ApplicationContainer
WebTrafficHelper::Install(NodeContainer hosts)
{
    NS_ABORT_MSG_IF(hosts.GetN() < 2, "web traffic needs at least two hosts");
    std::vector<Ipv4Address> addresses;
    for (auto it = hosts.Begin(); it != hosts.End(); ++it)
    {
        Ptr<Ipv4> ip = (*it)->GetObject<Ipv4>();
        NS_ABORT_MSG_UNLESS(ip && ip->GetNInterfaces() > 1,
                            "node " << (*it)->GetId() << " has no IPv4 interface");
        addresses.push_back(ip->GetAddress(1, 0).GetLocal());
    }
    ApplicationContainer apps;
    for (uint32_t i = 0; i < hosts.GetN(); ++i)
    {
        Ptr<WebFlowServer> server = m_server.Create<WebFlowServer>();
        hosts.Get(i)->AddApplication(server);
        apps.Add(server);
        m_servers.push_back(server);
        Ptr<WebFlowClient> client = m_client.Create<WebFlowClient>();
        client->SetAttribute("ArrivalRate", DoubleValue(GetArrivalRate()));
        std::vector<Ipv4Address> others = addresses;
        others.erase(others.begin() + i);
        client->SetServers(others);
        client->SetFlowSizes(m_sizes);
        hosts.Get(i)->AddApplication(client);
        apps.Add(client);
        m_clients.push_back(client);
    }
    return apps;
}

std::vector<WebFlowClient::Flow>
WebTrafficHelper::GetFlows() const
{
    std::map<Ipv4Address, Ptr<WebFlowServer>> serverAt;
    for (const Ptr<WebFlowServer>& s : m_servers)
    {
        serverAt[s->GetNode()->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal()] = s;
    }
    std::vector<WebFlowClient::Flow> flows;
    for (const Ptr<WebFlowClient>& c : m_clients)
    {
        const Ipv4Address client = c->GetNode()->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal();
        for (WebFlowClient::Flow f : c->GetFlows())
        {
            auto server = serverAt.find(f.server);
            if (server != serverAt.end())
            {
                f.timeouts += server->second->GetTimeouts(client, f.port, f.start);
            }
            flows.push_back(f);
        }
    }
    return flows;
}

int64_t
WebTrafficHelper::AssignStreams(int64_t stream)
{
    int64_t used = 0;
    for (const Ptr<WebFlowClient>& c : m_clients)
    {
        used += c->AssignStreams(stream + used);
    }
    return used;
}

Time
WebTrafficHelper::IdealFct(uint64_t bytes, DataRate rate, Time rtt, uint32_t segmentSize)
{
    const uint64_t segments = (bytes + segmentSize - 1) / segmentSize;
    const uint64_t wire = bytes + segments * SEGMENT_OVERHEAD;
    return rtt * 2 + rate.CalculateBytesTxTime(uint32_t(std::min<uint64_t>(wire, UINT32_MAX)));
}

} // namespace ns3
