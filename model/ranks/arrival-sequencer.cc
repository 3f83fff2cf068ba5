/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "arrival-sequencer.h"

#include "canonical-scheduler.h"

#include "ns3/abort.h"
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
    // Each device with an IPv4 interface hands its packets here instead of to the node's
    // protocol handlers (the loopback device delivers to IPv4 itself). This also takes over a
    // fabric switch's ports, which FabricHelper points straight at IPv4.
    for (uint32_t i = 0; i < node->GetNDevices(); ++i)
    {
        Ptr<NetDevice> device = node->GetDevice(i);
        const int32_t interface = ipv4->GetInterfaceForDevice(device);
        if (interface < 0 || device == ipv4->GetNetDevice(0))
        {
            continue;
        }
        device->SetReceiveCallback(MakeCallback(&ArrivalSequencer::ReceiveFromDevice, this));
    }
}

bool
ArrivalSequencer::ReceiveFromDevice(Ptr<NetDevice> device, Ptr<const Packet> packet,
                                    uint16_t protocol, const Address& from)
{
    // What Node::ReceiveFromDevice would pass on for a frame the device accepted.
    Receive(device, packet, protocol, from, device->GetAddress(), NetDevice::PACKET_HOST);
    return true;
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
