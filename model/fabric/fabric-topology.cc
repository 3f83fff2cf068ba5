/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-topology.h"

#include "link-down-error-model.h"

#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"

#include <limits>
#include <map>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FabricTopology");

NS_OBJECT_ENSURE_REGISTERED(FabricTopology);

TypeId
FabricTopology::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::FabricTopology")
              .SetParent<Object>()
              .SetGroupName("DistributedLearning")
              .AddConstructor<FabricTopology>()
              .AddAttribute("DetectionDelay",
                            "How long after a link fails (or returns) routing stops (or starts) "
                            "using it: the fabric's failure detection and convergence time. Until "
                            "then flows hashed onto a failed link are lost on it.",
                            TimeValue(MilliSeconds(10)),
                            MakeTimeAccessor(&FabricTopology::m_detectionDelay),
                            MakeTimeChecker(Time(0)))
              .AddTraceSource("LinkState", "A link failed (false) or returned (true).",
                              MakeTraceSourceAccessor(&FabricTopology::m_linkStateTrace),
                              "ns3::FabricTopology::LinkTracedCallback")
              .AddTraceSource("Reroute",
                              "Routing stopped (false) or started again (true) using a link, and "
                              "every node's routes were recomputed.",
                              MakeTraceSourceAccessor(&FabricTopology::m_rerouteTrace),
                              "ns3::FabricTopology::LinkTracedCallback");
    return tid;
}

FabricTopology::FabricTopology() = default;

FabricTopology::~FabricTopology() = default;

void
FabricTopology::SetNodes(const NodeContainer& hosts, const NodeContainer& switches,
                         const NetDeviceContainer& hostDevices,
                         std::vector<Ptr<FabricRouting>> routing)
{
    m_nodes = NodeContainer(hosts, switches);
    m_hosts = hosts.GetN();
    m_hostDevices = hostDevices;
    m_routing = std::move(routing);
    NS_ASSERT(m_routing.size() == m_nodes.GetN());
}

uint32_t
FabricTopology::AddLink(Ptr<NetDevice> a, Ptr<NetDevice> b)
{
    Link link;
    link.device[0] = a;
    link.device[1] = b;
    m_links.push_back(link);
    return uint32_t(m_links.size() - 1);
}

Ptr<NetDevice>
FabricTopology::GetLinkDevice(uint32_t link, uint32_t end) const
{
    NS_ASSERT(link < m_links.size() && end < 2);
    return m_links[link].device[end];
}

int64_t
FabricTopology::FindLink(Ptr<Node> a, Ptr<Node> b) const
{
    for (size_t l = 0; l < m_links.size(); ++l)
    {
        Ptr<Node> x = m_links[l].device[0]->GetNode();
        Ptr<Node> y = m_links[l].device[1]->GetNode();
        if ((x == a && y == b) || (x == b && y == a))
        {
            return int64_t(l);
        }
    }
    return -1;
}

std::vector<uint32_t>
FabricTopology::GetLinksOf(Ptr<Node> node) const
{
    std::vector<uint32_t> links;
    for (size_t l = 0; l < m_links.size(); ++l)
    {
        if (m_links[l].device[0]->GetNode() == node || m_links[l].device[1]->GetNode() == node)
        {
            links.push_back(uint32_t(l));
        }
    }
    return links;
}

bool
FabricTopology::IsLinkUp(uint32_t link) const
{
    NS_ASSERT(link < m_links.size());
    return m_links[link].failures == 0;
}

namespace
{

/// A link as routing sees it from one end.
struct Edge
{
    uint32_t neighbour; //!< the node at the other end (index in the fabric)
    uint32_t interface; //!< this end's IPv4 interface
};

/// [node][host]: the interfaces of a node's shortest paths to each host.
using NextHops = std::vector<std::vector<std::vector<uint32_t>>>;

/**
 * Shortest paths to each of the first \p hosts nodes (the hosts), breadth first from it over
 * \p edges; hosts do not forward.
 */
NextHops
ShortestNextHops(const std::vector<std::vector<Edge>>& edges, uint32_t hosts)
{
    const uint32_t nodes = uint32_t(edges.size());
    NextHops hops(nodes, std::vector<std::vector<uint32_t>>(hosts));
    const uint32_t unreached = std::numeric_limits<uint32_t>::max();
    for (uint32_t h = 0; h < hosts; ++h)
    {
        std::vector<uint32_t> dist(nodes, unreached);
        std::vector<uint32_t> queue{h};
        dist[h] = 0;
        for (size_t q = 0; q < queue.size(); ++q)
        {
            const uint32_t v = queue[q];
            if (v != h && v < hosts)
            {
                continue;
            }
            for (const Edge& e : edges[v])
            {
                if (dist[e.neighbour] == unreached)
                {
                    dist[e.neighbour] = dist[v] + 1;
                    queue.push_back(e.neighbour);
                }
            }
        }
        for (uint32_t v = 0; v < nodes; ++v)
        {
            for (const Edge& e : edges[v])
            {
                if (v != h && dist[v] != unreached && dist[e.neighbour] + 1 == dist[v])
                {
                    hops[v][h].push_back(e.interface);
                }
            }
        }
    }
    return hops;
}

} // namespace

void
FabricTopology::PopulateRoutes()
{
    NS_LOG_FUNCTION(this);
    m_populated = true;
    const uint32_t nodes = m_nodes.GetN();
    std::map<uint32_t, uint32_t> indexOfNode; // node id -> position in m_nodes
    for (uint32_t i = 0; i < nodes; ++i)
    {
        indexOfNode[m_nodes.Get(i)->GetId()] = i;
    }
    // The links routing uses: for each node, (neighbour, own interface) pairs; and, of every
    // link, per interface the neighbour's address (the gateway).
    std::vector<std::vector<Edge>> edges(nodes);
    std::vector<std::vector<Ipv4Address>> gateways(nodes);
    for (const Link& link : m_links)
    {
        uint32_t node[2];
        uint32_t interface[2];
        Ipv4Address address[2];
        for (int k = 0; k < 2; ++k)
        {
            node[k] = indexOfNode.at(link.device[k]->GetNode()->GetId());
            Ptr<Ipv4> ipv4 = link.device[k]->GetNode()->GetObject<Ipv4>();
            interface[k] = uint32_t(ipv4->GetInterfaceForDevice(link.device[k]));
            address[k] = ipv4->GetAddress(interface[k], 0).GetLocal();
        }
        for (int k = 0; k < 2; ++k)
        {
            if (link.unrouted == 0)
            {
                edges[node[k]].push_back({node[1 - k], interface[k]});
            }
            auto& g = gateways[node[k]];
            g.resize(std::max<size_t>(g.size(), interface[k] + 1));
            g[interface[k]] = address[1 - k];
        }
    }
    auto hosts = std::make_shared<FabricRouting::HostIndex>();
    for (uint32_t h = 0; h < m_hosts; ++h)
    {
        Ptr<Ipv4> ipv4 = m_nodes.Get(h)->GetObject<Ipv4>();
        const int32_t interface = ipv4->GetInterfaceForDevice(m_hostDevices.Get(h));
        (*hosts)[ipv4->GetAddress(uint32_t(interface), 0).GetLocal().Get()] = h;
    }
    NextHops hops = ShortestNextHops(edges, m_hosts);
    for (uint32_t v = 0; v < nodes; ++v)
    {
        if (!m_routing[v])
        {
            continue;
        }
        // A host that only failed links reach keeps its routes: its packets die on the link.
        const auto& before = m_routing[v]->GetNextHopTable();
        for (uint32_t h = 0; h < m_hosts && h < before.size(); ++h)
        {
            if (hops[v][h].empty())
            {
                hops[v][h] = before[h];
            }
        }
        m_routing[v]->SetRoutes(hosts, std::move(hops[v]), std::move(gateways[v]));
    }
}

void
FabricTopology::ScheduleLinkFailure(uint32_t link, Time down, Time up)
{
    NS_LOG_FUNCTION(this << link << down << up);
    NS_ABORT_MSG_IF(link >= m_links.size(), "FabricTopology: no link " << link);
    NS_ABORT_MSG_IF(down < Simulator::Now(), "FabricTopology: a failure in the past");
    const Time now = Simulator::Now();
    Simulator::Schedule(down - now, &FabricTopology::Change, this, link, false);
    if (up > down)
    {
        Simulator::Schedule(up - now, &FabricTopology::Change, this, link, true);
    }
}

void
FabricTopology::Change(uint32_t link, bool up)
{
    SetLinkState(link, up);
    // The delay in force when it happens: attributes may be set after scheduling.
    Simulator::Schedule(m_detectionDelay, &FabricTopology::SetLinkRouted, this, link, up);
}

bool
FabricTopology::CountFailure(uint32_t& count, bool ends)
{
    const bool wasClear = count == 0;
    count = ends ? count - 1 : count + 1;
    return wasClear != (count == 0);
}

void
FabricTopology::SetLinkState(uint32_t link, bool up)
{
    NS_LOG_FUNCTION(this << link << up);
    if (!CountFailure(m_links[link].failures, up))
    {
        return; // another failure of the link goes on, or had already taken it down
    }
    Link& l = m_links[link];
    for (Ptr<NetDevice> device : l.device)
    {
        PointerValue current;
        device->GetAttribute("ReceiveErrorModel", current);
        Ptr<LinkDownErrorModel> dead = current.Get<LinkDownErrorModel>();
        if (!up && dead)
        {
            dead->Enable(); // the one a device without a model of its own kept
        }
        else if (!up)
        {
            dead = CreateObject<LinkDownErrorModel>();
            dead->SetSaved(current.Get<ErrorModel>());
            device->SetAttribute("ReceiveErrorModel", PointerValue(dead));
        }
        else if (dead && dead->GetSaved())
        {
            device->SetAttribute("ReceiveErrorModel", PointerValue(dead->GetSaved()));
        }
        else if (dead)
        {
            // A device cannot be given a null model back through its attribute: a disabled
            // model corrupts nothing and draws nothing.
            dead->Disable();
        }
    }
    m_linkStateTrace(link, up);
}

void
FabricTopology::SetLinkRouted(uint32_t link, bool inUse)
{
    NS_LOG_FUNCTION(this << link << inUse);
    if (CountFailure(m_links[link].unrouted, inUse))
    {
        if (m_populated) // else no routes to move: the fabric has no addresses
        {
            PopulateRoutes();
        }
        m_rerouteTrace(link, inUse);
    }
}

void
FabricTopology::DoDispose()
{
    m_links.clear();
    m_routing.clear();
    m_nodes = NodeContainer();
    m_hostDevices = NetDeviceContainer();
    Object::DoDispose();
}

} // namespace ns3
