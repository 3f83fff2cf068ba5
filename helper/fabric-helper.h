/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FABRIC_HELPER_H
#define FABRIC_HELPER_H

#include "ns3/data-rate.h"
#include "ns3/fabric-routing.h"
#include "ns3/fabric-topology.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/queue-size.h"
#include "ns3/traffic-control-helper.h"

#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup distributed-learning
 * Builds a data-centre fabric of point-to-point links, in the manner of ns-3's
 * PointToPointStarHelper: Create() makes the hosts, switches and links; InstallStack() and
 * AssignIpv4Addresses() take the user's own InternetStackHelper and Ipv4AddressHelper, so the
 * address plan is the user's (every link gets the helper's next network). Between fabric hosts,
 * every node routes with FabricRouting (one table lookup per packet, per-flow ECMP by default;
 * SetRoutingAttribute("EcmpMode", ...) for per-packet), installed above the stack's own
 * protocols; anything else is the script's routing, as in every ns-3 example
 * (Ipv4GlobalRoutingHelper::PopulateRoutingTables() once all networks exist).
 *
 * Topologies:
 * - "star": every host on its own link to one switch;
 * - "leaf-spine": hosts spread over leaf switches (HostsPerLeaf each), every leaf linked to every
 *   spine; switches spread flows over the equal-cost paths (ECMP);
 * - "fat-tree": the k-ary fat-tree of Al-Fares et al. (SIGCOMM 2008): k pods of k/2 edge and k/2
 *   aggregation switches, (k/2)^2 core switches, up to k^3/4 hosts (k/2 per edge switch, filled
 *   in order); ECMP as for leaf-spine.
 *
 * Switch ports keep only their DropTail device queue of QueueSize packets, so that incast
 * overflows them for real; host NICs get a deep FIFO queue disc in front (a host does not drop
 * its own packets). Nothing global is changed: routing and the switches' WeakEsModel (off: a
 * switch accepts only packets addressed to the interface they arrive on) are set on the fabric
 * nodes' own objects.
 *
 * Switch ports hand what they receive straight to the switch's IPv4 (NetDevice receive
 * callback), where Node::ReceiveFromDevice would scan a protocol handler per interface for it:
 * the cost of a forwarded packet does not grow with the switch's ports. The consequence: a
 * protocol handler a script registers on a fabric switch (Node::RegisterProtocolHandler, e.g.
 * a PacketSocket) sees nothing; tracing (pcap, ascii, the devices' and IPv4's trace sources) is
 * unaffected.
 */
class FabricHelper
{
  public:
    FabricHelper();

    /** Topology: "star", "leaf-spine" or "fat-tree" (Check says which are not). */
    void SetTopology(const std::string& topology);
    /** Leaf-spine shape: hosts per leaf switch and number of spine switches. */
    void SetLeafSpineShape(uint32_t hostsPerLeaf, uint32_t spines);
    /** \return the hosts a k-ary fat-tree holds: k^3 / 4 */
    static uint32_t FatTreeHosts(uint32_t k)
    {
        return k * k * k / 4;
    }

    /** Fat-tree arity k (even, >= 2); 0 (the default): the smallest k that holds the hosts. */
    void SetFatTreeK(uint32_t k);
    /** Rate of every link. */
    void SetLinkRate(DataRate rate);
    /** Propagation delay of every link. */
    void SetLinkDelay(Time delay);
    /** Size of every switch port's DropTail queue. */
    void SetQueueSize(QueueSize size);
    /** IP MTU of every link in bytes (1500; 9000 for jumbo frames). */
    void SetMtu(uint32_t mtu);

    /**
     * Split the fabric over \p ranks processes of ns-3's distributed simulator (the mpi
     * module): Create gives every node its rank as ns-3 system id. Each rank simulates whole
     * racks: leaf-spine, the leaves in equal consecutive groups (with their hosts), spine s on
     * rank s mod ranks; fat-tree, the pods likewise, core c on rank c mod ranks. The links
     * between ranks are point-to-point, as ns-3 requires, and their delay is the lookahead.
     * The star has one switch and stays on one rank. Call before Create; CheckRanks says
     * whether a shape can be split so.
     */
    void SetRanks(uint32_t ranks);

    /** \return the number of ranks the fabric is split over (1 by default) */
    uint32_t GetRanks() const
    {
        return m_ranks;
    }

    /**
     * \param hosts the hosts Create would be given
     * \return why this shape cannot be split over the ranks set (one line), or empty if it can
     */
    std::string CheckRanks(uint32_t hosts) const;

    /**
     * Every setting at once: the topology's name and shape, link rate, delay, queue size and
     * MTU, and the split over ranks (CheckRanks). Create aborts with this line.
     * \param hosts the hosts Create would be given
     * \return why Create(hosts) would fail with these settings (one line), or empty
     */
    std::string Check(uint32_t hosts) const;

    /**
     * Create \p hosts host nodes, the switches, and the links.
     * \return the hosts, in order (host i is at position i)
     */
    NodeContainer Create(uint32_t hosts);
    /**
     * Set an attribute of the FabricRouting every fabric node gets (e.g. "EcmpMode":
     * PerFlow or PerPacket). Call before InstallStack.
     */
    void SetRoutingAttribute(const std::string& name, const AttributeValue& value);
    /**
     * Install \p stack on every host and switch, and FabricRouting above the stack's own
     * routing protocols (where the stack routes with an Ipv4ListRouting, as by default).
     */
    void InstallStack(InternetStackHelper stack);
    /**
     * Give every link its own network from \p address (calling NewNetwork after each), then set
     * the queue discs: none on switch ports, a deep FIFO on host NICs; and fill the fabric
     * nodes' routes to every host (shortest paths, all of them where there are several).
     */
    void AssignIpv4Addresses(Ipv4AddressHelper address);

    /**
     * Give the random variables of every host's and switch's Internet stack (ECMP choices, ARP
     * jitter, ...) fixed streams: node k of the fabric (hosts, then switches) gets
     * [stream + k * STREAMS_PER_NODE, ...). Fixed per node, so that an ns-3 release whose stack
     * has more or fewer random variables moves no other node's streams.
     * \return the number of streams reserved
     */
    int64_t AssignStreams(int64_t stream);

    /** Streams reserved per node by AssignStreams. */
    static constexpr int64_t STREAMS_PER_NODE = 64;

    /** \return the hosts */
    const NodeContainer& GetHosts() const
    {
        return m_hosts;
    }

    /** \return the switches (star: one; leaf-spine: leaves, then spines; fat-tree: edge,
     *          aggregation, core) */
    const NodeContainer& GetSwitches() const
    {
        return m_switches;
    }

    /** \return every NetDevice, link by link (host or lower switch first) */
    const NetDeviceContainer& GetDevices() const
    {
        return m_devices;
    }

    /** \return each host's NIC, index i is host i */
    const NetDeviceContainer& GetHostDevices() const
    {
        return m_hostDevices;
    }

    /** \return links on the longest host-to-host path */
    uint32_t GetMaxHops() const
    {
        return m_maxHops;
    }

    /** \return the rate of every link */
    DataRate GetLinkRate() const
    {
        return m_linkRate;
    }

    /** \return the propagation delay of the longest host-to-host path */
    Time GetMaxPathDelay() const
    {
        return m_linkDelay * int64_t(m_maxHops);
    }

    /**
     * Put \p tch's queue discs on every switch port (AssignIpv4Addresses installs them). By
     * default switch ports have none, only their DropTail device queue (SetQueueSize). With a
     * queue disc (e.g. a PrioQueueDisc that serves one class first), make the device queue
     * small (SetQueueSize("2p")), so that packets wait, and are classified and dropped, in the
     * queue disc.
     */
    void SetSwitchQueueDisc(const TrafficControlHelper& tch);

    /** \return every switch port (the devices of the fabric that are not host NICs) */
    NetDeviceContainer GetSwitchDevices() const;

    /**
     * Write a pcap file per host NIC (\p allDevices: per device of the fabric); split over
     * ranks, each rank writes its own nodes' files.
     */
    void EnablePcap(const std::string& prefix, bool allDevices = false);
    /**
     * Write one ASCII trace of the host NICs (\p allDevices: of every device); split over
     * ranks, one per rank, "<fileName>.rank<r>", of its own nodes.
     */
    void EnableAscii(const std::string& fileName, bool allDevices = false);

    /**
     * \return the fabric's links and routes (what link failures act on); its attribute
     *         DetectionDelay, traces LinkState and Reroute
     */
    Ptr<FabricTopology> GetFabricTopology() const
    {
        return m_fabric;
    }

    /**
     * \return the name of a fabric node: host<i>; the star's "switch"; leaf<i> and spine<i>;
     *         edge<i>, agg<i> and core<i> of a fat-tree (numbered from 0 in each layer);
     *         empty if \p node is not in the fabric
     */
    std::string GetNodeName(Ptr<Node> node) const;
    /** \return the fabric node called \p name (GetNodeName), or null */
    Ptr<Node> FindNode(const std::string& name) const;

    /**
     * How long after a link fails or returns the fabric's routing reacts (the FabricTopology's
     * DetectionDelay, 10 ms by default).
     */
    void SetFailureDetectionDelay(Time delay);
    /**
     * The link between \p a and \p b fails at simulated time \p down and, if \p up is later,
     * returns at \p up (FabricTopology: what a failure does). Aborts if there is no such link.
     * Call after Create.
     */
    void ScheduleLinkFailure(Ptr<Node> a, Ptr<Node> b, Time down, Time up = Time(0));
    /** Every link of switch \p node fails at \p down and returns at \p up (if later). */
    void ScheduleSwitchFailure(Ptr<Node> node, Time down, Time up = Time(0));
    /**
     * Schedule failures written as text (dl-train's --fail): items separated by ',', each
     * link:NODE-NODE:DOWN[:UP] or switch:NAME:DOWN[:UP], with node names as GetNodeName
     * writes them and ns-3 times (link:leaf0-spine1:20ms:50ms). All or nothing: nothing is
     * scheduled if any item is wrong.
     * \return why \p spec is wrong (one line), or empty once scheduled
     */
    std::string ScheduleFailures(const std::string& spec);

  private:
    /// Point every switch port's receive callback at the switch's IPv4 (see the class notes).
    void ConnectSwitchPorts();
    /// Leaf-spine leaves, or fat-tree arity, for this many hosts.
    uint32_t Leaves(uint32_t hosts) const;
    uint32_t FatTreeArity(uint32_t hosts) const;
    /// Rank of group \p g of \p groups (leaves or pods): equal consecutive blocks.
    uint32_t RankOfGroup(uint32_t g, uint32_t groups) const
    {
        return uint32_t(uint64_t(g) * m_ranks / groups);
    }

    /// \return the devices of \p devices whose nodes this rank simulates
    static NetDeviceContainer LocalDevices(const NetDeviceContainer& devices);

    /// Link two nodes; returns the two devices (a's first).
    NetDeviceContainer Link(Ptr<Node> a, Ptr<Node> b);
    /// Links of the star.
    void BuildStar(uint32_t n);
    /// Links of the leaf-spine.
    void BuildLeafSpine(uint32_t n);
    /// Links of the fat-tree.
    void BuildFatTree(uint32_t n);

    std::string m_topology{"star"};    //!< star | leaf-spine | fat-tree
    uint32_t m_hostsPerLeaf{4};        //!< leaf-spine: hosts per leaf
    uint32_t m_spines{2};              //!< leaf-spine: spine switches
    uint32_t m_fatTreeK{0};            //!< fat-tree arity (0: automatic)
    DataRate m_linkRate{"10Gbps"};     //!< every link
    Time m_linkDelay{MicroSeconds(5)}; //!< every link
    QueueSize m_queueSize{"1000p"};    //!< switch port queues
    uint32_t m_mtu{1500};              //!< IP MTU
    uint32_t m_maxHops{2};             //!< links on the longest host-to-host path
    uint32_t m_ranks{1};               //!< processes the fabric is split over
    uint32_t m_builtK{0};              //!< fat-tree: the arity built
    PointToPointHelper m_p2p;          //!< builds the links (and traces them)

    std::vector<Ptr<FabricRouting>> m_routing; //!< per node (hosts, then switches)
    Ptr<FabricTopology> m_fabric;              //!< links, routes, failures
    ObjectFactory m_routingFactory;            //!< FabricRouting with the user's attributes
    NodeContainer m_hosts;                     //!< host nodes
    NodeContainer m_switches;                  //!< switch nodes
    NetDeviceContainer m_devices;              //!< all devices, link by link
    NetDeviceContainer m_hostDevices;          //!< each host's NIC
    std::optional<TrafficControlHelper> m_switchQueueDisc; //!< for switch ports, if set
};

} // namespace ns3

#endif // FABRIC_HELPER_H
