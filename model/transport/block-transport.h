/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef BLOCK_TRANSPORT_H
#define BLOCK_TRANSPORT_H

#include "model-block-header.h"
#include "ns3/block-partition.h"

#include "ns3/callback.h"
#include "ns3/inet-socket-address.h"
#include "ns3/node.h"
#include "ns3/object.h"
#include "ns3/socket.h"
#include "ns3/traced-callback.h"

#include <vector>

#include <memory>

/**
 * \defgroup dl-transport Transports
 * \ingroup distributed-learning
 * How model blocks travel: the block header, UDP block transport, TCP streams, job tags.
 */

namespace ns3
{

/**
 * \ingroup dl-transport
 * Moves slices of a flat float vector between workers over UDP, one chunk per packet, with a
 * ModelBlockHeader in front of the real float bytes (IEEE-754, host byte order: every simulated
 * host runs the same binary). Nothing is retransmitted.
 *
 * On receipt the header is checked against the BlockPartition: a malformed header, an unknown
 * source, a block or chunk out of range, or a slice or payload size that does not match the
 * partition is dropped and counted, never handed on. Valid chunks are passed to the receive
 * callback as a pointer into a reusable buffer (no per-packet allocation here).
 */
class BlockTransport : public Object
{
  public:
    /** Why a received packet was not handed on. */
    enum DropReason
    {
        MALFORMED_HEADER, //!< too short, bad magic/version/fields
        BAD_SLICE,        //!< source, block, chunk, offset or count inconsistent with the partition
        BAD_PAYLOAD       //!< payload size differs from the header's float count
    };

    /** Callback for a valid chunk or end marker: header and pointer to its header.m_count floats.
     */
    typedef Callback<void, const ModelBlockHeader&, const float*> ReceiveCallback;

    /** TracedCallback signature for a dropped packet. */
    typedef void (*DropTracedCallback)(Ptr<const Packet> packet, DropReason reason);

    /**
     * TracedCallback signature for a send the node refused (no route to the peer, say).
     * \param peer the endpoint the packet or connection was for
     * \param error the socket's errno
     */
    typedef void (*SendErrorTracedCallback)(uint32_t peer, Socket::SocketErrno error);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    BlockTransport();
    ~BlockTransport() override;

    /**
     * Open the UDP socket on \p node and learn the peers.
     * \param node the worker's node
     * \param self this worker's index
     * \param peers address of every worker, indexed by worker (own entry unused)
     * \param partition how the vector is cut (shared by all workers)
     * \param job the TrainingJob id every packet is tagged with (JobTag)
     */
    void Setup(Ptr<Node> node, uint32_t self, const std::vector<Ipv4Address>& peers,
               std::shared_ptr<const dl::BlockPartition> partition, uint64_t job = 0);

    /** \return the id of the job whose packets this transport carries */
    uint64_t GetJob() const
    {
        return m_job;
    }

    /** Set the handler of valid chunks. */
    void SetReceiveCallback(ReceiveCallback cb);

    /**
     * Send every chunk of block \p block to worker \p dst, then an end marker.
     * \param blockData the block's floats (host memory, from the block's first float)
     */
    void SendBlock(uint32_t dst, ModelBlockHeader::Phase phase, ModelBlockHeader::Kind kind,
                   uint32_t round, uint32_t block, const float* blockData);

    /**
     * Check one received datagram (header and payload) and hand a valid chunk or end marker to
     * the receive callback; anything else is counted and traced as rejected. The socket calls
     * it for every datagram; tests and the fuzzer call it directly.
     * \param packet the datagram as received (its header is removed)
     */
    void Receive(Ptr<Packet> packet);

    /** Close the socket. */
    void Close();

    /**
     * \param mtu the IP MTU in bytes
     * \return the floats that fit one packet after IPv4, UDP and ModelBlockHeader headers
     */
    static uint32_t FloatsPerPacket(uint32_t mtu);

    /** \return the node this transport sends from */
    Ptr<Node> GetNode() const
    {
        return m_node;
    }

    /** \return every endpoint's address, by index */
    const std::vector<Ipv4Address>& GetPeerAddresses() const
    {
        return m_addresses;
    }

    /** \return the number of endpoints (workers, and a server if any) */
    uint32_t GetPeerCount() const
    {
        return uint32_t(m_peers.size());
    }

    /** \return packets sent */
    uint64_t GetPacketsSent() const
    {
        return m_sent;
    }

    /** \return packets received and handed on */
    uint64_t GetPacketsDelivered() const
    {
        return m_delivered;
    }

    /** \return packets received and dropped as malformed or inconsistent */
    uint64_t GetPacketsRejected() const
    {
        return m_rejected;
    }

  protected:
    void DoDispose() override;

  private:
    /// Socket receive handler.
    void HandleRead(Ptr<Socket> socket);
    /// A packet holding these bytes, with room in front for every header below the payload.
    Ptr<Packet> MakePayload(const float* floats, uint32_t count);
    /// Add the header, trace, send and count one packet.
    void SendPacket(uint32_t dst, Ptr<Packet> p, const ModelBlockHeader& h);
    /// Count and trace a rejected packet.
    void Reject(Ptr<const Packet> packet, DropReason reason);

    uint16_t m_port;                                       //!< UDP port on every worker
    uint8_t m_tos{0};                                      //!< IPv4 ToS of the job's packets
    uint32_t m_self{0};                                    //!< this worker
    uint64_t m_job{0};                                     //!< job id for the JobTag
    Ptr<Socket> m_socket;                                  //!< the UDP socket
    std::vector<InetSocketAddress> m_peers;                //!< endpoint addresses and port
    std::vector<Ipv4Address> m_addresses;                  //!< endpoint addresses
    Ptr<Node> m_node;                                      //!< this endpoint's node
    std::shared_ptr<const dl::BlockPartition> m_partition; //!< the cut of the vector
    ReceiveCallback m_receive;                             //!< valid-chunk handler
    std::vector<float> m_rxFloats;                         //!< reusable receive buffer
    std::vector<uint8_t> m_txBytes;                        //!< headroom and one chunk, to send
    uint64_t m_sent{0};                                    //!< packets sent
    uint64_t m_delivered{0};                               //!< packets handed on
    uint64_t m_rejected{0};                                //!< packets rejected

    TracedCallback<Ptr<const Packet>> m_txTrace;                    //!< packet sent
    TracedCallback<Ptr<const Packet>> m_rxTrace;                    //!< valid packet received
    TracedCallback<Ptr<const Packet>, DropReason> m_dropTrace;      //!< packet rejected
    TracedCallback<uint32_t, Socket::SocketErrno> m_sendErrorTrace; //!< send refused
};

} // namespace ns3

#endif // BLOCK_TRANSPORT_H
