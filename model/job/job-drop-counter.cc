/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "job-drop-counter.h"

#include "ns3/job-tag.h"

#include "ns3/ethernet-header.h"
#include "ns3/log.h"
#include "ns3/mac48-address.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/queue-disc.h"
#include "ns3/simulator.h"
#include "ns3/traffic-control-layer.h"

#include <algorithm>
#include <string>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("JobDropCounter");

NS_OBJECT_ENSURE_REGISTERED(JobDropCounter);

TypeId
JobDropCounter::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::JobDropCounter")
              .SetParent<Object>()
              .SetGroupName("DistributedLearning")
              .AddConstructor<JobDropCounter>()
              .AddTraceSource("Drop",
                              "One of the job's packets was lost in the network (counted once, "
                              "where it was lost): the packet and where.",
                              MakeTraceSourceAccessor(&JobDropCounter::m_dropTrace),
                              "ns3::JobDropCounter::DropTracedCallback");
    return tid;
}

JobDropCounter::JobDropCounter() = default;

JobDropCounter::~JobDropCounter() = default;

void
JobDropCounter::SetJob(uint64_t job)
{
    m_job = job;
}

void
JobDropCounter::WatchDevices(const NetDeviceContainer& devices)
{
    NS_LOG_FUNCTION(this << devices.GetN());
    for (auto it = devices.Begin(); it != devices.End(); ++it)
    {
        Ptr<NetDevice> dev = *it;
        if (!m_watched.insert(dev).second)
        {
            continue;
        }
        // Receive-side error models and corrupt frames (point-to-point, CSMA). The context is
        // the device's index here, so that a shared medium's drop can be checked against the
        // frame's destination.
        // Whether its frames need the destination check is known now, not at every drop.
        TypeId csma;
        const TypeId type = dev->GetInstanceTypeId();
        const bool shared = !dev->IsPointToPoint()
                            && TypeId::LookupByNameFailSafe("ns3::CsmaNetDevice", &csma)
                            && (type == csma || type.IsChildOf(csma));
        m_receivers.push_back({dev, shared});
        dev->TraceConnect("PhyRxDrop", std::to_string(m_receivers.size() - 1),
                          MakeCallback(&JobDropCounter::OnReceiveDrop, this));
        // A full device queue drops through the queue.
        PointerValue queue;
        if (dev->GetAttributeFailSafe("TxQueue", queue) && queue.Get<Object>())
        {
            queue.Get<Object>()->TraceConnectWithoutContext(
                "Drop", MakeCallback(&JobDropCounter::OnQueueDrop, this));
        }
        Ptr<TrafficControlLayer> tc = dev->GetNode()->GetObject<TrafficControlLayer>();
        if (!tc)
        {
            continue;
        }
        // A full queue disc in front of the device (the user's, or ns-3's default one).
        if (Ptr<QueueDisc> disc = tc->GetRootQueueDiscOnDevice(dev))
        {
            disc->TraceConnectWithoutContext("Drop",
                                             MakeCallback(&JobDropCounter::OnQueueDiscDrop, this));
        }
        // No queue disc and a stopped device queue: the traffic-control layer drops (one trace
        // per node; ns-3.35 has none).
        if (m_nodes.insert(dev->GetNode()->GetId()).second)
        {
            const bool traced = tc->TraceConnectWithoutContext(
                "TcDrop", MakeCallback(&JobDropCounter::OnTrafficControlDrop, this));
            NS_LOG_LOGIC("node " << dev->GetNode()->GetId() << ": traffic-control drops "
                                 << (traced ? "traced" : "not traceable in this ns-3"));
        }
    }
}

void
JobDropCounter::WatchIpv4(Ptr<Node> node)
{
    NS_LOG_FUNCTION(this << node->GetId());
    Ptr<Ipv4L3Protocol> ip = node->GetObject<Ipv4L3Protocol>();
    if (ip && m_ipv4Nodes.insert(node->GetId()).second)
    {
        ip->TraceConnectWithoutContext("Drop", MakeCallback(&JobDropCounter::OnIpv4Drop, this));
    }
}

void
JobDropCounter::OnIpv4Drop(const Ipv4Header&, Ptr<const Packet> packet,
                           Ipv4L3Protocol::DropReason reason, Ptr<Ipv4>, uint32_t)
{
    if (reason == Ipv4L3Protocol::DROP_INTERFACE_DOWN && JobTag::IsFromJob(packet, m_job))
    {
        Count(packet, INTERFACE_DOWN);
    }
}

bool
JobDropCounter::AddressedTo(Ptr<const Packet> packet, const Receiver& receiver)
{
    // A CSMA NIC draws its error model for every frame on the wire, before its MAC filter;
    // other devices (point-to-point; no frame format known here) report their own frames.
    if (!receiver.sharedMedium)
    {
        return true;
    }
    Ptr<NetDevice> device = receiver.device;
    EthernetHeader header(false);
    if (packet->PeekHeader(header) < header.GetSerializedSize())
    {
        return true;
    }
    const Mac48Address to = header.GetDestination();
    return to.IsBroadcast() || to.IsGroup()
           || to == Mac48Address::ConvertFrom(device->GetAddress());
}

void
JobDropCounter::OnReceiveDrop(std::string context, Ptr<const Packet> packet)
{
    if (!JobTag::IsFromJob(packet, m_job))
    {
        return;
    }
    if (AddressedTo(packet, m_receivers.at(std::stoul(context))))
    {
        Count(packet, RECEIVE);
    }
}

void
JobDropCounter::OnQueueDrop(Ptr<const Packet> packet)
{
    if (JobTag::IsFromJob(packet, m_job))
    {
        Count(packet, DEVICE_QUEUE);
    }
}

void
JobDropCounter::OnQueueDiscDrop(Ptr<const QueueDiscItem> item)
{
    if (JobTag::IsFromJob(item->GetPacket(), m_job))
    {
        Count(item->GetPacket(), QUEUE_DISC);
    }
}

void
JobDropCounter::OnTrafficControlDrop(Ptr<const Packet> packet)
{
    if (JobTag::IsFromJob(packet, m_job))
    {
        Count(packet, TRAFFIC_CONTROL);
    }
}

void
JobDropCounter::Count(Ptr<const Packet> packet, Where where)
{
    NS_LOG_LOGIC("job " << m_job << " lost a packet, where " << int(where));
    ++m_dropped;
    const int64_t now = Simulator::Now().GetTimeStep();
    if (m_history.empty() || m_history.back().first != now)
    {
        m_history.emplace_back(now, m_dropped);
    }
    else
    {
        m_history.back().second = m_dropped;
    }
    m_dropTrace(packet, where);
}

uint64_t
JobDropCounter::GetDroppedBefore(int64_t time) const
{
    auto it
        = std::lower_bound(m_history.begin(), m_history.end(), std::make_pair(time, uint64_t(0)));
    return it == m_history.begin() ? 0 : std::prev(it)->second;
}

void
JobDropCounter::ForgetBefore(int64_t time)
{
    // Keep the last entry before \p time: it holds the count up to it.
    auto it
        = std::lower_bound(m_history.begin(), m_history.end(), std::make_pair(time, uint64_t(0)));
    if (it != m_history.begin())
    {
        m_history.erase(m_history.begin(), std::prev(it));
    }
}

void
JobDropCounter::DoDispose()
{
    m_receivers.clear();
    m_watched.clear();
    Object::DoDispose();
}

} // namespace ns3
