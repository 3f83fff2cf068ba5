/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FABRIC_TOPOLOGY_H
#define FABRIC_TOPOLOGY_H

#include "fabric-routing.h"

#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <vector>

/**
 * \defgroup dl-fabric Fabrics
 * \ingroup distributed-learning
 * Data-centre fabrics: topology, routing, loss and failure models, shared-buffer queues,
 * DSCP classes.
 */

namespace ns3
{

/**
 * \ingroup dl-fabric
 * The links of a fabric (FabricHelper) and the routes over them: fills every node's
 * FabricRouting with the shortest paths to every host, and keeps them right while links fail
 * and return.
 *
 * A failed link carries nothing from the moment it goes down (both its devices lose every frame,
 * LinkDownErrorModel, counted as receive drops): what is queued for it or on the wire is lost.
 * Routing learns of it DetectionDelay later, as a fabric's failure detection (BFD, link-state
 * flooding) would, and moves the paths that used the link onto the others of equal or the next
 * best length; until then senders keep hashing flows onto the dead link. When the link returns it
 * carries packets at once, and routing takes it back DetectionDelay later. A destination that no
 * path reaches without the link (a host's only link, any link of a star) keeps its routes: its
 * packets are lost on the failed link, as they would be on a real fabric.
 *
 * Failures are scheduled before the simulation runs, at absolute simulated times; every process
 * of a distributed (MPI) run schedules the same ones and computes the same routes.
 */
class FabricTopology : public Object
{
  public:
    /**
     * TracedCallback signature for a link's change of state.
     * \param link the link's index
     * \param up true when it returns, false when it fails (LinkState) or, for Reroute, true
     *        when routing takes it back into use, false when routing stops using it
     */
    typedef void (*LinkTracedCallback)(uint32_t link, bool up);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FabricTopology();
    ~FabricTopology() override;

    /**
     * \param hosts the fabric's hosts (host i has index i)
     * \param switches its switches
     * \param hostDevices each host's NIC (the address that names the host)
     * \param routing per node (hosts, then switches), its FabricRouting (null: none)
     */
    void SetNodes(const NodeContainer& hosts, const NodeContainer& switches,
                  const NetDeviceContainer& hostDevices, std::vector<Ptr<FabricRouting>> routing);

    /**
     * Add a link between two fabric nodes.
     * \param a the device at one end
     * \param b the device at the other
     * \return the link's index
     */
    uint32_t AddLink(Ptr<NetDevice> a, Ptr<NetDevice> b);

    /** \return the number of links */
    uint32_t GetNLinks() const
    {
        return uint32_t(m_links.size());
    }

    /**
     * \param link a link's index
     * \param end 0 or 1
     * \return the device at that end
     */
    Ptr<NetDevice> GetLinkDevice(uint32_t link, uint32_t end) const;

    /** \return the index of the link between \p a and \p b, or -1 if there is none */
    int64_t FindLink(Ptr<Node> a, Ptr<Node> b) const;

    /** \return the indices of the links of \p node */
    std::vector<uint32_t> GetLinksOf(Ptr<Node> node) const;

    /** \return true unless \p link is down */
    bool IsLinkUp(uint32_t link) const;

    /**
     * Fill every node's FabricRouting with the shortest paths to each host over the links that
     * routing has in use (all, until a failure is detected). Call once addresses are assigned.
     */
    void PopulateRoutes();

    /**
     * Take \p link down at simulated time \p down and, if \p up is later than \p down, back up
     * at \p up. Failures of one link may overlap: it is down while any of them lasts.
     */
    void ScheduleLinkFailure(uint32_t link, Time down, Time up);

  protected:
    void DoDispose() override;

  private:
    /** A link and what its failure changes. */
    struct Link
    {
        Ptr<NetDevice> device[2]; //!< its two ends
        uint32_t failures{0};     //!< failures in progress: down while > 0
        uint32_t unrouted{0};     //!< failures routing knows of: out of the routes while > 0
    };

    /// The link fails or returns; routing learns of it DetectionDelay later.
    void Change(uint32_t link, bool up);
    /// The link fails (its devices lose every frame) or returns.
    void SetLinkState(uint32_t link, bool up);
    /// Routing learns that the link failed (\p inUse false) or returned.
    void SetLinkRouted(uint32_t link, bool inUse);
    /**
     * Counts a failure starting (\p ends false) or ending on a link: overlapping failures of one
     * link stack, so only the first start and the last end change anything.
     * \return whether the count went from 0 or back to it
     */
    static bool CountFailure(uint32_t& count, bool ends);

    std::vector<Link> m_links;                       //!< every link
    NodeContainer m_nodes;                           //!< hosts, then switches
    uint32_t m_hosts{0};                             //!< how many of m_nodes are hosts
    NetDeviceContainer m_hostDevices;                //!< each host's NIC
    std::vector<Ptr<FabricRouting>> m_routing;       //!< per node
    Time m_detectionDelay;                           //!< attribute
    bool m_populated{false};                         //!< PopulateRoutes has run
    TracedCallback<uint32_t, bool> m_linkStateTrace; //!< LinkState
    TracedCallback<uint32_t, bool> m_rerouteTrace;   //!< Reroute
};

} // namespace ns3

#endif // FABRIC_TOPOLOGY_H
