/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-helper.h"

#include "spec-fields.h"

#include "ns3/boolean.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-list-routing.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/rank-exchange.h"
#include "ns3/simulator.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/traffic-control-layer.h"
#include "ns3/uinteger.h"

#include <set>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FabricHelper");

namespace
{

/// Host NICs: a queue disc deep enough for any burst a host sends (a socket buffer's role).
const char* HOST_QUEUE_DISC_SIZE = "100000p";

/// Priority of FabricRouting in a node's Ipv4ListRouting: above static (0) and global (-10).
const int16_t FABRIC_ROUTING_PRIORITY = 10;

/**
 * A switch port's receive callback: the packet goes to the handler that Node::ReceiveFromDevice
 * and then TrafficControlLayer::Receive would find, with the arguments they would pass. They
 * find it by scanning a handler per interface and protocol, each: 4,096 comparisons per packet
 * on a 1,024-port switch. IPv4 goes straight to IPv4; anything else (ARP, IPv6) through the
 * traffic-control layer's own dispatch.
 */
bool
DeliverFromSwitchPort(Ptr<Ipv4L3Protocol> ipv4, Ptr<TrafficControlLayer> tc, Ptr<NetDevice> device,
                      Ptr<const Packet> packet, uint16_t protocol, const Address& from)
{
    if (protocol == Ipv4L3Protocol::PROT_NUMBER)
    {
        ipv4->Receive(device, packet, protocol, from, device->GetAddress(), NetDevice::PACKET_HOST);
    }
    else
    {
        tc->Receive(device, packet, protocol, from, device->GetAddress(), NetDevice::PACKET_HOST);
    }
    return true;
}

} // namespace

FabricHelper::FabricHelper()
{
    NS_LOG_FUNCTION(this);
    m_routingFactory.SetTypeId(FabricRouting::GetTypeId());
    m_fabric = CreateObject<FabricTopology>();
}

void
FabricHelper::SetRoutingAttribute(const std::string& name, const AttributeValue& value)
{
    m_routingFactory.Set(name, value);
}

void
FabricHelper::SetTopology(const std::string& topology)
{
    m_topology = topology;
}

void
FabricHelper::SetLeafSpineShape(uint32_t hostsPerLeaf, uint32_t spines)
{
    m_hostsPerLeaf = hostsPerLeaf;
    m_spines = spines;
}

void
FabricHelper::SetFatTreeK(uint32_t k)
{
    m_fatTreeK = k;
}

void
FabricHelper::SetLinkRate(DataRate rate)
{
    m_linkRate = rate;
}

void
FabricHelper::SetLinkDelay(Time delay)
{
    m_linkDelay = delay;
}

void
FabricHelper::SetQueueSize(QueueSize size)
{
    m_queueSize = size;
}

void
FabricHelper::SetMtu(uint32_t mtu)
{
    m_mtu = mtu;
}

NetDeviceContainer
FabricHelper::Link(Ptr<Node> a, Ptr<Node> b)
{
    NetDeviceContainer d = m_p2p.Install(a, b);
    m_devices.Add(d);
    m_fabric->AddLink(d.Get(0), d.Get(1));
    return d;
}

void
FabricHelper::SetRanks(uint32_t ranks)
{
    NS_ABORT_MSG_IF(ranks < 1, "FabricHelper::SetRanks: at least one rank");
    NS_ABORT_MSG_IF(m_hosts.GetN() > 0, "FabricHelper::SetRanks: call before Create");
    m_ranks = ranks;
}

uint32_t
FabricHelper::Leaves(uint32_t hosts) const
{
    return (hosts + m_hostsPerLeaf - 1) / m_hostsPerLeaf;
}

uint32_t
FabricHelper::FatTreeArity(uint32_t hosts) const
{
    uint32_t k = m_fatTreeK;
    if (k == 0)
    {
        for (k = 2; FatTreeHosts(k) < hosts; k += 2)
        {
        }
    }
    return k;
}

std::string
FabricHelper::CheckRanks(uint32_t hosts) const
{
    const std::string ranks = std::to_string(m_ranks) + " ranks";
    if (m_ranks == 1)
    {
        return "";
    }
    if (m_linkDelay.IsZero())
    {
        return "the links between ranks need a positive delay (it is the distributed "
               "simulator's lookahead)";
    }
    if (m_topology == "star")
    {
        return "the star has one switch and cannot be split over " + ranks
               + " (use leaf-spine or fat-tree)";
    }
    if (m_topology == "leaf-spine")
    {
        const uint32_t leaves = Leaves(hosts);
        if (leaves % m_ranks != 0)
        {
            return ranks + " do not divide the " + std::to_string(leaves)
                   + " leaves of this leaf-spine (each rank simulates the same number of whole "
                     "racks)";
        }
        return "";
    }
    const uint32_t k = FatTreeArity(hosts);
    if (k % m_ranks != 0)
    {
        return ranks + " do not divide the " + std::to_string(k)
               + " pods of this fat-tree (each rank simulates the same number of whole pods)";
    }
    const uint32_t podHosts = FatTreeHosts(k) / k;
    if ((hosts + podHosts - 1) / podHosts <= (k / m_ranks) * (m_ranks - 1))
    {
        return std::to_string(hosts) + " hosts fill too few pods of the " + std::to_string(k)
               + "-ary fat-tree to give each of " + ranks + " one";
    }
    return "";
}

std::string
FabricHelper::Check(uint32_t hosts) const
{
    if (m_topology != "star" && m_topology != "leaf-spine" && m_topology != "fat-tree")
    {
        return "unknown topology '" + m_topology + "' (expected star, leaf-spine or fat-tree)";
    }
    if (hosts < 1)
    {
        return "a fabric needs at least one host";
    }
    if (m_hostsPerLeaf < 1 || m_spines < 1)
    {
        return "a leaf-spine needs at least one host per leaf and one spine";
    }
    if (m_fatTreeK != 0 && (m_fatTreeK < 2 || m_fatTreeK % 2 != 0 || m_fatTreeK > 64))
    {
        return "a fat-tree's k must be 0 (the smallest that holds the hosts) or even in [2, 64], "
               "got "
               + std::to_string(m_fatTreeK);
    }
    if (m_topology == "fat-tree" && FatTreeHosts(FatTreeArity(hosts)) < hosts)
    {
        const uint32_t k = FatTreeArity(hosts);
        return "a " + std::to_string(k) + "-ary fat-tree holds " + std::to_string(FatTreeHosts(k))
               + " hosts, not " + std::to_string(hosts);
    }
    if (m_linkRate.GetBitRate() == 0)
    {
        return "the link rate must be positive";
    }
    if (m_linkDelay.IsStrictlyNegative())
    {
        return "the link delay must not be negative";
    }
    if (m_queueSize.GetValue() < 1)
    {
        return "switch port queues must hold at least one packet or byte";
    }
    if (m_mtu < 100 || m_mtu > 65535)
    {
        return "the MTU must lie in [100, 65535] bytes, got " + std::to_string(m_mtu);
    }
    return CheckRanks(hosts);
}

NodeContainer
FabricHelper::Create(uint32_t hosts)
{
    NS_LOG_FUNCTION(this << hosts);
    NS_ABORT_MSG_IF(m_hosts.GetN() > 0, "FabricHelper::Create called twice");
    const std::string why = Check(hosts);
    NS_ABORT_MSG_UNLESS(why.empty(), "FabricHelper: " << why);
    m_p2p.SetDeviceAttribute("DataRate", DataRateValue(m_linkRate));
    m_p2p.SetDeviceAttribute("Mtu", UintegerValue(m_mtu));
    m_p2p.SetChannelAttribute("Delay", TimeValue(m_linkDelay));
    m_p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(m_queueSize));
    if (m_topology == "star")
    {
        BuildStar(hosts);
    }
    else if (m_topology == "leaf-spine")
    {
        BuildLeafSpine(hosts);
    }
    else
    {
        BuildFatTree(hosts);
    }
    NS_LOG_INFO(m_topology << ": " << hosts << " hosts, " << m_switches.GetN() << " switches, "
                           << m_devices.GetN() / 2 << " links, longest path " << m_maxHops
                           << " links");
    return m_hosts;
}

void
FabricHelper::BuildStar(uint32_t n)
{
    m_hosts.Create(n);
    m_switches.Create(1);
    for (uint32_t i = 0; i < n; ++i)
    {
        m_hostDevices.Add(Link(m_hosts.Get(i), m_switches.Get(0)).Get(0));
    }
    m_maxHops = 2;
}

void
FabricHelper::BuildLeafSpine(uint32_t n)
{
    const uint32_t leaves = Leaves(n);
    for (uint32_t i = 0; i < n; ++i)
    {
        m_hosts.Add(CreateObject<Node>(RankOfGroup(i / m_hostsPerLeaf, leaves)));
    }
    for (uint32_t l = 0; l < leaves; ++l)
    {
        m_switches.Add(CreateObject<Node>(RankOfGroup(l, leaves)));
    }
    for (uint32_t s = 0; s < m_spines; ++s)
    {
        m_switches.Add(CreateObject<Node>(s % m_ranks));
    }
    for (uint32_t i = 0; i < n; ++i)
    {
        m_hostDevices.Add(Link(m_hosts.Get(i), m_switches.Get(i / m_hostsPerLeaf)).Get(0));
    }
    for (uint32_t l = 0; l < leaves; ++l)
    {
        for (uint32_t s = 0; s < m_spines; ++s)
        {
            Link(m_switches.Get(l), m_switches.Get(leaves + s));
        }
    }
    m_maxHops = leaves > 1 ? 4 : 2;
}

void
FabricHelper::BuildFatTree(uint32_t n)
{
    const uint32_t k = FatTreeArity(n);
    const uint32_t half = k / 2;
    const uint32_t edges = k * half; // edge switches, pod p owns [p * half, (p + 1) * half)
    const uint32_t aggs = k * half;  // aggregation switches, numbered like the edges
    const uint32_t cores = half * half;
    // Nodes in the order the fabric numbers them: hosts, edges, aggregations, cores.
    for (uint32_t h = 0; h < n; ++h)
    {
        m_hosts.Add(CreateObject<Node>(RankOfGroup(h / half / half, k)));
    }
    for (uint32_t i = 0; i < edges + aggs; ++i)
    {
        m_switches.Add(CreateObject<Node>(RankOfGroup((i % edges) / half, k)));
    }
    for (uint32_t c = 0; c < cores; ++c)
    {
        m_switches.Add(CreateObject<Node>(c % m_ranks));
    }
    auto edge = [&](uint32_t i) { return m_switches.Get(i); };
    auto agg = [&](uint32_t i) { return m_switches.Get(edges + i); };
    auto core = [&](uint32_t i) { return m_switches.Get(edges + aggs + i); };
    for (uint32_t h = 0; h < n; ++h)
    {
        m_hostDevices.Add(Link(m_hosts.Get(h), edge(h / half)).Get(0));
    }
    for (uint32_t p = 0; p < k; ++p)
    {
        for (uint32_t e = 0; e < half; ++e)
        {
            for (uint32_t a = 0; a < half; ++a)
            {
                Link(edge(p * half + e), agg(p * half + a));
            }
        }
    }
    // Aggregation switch a of every pod connects to core switches [a * half, (a + 1) * half).
    for (uint32_t p = 0; p < k; ++p)
    {
        for (uint32_t a = 0; a < half; ++a)
        {
            for (uint32_t c = 0; c < half; ++c)
            {
                Link(agg(p * half + a), core(a * half + c));
            }
        }
    }
    m_builtK = k;
    const uint32_t usedEdges = (n + half - 1) / half;
    m_maxHops = usedEdges <= 1 ? 2 : (usedEdges <= half ? 4 : 6);
}

void
FabricHelper::InstallStack(InternetStackHelper stack)
{
    NS_LOG_FUNCTION(this);
    stack.Install(m_hosts);
    stack.Install(m_switches);
    // Every fabric node gets FabricRouting above the stack's own protocols: one table lookup
    // per packet for fabric destinations (AssignIpv4Addresses fills the tables); everything
    // else stays with the user's routing. A stack without Ipv4ListRouting keeps its routing.
    m_routing.clear();
    NodeContainer nodes(m_hosts, m_switches);
    for (uint32_t i = 0; i < nodes.GetN(); ++i)
    {
        Ptr<Ipv4> ipv4 = nodes.Get(i)->GetObject<Ipv4>();
        Ptr<Ipv4ListRouting> list = DynamicCast<Ipv4ListRouting>(ipv4->GetRoutingProtocol());
        if (!list)
        {
            NS_LOG_WARN("node " << nodes.Get(i)->GetId()
                                << ": no Ipv4ListRouting; FabricRouting not installed");
            m_routing.push_back(nullptr);
            continue;
        }
        Ptr<FabricRouting> routing = m_routingFactory.Create<FabricRouting>();
        list->AddRoutingProtocol(routing, FABRIC_ROUTING_PRIORITY);
        m_routing.push_back(routing);
    }
    m_fabric->SetNodes(m_hosts, m_switches, m_hostDevices, m_routing);
    // Switches accept only packets addressed to the interface they arrive on: with the weak
    // end-system model every forwarded packet was compared with all their addresses.
    for (uint32_t i = 0; i < m_switches.GetN(); ++i)
    {
        dlcompat::UseStrongEndSystemModel(m_switches.Get(i)->GetObject<Ipv4>());
    }
}

void
FabricHelper::AssignIpv4Addresses(Ipv4AddressHelper address)
{
    NS_LOG_FUNCTION(this);
    for (auto it = m_devices.Begin(); it != m_devices.End(); it += 2)
    {
        address.Assign(NetDeviceContainer(*it, *(it + 1)));
        address.NewNetwork();
    }
    // Assign installs ns-3's default queue disc on every device; replace it. Switch ports: only
    // their DropTail device queue (real overflow). Host NICs: a deep FIFO.
    TrafficControlHelper none;
    none.Uninstall(m_devices);
    TrafficControlHelper host;
    host.SetRootQueueDisc("ns3::FifoQueueDisc", "MaxSize",
                          QueueSizeValue(QueueSize(HOST_QUEUE_DISC_SIZE)));
    host.Install(m_hostDevices);
    if (m_switchQueueDisc)
    {
        m_switchQueueDisc->Install(GetSwitchDevices());
    }
    ConnectSwitchPorts();
    m_fabric->PopulateRoutes();
}

void
FabricHelper::ConnectSwitchPorts()
{
    NS_LOG_FUNCTION(this);
    NetDeviceContainer ports = GetSwitchDevices();
    for (auto it = ports.Begin(); it != ports.End(); ++it)
    {
        Ptr<Node> node = (*it)->GetNode();
        Ptr<Ipv4L3Protocol> ipv4 = node->GetObject<Ipv4L3Protocol>();
        Ptr<TrafficControlLayer> tc = node->GetObject<TrafficControlLayer>();
        if (ipv4 && tc)
        {
            (*it)->SetReceiveCallback(MakeBoundCallback(&DeliverFromSwitchPort, ipv4, tc));
        }
    }
}

void
FabricHelper::SetSwitchQueueDisc(const TrafficControlHelper& tch)
{
    m_switchQueueDisc = tch;
}

NetDeviceContainer
FabricHelper::GetSwitchDevices() const
{
    std::set<uint32_t> switches;
    for (auto it = m_switches.Begin(); it != m_switches.End(); ++it)
    {
        switches.insert((*it)->GetId());
    }
    NetDeviceContainer ports;
    for (auto it = m_devices.Begin(); it != m_devices.End(); ++it)
    {
        if (switches.count((*it)->GetNode()->GetId()))
        {
            ports.Add(*it);
        }
    }
    return ports;
}

int64_t
FabricHelper::AssignStreams(int64_t stream)
{
    NS_LOG_FUNCTION(this << stream);
    NodeContainer nodes(m_hosts, m_switches);
    InternetStackHelper stack;
    for (uint32_t k = 0; k < nodes.GetN(); ++k)
    {
        int64_t used
            = stack.AssignStreams(NodeContainer(nodes.Get(k)), stream + k * STREAMS_PER_NODE);
        if (k < m_routing.size() && m_routing[k])
        {
            used += m_routing[k]->AssignStreams(stream + k * STREAMS_PER_NODE + used);
        }
        NS_ABORT_MSG_IF(used > STREAMS_PER_NODE, "a node's stack uses " << used << " streams");
    }
    return int64_t(nodes.GetN()) * STREAMS_PER_NODE;
}

void
FabricHelper::EnablePcap(const std::string& prefix, bool allDevices)
{
    m_p2p.EnablePcap(prefix, LocalDevices(allDevices ? m_devices : m_hostDevices));
}

void
FabricHelper::EnableAscii(const std::string& fileName, bool allDevices)
{
    // Split over ranks, each rank writes its own file (one stream cannot be shared).
    const std::string name = RankExchange::IsDistributed()
                                 ? fileName + ".rank" + std::to_string(RankExchange::GetRank())
                                 : fileName;
    AsciiTraceHelper ascii;
    m_p2p.EnableAscii(ascii.CreateFileStream(name),
                      LocalDevices(allDevices ? m_devices : m_hostDevices));
}

NetDeviceContainer
FabricHelper::LocalDevices(const NetDeviceContainer& devices)
{
    NetDeviceContainer local;
    for (auto it = devices.Begin(); it != devices.End(); ++it)
    {
        if ((*it)->GetNode()->GetSystemId() == RankExchange::GetRank())
        {
            local.Add(*it);
        }
    }
    return local;
}

std::string
FabricHelper::GetNodeName(Ptr<Node> node) const
{
    for (uint32_t i = 0; i < m_hosts.GetN(); ++i)
    {
        if (m_hosts.Get(i) == node)
        {
            return "host" + std::to_string(i);
        }
    }
    for (uint32_t i = 0; i < m_switches.GetN(); ++i)
    {
        if (m_switches.Get(i) != node)
        {
            continue;
        }
        if (m_topology == "star")
        {
            return "switch";
        }
        if (m_topology == "leaf-spine")
        {
            const uint32_t leaves = m_switches.GetN() - m_spines;
            return i < leaves ? "leaf" + std::to_string(i) : "spine" + std::to_string(i - leaves);
        }
        const uint32_t perLayer = m_builtK * m_builtK / 2; // edges, and aggregations
        if (i < perLayer)
        {
            return "edge" + std::to_string(i);
        }
        return i < 2 * perLayer ? "agg" + std::to_string(i - perLayer)
                                : "core" + std::to_string(i - 2 * perLayer);
    }
    return "";
}

Ptr<Node>
FabricHelper::FindNode(const std::string& name) const
{
    NodeContainer nodes(m_hosts, m_switches);
    for (uint32_t i = 0; i < nodes.GetN(); ++i)
    {
        if (GetNodeName(nodes.Get(i)) == name)
        {
            return nodes.Get(i);
        }
    }
    return nullptr;
}

void
FabricHelper::SetFailureDetectionDelay(Time delay)
{
    m_fabric->SetAttribute("DetectionDelay", TimeValue(delay));
}

void
FabricHelper::ScheduleLinkFailure(Ptr<Node> a, Ptr<Node> b, Time down, Time up)
{
    const int64_t link = m_fabric->FindLink(a, b);
    NS_ABORT_MSG_IF(link < 0, "FabricHelper: no link between " << GetNodeName(a) << " and "
                                                               << GetNodeName(b));
    m_fabric->ScheduleLinkFailure(uint32_t(link), down, up);
}

void
FabricHelper::ScheduleSwitchFailure(Ptr<Node> node, Time down, Time up)
{
    const std::vector<uint32_t> links = m_fabric->GetLinksOf(node);
    NS_ABORT_MSG_IF(links.empty(), "FabricHelper: node " << node->GetId() << " has no links");
    for (uint32_t link : links)
    {
        m_fabric->ScheduleLinkFailure(link, down, up);
    }
}

std::string
FabricHelper::ScheduleFailures(const std::string& spec)
{
    const std::string usage = "expected link:NODE-NODE:DOWN[:UP] or switch:NAME:DOWN[:UP], "
                              "separated by ',' (nodes such as host0, switch, leaf0, spine1, "
                              "edge0, agg0, core0; times such as 20ms)";
    struct Failure
    {
        Ptr<Node> a;
        Ptr<Node> b; // null: a switch failure of a
        Time down;
        Time up;
    };
    std::vector<Failure> failures;
    if (spec.empty())
    {
        return "";
    }
    for (const std::string& item : dlspec::Split(spec, ','))
    {
        const std::vector<std::string> f = dlspec::Split(item);
        const std::string bad = "--fail '" + item + "': ";
        if ((f[0] != "link" && f[0] != "switch") || f.size() < 3 || f.size() > 4)
        {
            return bad + usage;
        }
        Failure x;
        if (!dlspec::ParseTime(f[2], &x.down) || (f.size() == 4 && !dlspec::ParseTime(f[3], &x.up)))
        {
            return bad + "times must be ns-3 times of at least 0 (such as 20ms)";
        }
        if (f.size() == 4 && x.up <= x.down)
        {
            return bad + "it must come back (" + f[3] + ") after it goes down (" + f[2] + ")";
        }
        const std::vector<std::string> ends = dlspec::Split(f[1], '-');
        if ((f[0] == "link") != (ends.size() == 2))
        {
            return bad + usage;
        }
        x.a = FindNode(ends[0]);
        x.b = ends.size() == 2 ? FindNode(ends[1]) : nullptr;
        if (!x.a || (ends.size() == 2 && !x.b))
        {
            return bad + "no node '" + (x.a ? ends[1] : ends[0]) + "' in this " + m_topology;
        }
        if (f[0] == "link" && m_fabric->FindLink(x.a, x.b) < 0)
        {
            return bad + "no link between " + ends[0] + " and " + ends[1];
        }
        if (f[0] == "switch" && GetNodeName(x.a).rfind("host", 0) == 0)
        {
            return bad + ends[0] + " is a host, not a switch";
        }
        failures.push_back(x);
    }
    for (const Failure& x : failures) // all or nothing
    {
        if (x.b)
        {
            ScheduleLinkFailure(x.a, x.b, x.down, x.up);
        }
        else
        {
            ScheduleSwitchFailure(x.a, x.down, x.up);
        }
    }
    return "";
}

} // namespace ns3
