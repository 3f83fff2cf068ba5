/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef JOB_DROP_COUNTER_H
#define JOB_DROP_COUNTER_H

#include "ns3/ipv4-l3-protocol.h"
#include "ns3/net-device-container.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

namespace ns3
{

class Packet;
class QueueDiscItem;

/**
 * \ingroup dl-job
 * Counts one training job's packets lost in the network, once each, where they were lost: a
 * receive error model or a corrupt frame (the device's PhyRxDrop), a full device queue (its
 * TxQueue's Drop), a full root queue disc, or the traffic-control layer of a device without a
 * queue disc whose device queue is stopped (the node's TrafficControlLayer TcDrop: the usual
 * congestion drop on a switch port with flow control and no queue disc; ns-3.35 drops these
 * without a trace, so there they are not counted). Packets are told apart by their JobTag: other
 * traffic's and other jobs' drops are never counted.
 *
 * On a shared medium (CSMA) every NIC sees every frame and its receive error model draws for
 * each: a frame is counted only at the device it was addressed to (its Ethernet destination),
 * so a drop is counted once, for its receiver, and never for a NIC that only overheard it.
 */
class JobDropCounter : public Object
{
  public:
    /** Where a packet was lost. */
    enum Where : uint8_t
    {
        RECEIVE = 0,         //!< the receiving device (error model, corrupt or disabled)
        DEVICE_QUEUE = 1,    //!< the sending device's full queue
        QUEUE_DISC = 2,      //!< a root queue disc
        TRAFFIC_CONTROL = 3, //!< the traffic-control layer (device queue stopped, no queue disc)
        INTERFACE_DOWN = 4,  //!< the IPv4 layer of a node whose interface is down (a crash)
    };

    /**
     * TracedCallback signature for a counted drop.
     * \param packet the packet (as the dropping layer saw it: with link or IP headers)
     * \param where where it was lost
     */
    typedef void (*DropTracedCallback)(Ptr<const Packet> packet, Where where);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    JobDropCounter();
    ~JobDropCounter() override;

    /** \param job the TrainingJob id whose packets are counted */
    void SetJob(uint64_t job);

    /**
     * Count the job's drops on these devices and on the traffic-control layers of their nodes
     * (each node once, however many of its devices are watched). Any device type: one
     * without these traces counts nothing (Wi-Fi retries and drops inside its MAC). Watching a
     * device twice counts its drops once.
     */
    void WatchDevices(const NetDeviceContainer& devices);

    /**
     * Count the job's packets that reach \p node's IPv4 layer on an interface that is down (a
     * crashed worker's). Each node once.
     */
    void WatchIpv4(Ptr<Node> node);

    /** \return the job's packets dropped so far */
    uint64_t GetDropped() const
    {
        return m_dropped;
    }

    /**
     * \param time a simulated time, in time steps
     * \return the job's packets dropped strictly before \p time: the same whichever events
     *         share that instant
     */
    uint64_t GetDroppedBefore(int64_t time) const;

    /** Forget the history before \p time (GetDroppedBefore is asked only of later times). */
    void ForgetBefore(int64_t time);

  protected:
    void DoDispose() override;

  private:
    void OnReceiveDrop(std::string context, Ptr<const Packet> packet);
    void OnQueueDrop(Ptr<const Packet> packet);
    void OnQueueDiscDrop(Ptr<const QueueDiscItem> item);
    void OnTrafficControlDrop(Ptr<const Packet> packet);
    void OnIpv4Drop(const Ipv4Header& header, Ptr<const Packet> packet,
                    Ipv4L3Protocol::DropReason reason, Ptr<Ipv4> ipv4, uint32_t interface);
    /// Count \p packet if it is the job's.
    void Count(Ptr<const Packet> packet, Where where);
    /** A watched device. */
    struct Receiver
    {
        Ptr<NetDevice> device; //!< the device
        bool sharedMedium;     //!< a CSMA NIC: it hears (and drops) frames not addressed to it
    };

    /// \return true if the frame \p packet that \p receiver dropped was addressed to it
    static bool AddressedTo(Ptr<const Packet> packet, const Receiver& receiver);

    uint64_t m_job{0};                                    //!< the job counted
    uint64_t m_dropped{0};                                //!< its drops so far
    std::vector<std::pair<int64_t, uint64_t>> m_history;  //!< (time, drops up to it), rising
    std::vector<Receiver> m_receivers;                    //!< watched devices, by trace context
    std::set<Ptr<NetDevice>> m_watched;                   //!< the same, for look-up
    std::set<uint32_t> m_nodes;                           //!< nodes whose TC layer is watched
    std::set<uint32_t> m_ipv4Nodes;                       //!< nodes whose IPv4 layer is watched
    TracedCallback<Ptr<const Packet>, Where> m_dropTrace; //!< a counted drop
};

} // namespace ns3

#endif // JOB_DROP_COUNTER_H
