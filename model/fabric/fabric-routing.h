/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FABRIC_ROUTING_H
#define FABRIC_ROUTING_H

#include "ns3/ns3-compat.h"

#include "ns3/ipv4-routing-protocol.h"
#include "ns3/random-variable-stream.h"

#include <memory>
#include <unordered_map>
#include <vector>

namespace ns3
{

/**
 * \ingroup dl-fabric
 * Routing for the nodes of a datacentre fabric (FabricHelper): one table lookup per packet,
 * whatever the fabric's size. Each fabric host has an index; a node keeps, per host, the
 * interfaces that lie on a shortest path to it (several on a multi-path fabric), and picks one
 * per flow (a hash of addresses, protocol and ports, salted per node, as switches do) or per
 * packet (at random). Destinations that are not fabric hosts are left to the node's other
 * routing protocols (it sits in an Ipv4ListRouting above them).
 *
 * Why: ns-3's static and global routing scan every route for every packet, and a star of n
 * hosts has n routes, so the cost of a round grew with the square of the workers.
 */
class FabricRouting : public Ipv4RoutingProtocol
{
  public:
    /** How a node chooses among equal-cost next hops. */
    enum EcmpMode
    {
        PER_FLOW,  //!< hash of the 5-tuple: a flow stays on one path, in order
        PER_PACKET //!< uniformly at random per packet (reorders a flow's packets)
    };

    /** Fabric host addresses and their indices, shared by every node of one fabric. */
    typedef std::unordered_map<uint32_t, uint32_t> HostIndex;

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FabricRouting();
    ~FabricRouting() override;

    /**
     * Set the routes.
     * \param hosts every fabric host's address -> its index
     * \param nextHops per host index, the interfaces on shortest paths to it (empty: this node
     *        is that host, or does not route to it)
     * \param gateways per interface of this node, the neighbour's address on that link
     */
    void SetRoutes(std::shared_ptr<const HostIndex> hosts,
                   std::vector<std::vector<uint32_t>> nextHops, std::vector<Ipv4Address> gateways);

    /**
     * Use fixed random streams for per-packet choices.
     * \param stream first stream index
     * \return the number of streams used (1)
     */
    int64_t AssignStreams(int64_t stream);

    /** \return per host index, the interfaces on the paths to it (as last set) */
    const std::vector<std::vector<uint32_t>>& GetNextHopTable() const
    {
        return m_nextHops;
    }

    /** \return the interfaces to \p destination, empty if it is not a routed fabric host */
    const std::vector<uint32_t>& GetNextHops(Ipv4Address destination) const;

    // Ipv4RoutingProtocol
    Ptr<Ipv4Route> RouteOutput(Ptr<Packet> p, const Ipv4Header& header, Ptr<NetDevice> oif,
                               Socket::SocketErrno& sockerr) override;
    bool RouteInput(Ptr<const Packet> p, const Ipv4Header& header, Ptr<const NetDevice> idev,
                    dlcompat::RouteInputArg<UnicastForwardCallback> ucb,
                    dlcompat::RouteInputArg<MulticastForwardCallback> mcb,
                    dlcompat::RouteInputArg<LocalDeliverCallback> lcb,
                    dlcompat::RouteInputArg<ErrorCallback> ecb) override;
    void NotifyInterfaceUp(uint32_t interface) override;
    void NotifyInterfaceDown(uint32_t interface) override;
    void NotifyAddAddress(uint32_t interface, Ipv4InterfaceAddress address) override;
    void NotifyRemoveAddress(uint32_t interface, Ipv4InterfaceAddress address) override;
    void SetIpv4(Ptr<Ipv4> ipv4) override;
    void PrintRoutingTable(Ptr<OutputStreamWrapper> stream,
                           Time::Unit unit = Time::S) const override;

  protected:
    void DoDispose() override;

  private:
    /// \return the route through one of the interfaces to the packet's destination, or null
    Ptr<Ipv4Route> Lookup(Ptr<const Packet> p, const Ipv4Header& header, Ptr<NetDevice> oif);
    /// \return the index into \p hops for this packet
    uint32_t Choose(Ptr<const Packet> p, const Ipv4Header& header, size_t hops);
    /// \return the per-packet random variable, made on first use
    Ptr<UniformRandomVariable> Random();
    /// \return the (cached) route out of \p interface
    Ptr<Ipv4Route> RouteVia(uint32_t interface);

    EcmpMode m_ecmpMode;                           //!< attribute
    Ptr<Ipv4> m_ipv4;                              //!< this node's IPv4
    std::shared_ptr<const HostIndex> m_hosts;      //!< fabric hosts
    std::vector<std::vector<uint32_t>> m_nextHops; //!< per host index
    std::vector<Ipv4Address> m_gateways;           //!< per interface: the neighbour
    std::vector<Ptr<Ipv4Route>> m_routes;          //!< per interface, built once
    Ptr<UniformRandomVariable> m_random;           //!< per-packet choices
    uint64_t m_salt{0};                            //!< per-node hash salt
};

} // namespace ns3

#endif // FABRIC_ROUTING_H
