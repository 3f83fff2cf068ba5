/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DSCP_CLASS_FILTER_H
#define DSCP_CLASS_FILTER_H

#include "ns3/ipv4-packet-filter.h"

namespace ns3
{

/**
 * \ingroup dl-fabric
 * A packet filter for a PrioQueueDisc on a switch port: IPv4 packets whose DSCP is the
 * droppable class's go to band 1, every other IPv4 packet to band 0. With a PrioQueueDisc of
 * two FIFO bands, band 0 (latency-sensitive traffic) is always served first and the droppable
 * class queues, and is dropped, in its own band when the port is busy. The class is marked by
 * the sender (e.g. the training job's "Tos" transport attribute, ToS = DSCP << 2), as real
 * switches classify by DSCP, not by anything the simulator knows about the packet.
 */
class DscpClassFilter : public Ipv4PacketFilter
{
  public:
    /** The band of the droppable class. */
    static constexpr int32_t DROPPABLE_BAND = 1;
    /** The band of everything else. */
    static constexpr int32_t PRIORITY_BAND = 0;

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    DscpClassFilter();
    ~DscpClassFilter() override;

  private:
    int32_t DoClassify(Ptr<QueueDiscItem> item) const override;

    uint8_t m_dscp; //!< DSCP of the droppable class
};

} // namespace ns3

#endif // DSCP_CLASS_FILTER_H
