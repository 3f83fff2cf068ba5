/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef CANONICAL_ORDER_HELPER_H
#define CANONICAL_ORDER_HELPER_H

#include "ns3/node-container.h"

namespace ns3
{

/**
 * \ingroup distributed-learning
 * Same-instant events in an order that does not depend on how the simulation is split over
 * ranks: the CanonicalScheduler for the simulator, and an ArrivalSequencer on every node that
 * receives packets. Needed (with an order-free loss model, HashedRateErrorModel) for results
 * that are byte-identical on any number of ranks; it changes the order of same-instant events
 * from ns-3's, so a run with it is compared with runs with it.
 *
 * \code
 *   CanonicalOrderHelper::EnableScheduler();   // before anything is scheduled
 *   ... nodes, InternetStackHelper, addresses ...
 *   CanonicalOrderHelper().Install(NodeContainer::GetGlobal());
 * \endcode
 */
class CanonicalOrderHelper
{
  public:
    /**
     * Make a CanonicalScheduler the simulator's scheduler (events already scheduled move to
     * it). The one global setting this module makes, and only when asked.
     */
    static void EnableScheduler();

    /**
     * An ArrivalSequencer on every node of \p nodes (after their Internet stacks and
     * addresses). Aborts if EnableScheduler was not called first: without the scheduler, the
     * sequencers alone do not give the order.
     * \param nodes the nodes
     */
    void Install(NodeContainer nodes) const;
};

} // namespace ns3

#endif // CANONICAL_ORDER_HELPER_H
