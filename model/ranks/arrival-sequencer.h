/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef ARRIVAL_SEQUENCER_H
#define ARRIVAL_SEQUENCER_H

#include "ns3/address.h"
#include "ns3/net-device.h"
#include "ns3/object.h"
#include "ns3/packet.h"

#include <vector>

namespace ns3
{

class TrafficControlLayer;

/**
 * \ingroup dl-ranks
 * Hands a node's packets of one instant to its Internet stack in the order of
 * the devices they arrived on, after the node's own events of that instant, whatever order the
 * simulator delivered them in. With a CanonicalScheduler, this makes a node's behaviour at an
 * instant where packets arrive on several ports (a switch) or a packet and a timer coincide (a
 * host) the same in a sequential run and in one split over ranks.
 *
 * It stands between the node's devices and its TrafficControlLayer (where ns-3's Internet stack
 * registers itself): the devices' receive callbacks point at it, so install it after the stack
 * and the devices' addresses. A protocol handler registered on the node itself (a PacketSocket,
 * say) then sees none of those devices' packets.
 */
class ArrivalSequencer : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    ArrivalSequencer();
    ~ArrivalSequencer() override;

    /**
     * Take over the delivery of \p node's packets from its devices (those with an IPv4
     * interface). Aborts if the node has no Internet stack.
     * \param node the node
     */
    void Install(Ptr<Node> node);

  protected:
    void DoDispose() override;

  private:
    /// One packet waiting for the end of its instant.
    struct Arrival
    {
        uint32_t ifIndex;           //!< its device's index on the node
        Ptr<NetDevice> device;      //!< the device
        Ptr<const Packet> packet;   //!< the packet
        uint16_t protocol;          //!< its protocol number
        Address from;               //!< sender's address
        Address to;                 //!< destination address
        NetDevice::PacketType type; //!< for us, broadcast, ...
    };

    /// A device's receive callback: on to Receive, as the node would pass it.
    bool ReceiveFromDevice(Ptr<NetDevice> device, Ptr<const Packet> packet, uint16_t protocol,
                           const Address& from);
    /// Set the packet aside until the instant's late event.
    void Receive(Ptr<NetDevice> device, Ptr<const Packet> packet, uint16_t protocol,
                 const Address& from, const Address& to, NetDevice::PacketType type);
    /// Deliver the instant's packets, device by device.
    void Deliver();

    Ptr<TrafficControlLayer> m_tc;     //!< where the packets go
    std::vector<Arrival> m_pending;    //!< this instant's packets
    std::vector<Arrival> m_delivering; //!< the packets being delivered
    bool m_deliveryScheduled{false};   //!< a Deliver is due at this instant
};

} // namespace ns3

#endif // ARRIVAL_SEQUENCER_H
