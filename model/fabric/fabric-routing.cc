/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "fabric-routing.h"

#include "ns3/enum.h"
#include "ns3/ipv4-route.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/output-stream-wrapper.h"
#include "ns3/packet.h"

#include <map>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FabricRouting");

NS_OBJECT_ENSURE_REGISTERED(FabricRouting);

namespace
{
/// splitmix64 finaliser: spreads the bits of a flow's fields over the hash.
uint64_t
Mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

const std::vector<uint32_t> kNoHops;
} // namespace

TypeId
FabricRouting::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::FabricRouting")
              .SetParent<Ipv4RoutingProtocol>()
              .SetGroupName("DistributedLearning")
              .AddConstructor<FabricRouting>()
              .AddAttribute("EcmpMode",
                            "How a node chooses among equal-cost next hops: PerFlow (a hash of "
                            "addresses, protocol and ports, salted per node: a flow keeps one path "
                            "and its order) or PerPacket (at random: spreads a flow over all paths "
                            "and reorders it).",
                            EnumValue(FabricRouting::PER_FLOW),
                            dlcompat::MakeEnumMemberAccessor(&FabricRouting::m_ecmpMode),
                            MakeEnumChecker(FabricRouting::PER_FLOW, "PerFlow",
                                            FabricRouting::PER_PACKET, "PerPacket"));
    return tid;
}

FabricRouting::FabricRouting() = default;

FabricRouting::~FabricRouting() = default;

void
FabricRouting::SetRoutes(std::shared_ptr<const HostIndex> hosts,
                         std::vector<std::vector<uint32_t>> nextHops,
                         std::vector<Ipv4Address> gateways)
{
    NS_LOG_FUNCTION(this << nextHops.size());
    m_hosts = std::move(hosts);
    m_nextHops = std::move(nextHops);
    m_gateways = std::move(gateways);
    m_routes.assign(m_gateways.size(), nullptr);
}

int64_t
FabricRouting::AssignStreams(int64_t stream)
{
    if (m_ecmpMode == PER_PACKET)
    {
        Random()->SetStream(stream);
    }
    return 1; // reserved either way, so that stream numbers do not depend on the mode
}

Ptr<UniformRandomVariable>
FabricRouting::Random()
{
    // Made on first use: a variable made in the constructor would take an automatic stream
    // number even in per-flow mode, and shift those of every random variable made after it.
    if (!m_random)
    {
        m_random = CreateObject<UniformRandomVariable>();
    }
    return m_random;
}

const std::vector<uint32_t>&
FabricRouting::GetNextHops(Ipv4Address destination) const
{
    if (!m_hosts)
    {
        return kNoHops;
    }
    const auto it = m_hosts->find(destination.Get());
    return it == m_hosts->end() || it->second >= m_nextHops.size() ? kNoHops
                                                                   : m_nextHops[it->second];
}

uint32_t
FabricRouting::Choose(Ptr<const Packet> p, const Ipv4Header& header, size_t hops)
{
    if (m_ecmpMode == PER_PACKET)
    {
        return Random()->GetInteger(0, uint32_t(hops - 1));
    }
    uint64_t key = (uint64_t(header.GetSource().Get()) << 32) | header.GetDestination().Get();
    uint64_t ports = header.GetProtocol();
    // The ports start the UDP or TCP header; fragments of one datagram hash without them, so
    // that they all take the first fragment's path.
    const bool fragmented = header.GetFragmentOffset() != 0 || !header.IsLastFragment();
    if (p && !fragmented && (header.GetProtocol() == 6 || header.GetProtocol() == 17)
        && p->GetSize() >= 4)
    {
        uint8_t b[4];
        p->CopyData(b, 4);
        ports = (ports << 32) | (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16)
                | (uint32_t(b[2]) << 8) | b[3];
    }
    return uint32_t(Mix(Mix(key ^ m_salt) ^ ports) % hops);
}

Ptr<Ipv4Route>
FabricRouting::RouteVia(uint32_t interface)
{
    NS_ASSERT(interface < m_routes.size());
    if (!m_routes[interface])
    {
        // One route object per interface, reused by every packet: the forwarding path reads
        // only its device, source and gateway.
        Ptr<Ipv4Route> r = Create<Ipv4Route>();
        r->SetOutputDevice(m_ipv4->GetNetDevice(interface));
        r->SetSource(m_ipv4->GetAddress(interface, 0).GetLocal());
        r->SetGateway(m_gateways[interface]);
        m_routes[interface] = r;
    }
    return m_routes[interface];
}

Ptr<Ipv4Route>
FabricRouting::Lookup(Ptr<const Packet> p, const Ipv4Header& header, Ptr<NetDevice> oif)
{
    const std::vector<uint32_t>& hops = GetNextHops(header.GetDestination());
    if (hops.empty())
    {
        return nullptr;
    }
    const uint32_t interface = hops.size() == 1 ? hops[0] : hops[Choose(p, header, hops.size())];
    if (oif && m_ipv4->GetNetDevice(interface) != oif)
    {
        return nullptr; // the caller insists on another device: leave it to other protocols
    }
    Ptr<Ipv4Route> route = RouteVia(interface);
    NS_LOG_LOGIC(header.GetDestination() << " via interface " << interface);
    return route;
}

Ptr<Ipv4Route>
FabricRouting::RouteOutput(Ptr<Packet> p, const Ipv4Header& header, Ptr<NetDevice> oif,
                           Socket::SocketErrno& sockerr)
{
    Ptr<Ipv4Route> route = Lookup(p, header, oif);
    sockerr = route ? Socket::ERROR_NOTERROR : Socket::ERROR_NOROUTETOHOST;
    if (route)
    {
        // A copy: the socket layer may fill in its own fields.
        route = Create<Ipv4Route>(*route);
        route->SetDestination(header.GetDestination());
    }
    return route;
}

bool
FabricRouting::RouteInput(Ptr<const Packet> p, const Ipv4Header& header, Ptr<const NetDevice> idev,
                          dlcompat::RouteInputArg<UnicastForwardCallback> ucb,
                          dlcompat::RouteInputArg<MulticastForwardCallback> mcb,
                          dlcompat::RouteInputArg<LocalDeliverCallback> lcb,
                          dlcompat::RouteInputArg<ErrorCallback> ecb)
{
    // Local delivery, multicast and broadcast are Ipv4ListRouting's and the other protocols'.
    Ptr<Ipv4Route> route = Lookup(p, header, nullptr);
    if (!route)
    {
        return false;
    }
    ucb(route, p, header);
    return true;
}

void
FabricRouting::NotifyInterfaceUp(uint32_t interface)
{
}

void
FabricRouting::NotifyInterfaceDown(uint32_t interface)
{
}

void
FabricRouting::NotifyAddAddress(uint32_t interface, Ipv4InterfaceAddress address)
{
    m_routes.assign(m_routes.size(), nullptr); // sources may have changed
}

void
FabricRouting::NotifyRemoveAddress(uint32_t interface, Ipv4InterfaceAddress address)
{
    m_routes.assign(m_routes.size(), nullptr);
}

void
FabricRouting::SetIpv4(Ptr<Ipv4> ipv4)
{
    m_ipv4 = ipv4;
    m_salt = ipv4 && ipv4->GetObject<Node>() ? Mix(ipv4->GetObject<Node>()->GetId()) : 0;
}

void
FabricRouting::PrintRoutingTable(Ptr<OutputStreamWrapper> stream, Time::Unit unit) const
{
    std::ostream& os = *stream->GetStream();
    os << "FabricRouting: " << (m_hosts ? m_hosts->size() : 0) << " fabric hosts, ECMP "
       << (m_ecmpMode == PER_FLOW ? "per flow" : "per packet") << "\n";
    if (!m_hosts)
    {
        return;
    }
    std::map<uint32_t, uint32_t> byIndex; // print in host order, not hash order
    for (const auto& [address, index] : *m_hosts)
    {
        byIndex[index] = address;
    }
    for (const auto& [index, address] : byIndex)
    {
        if (index < m_nextHops.size() && !m_nextHops[index].empty())
        {
            os << "  host " << index << " " << Ipv4Address(address) << " via interfaces";
            for (uint32_t i : m_nextHops[index])
            {
                os << " " << i;
            }
            os << "\n";
        }
    }
}

void
FabricRouting::DoDispose()
{
    m_ipv4 = nullptr;
    m_routes.clear();
    Ipv4RoutingProtocol::DoDispose();
}

} // namespace ns3
