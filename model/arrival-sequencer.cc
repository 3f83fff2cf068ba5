/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "arrival-sequencer.h"

#include "canonical-scheduler.h"

#include "ns3/abort.h"
#include "ns3/arp-l3-protocol.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/make-event.h"
#include "ns3/node.h"
#include "ns3/simulator.h"
#include "ns3/traffic-control-layer.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ArrivalSequencer");

NS_OBJECT_ENSURE_REGISTERED(ArrivalSequencer);

TypeId
ArrivalSequencer::GetTypeId()
{
    static TypeId tid = TypeId("ns3::ArrivalSequencer")
                            .SetParent<Object>()
                            .SetGroupName("DistributedLearning")
                            .AddConstructor<ArrivalSequencer>();
    return tid;
}

ArrivalSequencer::ArrivalSequencer()
{
    NS_LOG_FUNCTION(this);
}

ArrivalSequencer::~ArrivalSequencer()
{
    NS_LOG_FUNCTION(this);
}

void
ArrivalSequencer::Install(Ptr<Node> node)
{
    NS_LOG_FUNCTION(this << node->GetId());
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    m_tc = node->GetObject<TrafficControlLayer>();
    NS_ABORT_MSG_UNLESS(ipv4 && m_tc,
                        "ArrivalSequencer: node " << node->GetId() << " has no Internet stack");
    NS_ABORT_MSG_IF(node->GetObject<ArrivalSequencer>(),
                    "ArrivalSequencer: node " << node->GetId() << " has one already");
    node->AggregateObject(this); // lives as long as the node, which calls it
    // ns-3's stack registers its traffic-control layer for IPv4 and ARP on every device with an
    // interface; the sequencer takes those places (the loopback device delivers to IPv4 itself).
    // (UnregisterProtocolHandler removes one registration per call: two per device.)
    for (uint32_t i = 0; i < 2 * node->GetNDevices(); ++i)
    {
        node->UnregisterProtocolHandler(MakeCallback(&TrafficControlLayer::Receive, m_tc));
    }
    for (uint32_t i = 0; i < node->GetNDevices(); ++i)
    {
        Ptr<NetDevice> device = node->GetDevice(i);
        const int32_t interface = ipv4->GetInterfaceForDevice(device);
        if (interface < 0 || device == ipv4->GetNetDevice(0))
        {
            continue;
        }
        for (uint16_t protocol : {Ipv4L3Protocol::PROT_NUMBER, ArpL3Protocol::PROT_NUMBER})
        {
            node->RegisterProtocolHandler(MakeCallback(&ArrivalSequencer::Receive, this), protocol,
                                          device);
        }
    }
}

void
ArrivalSequencer::Receive(Ptr<NetDevice> device, Ptr<const Packet> packet, uint16_t protocol,
                          const Address& from, const Address& to, NetDevice::PacketType type)
{
    m_pending.push_back(Arrival{device->GetIfIndex(), device, packet, protocol, from, to, type});
    if (!m_deliveryScheduled)
    {
        m_deliveryScheduled = true;
        EventImpl* deliver = MakeEvent(&ArrivalSequencer::Deliver, this);
        CanonicalScheduler::MarkLate(deliver);
        Simulator::ScheduleWithContext(device->GetNode()->GetId(), Time(0), deliver);
    }
}

void
ArrivalSequencer::Deliver()
{
    m_deliveryScheduled = false;
    // Swapped with a buffer kept for it, so that neither reallocates instant after instant.
    std::vector<Arrival>& arrivals = m_delivering;
    arrivals.swap(m_pending);
    // One packet per device and instant on a point-to-point link; stable for the others.
    std::stable_sort(arrivals.begin(), arrivals.end(),
                     [](const Arrival& a, const Arrival& b) { return a.ifIndex < b.ifIndex; });
    NS_LOG_LOGIC(arrivals.size() << " packets at " << Simulator::Now());
    for (const Arrival& a : arrivals)
    {
        m_tc->Receive(a.device, a.packet, a.protocol, a.from, a.to, a.type);
    }
    arrivals.clear();
}

void
ArrivalSequencer::DoDispose()
{
    m_pending.clear();
    m_delivering.clear();
    m_tc = nullptr;
    Object::DoDispose();
}

} // namespace ns3
