/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef STREAM_TRANSPORT_H
#define STREAM_TRANSPORT_H

#include "block-stream-reader.h"
#include "model-block-header.h"

#include "ns3/callback.h"
#include "ns3/ipv4-address.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/sequence-number.h"
#include "ns3/socket.h"
#include "ns3/traced-callback.h"

#include <deque>
#include <map>
#include <vector>

namespace ns3
{

class TcpHeader;
class TcpSocketBase;

/**
 * \ingroup dl-transport
 * Reliable transport of whole blocks over ns-3 TCP, for the baselines that pay for loss in
 * retransmission time (ring AllReduce, TCP parameter server). A message is a ModelBlockHeader
 * followed by header.m_count floats, framed on the byte stream. Each sender opens one connection
 * to each destination it sends to; messages from one sender arrive complete and in order.
 * TCP settings (congestion control, minimum RTO, delayed ACK, segment size) are attributes of
 * the transport and apply to its own sockets only: nothing node-wide or global changes. Every
 * segment's payload carries a JobTag.
 *
 * Traces: Tx and Rx per message (a block, as the algorithm sends it), SegmentTx per TCP segment
 * its sockets send, Retransmission per data segment that carries bytes sent before (fast
 * retransmit or timeout; found from the sequence numbers, so in every ns-3 release).
 */
class StreamTransport : public Object
{
  public:
    /** Callback for a received message: header and pointer to its header.m_count floats. */
    typedef Callback<void, const ModelBlockHeader&, const float*> ReceiveCallback;

    /**
     * TracedCallback signature for a message sent or received.
     * \param header the message's header (its m_count floats follow it on the stream)
     * \param peer the endpoint it goes to (Tx) or comes from (Rx)
     */
    typedef void (*MessageTracedCallback)(const ModelBlockHeader& header, uint32_t peer);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    StreamTransport();
    ~StreamTransport() override;

    /**
     * Bytes of an IP packet that are not TCP payload: IPv4 and TCP headers (20 + 20) and the
     * timestamp option (12 with padding) that ns-3 puts on every data segment by default.
     */
    static constexpr uint32_t TCP_IP_OVERHEAD = 52;

    /** Retries (SYN and data) before a connection is given up: a job never gives up a peer. */
    static constexpr uint32_t MAX_RETRIES = 1000;

    /**
     * Listen on \p node and learn the endpoints' addresses.
     * \param node this endpoint's node
     * \param self this endpoint's index
     * \param peers every endpoint's address, by index (own entry: this node's address)
     * \param job the TrainingJob id its segments are tagged with
     */
    void Setup(Ptr<Node> node, uint32_t self, const std::vector<Ipv4Address>& peers,
               uint64_t job = 0);

    /** \return true if \p tid names a TCP congestion control (usable as SocketType) */
    static bool IsCongestionControl(TypeId tid);

    /** Set the handler of received messages. */
    void SetReceiveCallback(ReceiveCallback cb);

    /** Queue one message (header and \p header.m_count floats from \p data) to \p dst. */
    void Send(uint32_t dst, const ModelBlockHeader& header, const float* data);

    /**
     * \return TCP segments this endpoint's sockets sent: data, pure ACKs, handshakes,
     *         retransmissions (the SegmentTx trace fires for each)
     */
    uint64_t GetSegmentsSent() const
    {
        return m_segments;
    }

    /**
     * Close every socket: at once where nothing is queued, otherwise once the queued messages are
     * handed to TCP (which delivers them before its FIN).
     */
    void Close();

  protected:
    void DoDispose() override;

  private:
    /** One outgoing connection and the bytes waiting for it. */
    struct Outgoing
    {
        Ptr<Socket> socket;        //!< the connection
        std::deque<uint8_t> bytes; //!< not yet accepted by the socket
        bool connected{false};     //!< handshake done
    };

    Ptr<Socket> CreateTcpSocket() const;
    Outgoing& Connection(uint32_t dst);
    void Flush(Ptr<Socket> socket, uint32_t available);
    void Connected(Ptr<Socket> socket);
    void ConnectFailed(Ptr<Socket> socket);
    bool AcceptRequest(Ptr<Socket> socket, const Address& from);
    void Accepted(Ptr<Socket> socket, const Address& from);
    void HandleRead(Ptr<Socket> socket);
    void OnSegmentSent(Ptr<const Packet> packet, const TcpHeader& header,
                       Ptr<const TcpSocketBase> s);
    /// A complete message came off a stream: trace it, hand it on.
    void OnMessage(const ModelBlockHeader& header, const float* data);

    uint16_t m_port;                               //!< TCP port on every endpoint
    uint8_t m_tos{0};                              //!< IPv4 ToS of the job's segments
    bool m_closing{false};                         //!< Close was called
    TypeId m_socketType;                           //!< congestion control
    Time m_minRto;                                 //!< minimum RTO (and SYN retry timeout)
    Time m_delAckTimeout;                          //!< delayed-ACK timeout
    uint32_t m_segmentSize{0};                     //!< attribute (0: from the MTU)
    uint32_t m_effectiveSegment{0};                //!< segment size in use
    uint64_t m_job{0};                             //!< job id for the JobTag
    Ptr<Node> m_node;                              //!< this endpoint's node
    uint32_t m_self{0};                            //!< this endpoint
    std::vector<Ipv4Address> m_peers;              //!< endpoint addresses
    Ptr<Socket> m_listener;                        //!< accepts incoming connections
    std::map<uint32_t, Outgoing> m_out;            //!< by destination
    std::map<Ptr<Socket>, BlockStreamReader> m_in; //!< framing, by accepted socket
    ReceiveCallback m_receive;                     //!< message handler
    ReceiveCallback m_onMessage;                   //!< OnMessage, for the stream readers
    std::vector<uint8_t> m_segmentBytes;           //!< reusable copy of one received packet
    uint64_t m_segments{0};                        //!< TCP segments sent
    /// Per sending socket: the sequence number after the last new byte sent.
    std::map<const TcpSocketBase*, SequenceNumber32> m_nextNew;
    /// Tx: a message queued for a peer.
    TracedCallback<const ModelBlockHeader&, uint32_t> m_txTrace;
    /// Rx: a complete message received from a peer.
    TracedCallback<const ModelBlockHeader&, uint32_t> m_rxTrace;
    /// Every TCP segment this endpoint's sockets send.
    TracedCallback<Ptr<const Packet>, const TcpHeader&, Ptr<const TcpSocketBase>> m_segmentTxTrace;
    /// A connection the node refused to open (no route, say).
    TracedCallback<uint32_t, Socket::SocketErrno> m_sendErrorTrace;
    /// A data segment that carries bytes already sent once.
    TracedCallback<Ptr<const Packet>, const TcpHeader&, Ptr<const TcpSocketBase>>
        m_retransmissionTrace;
};

} // namespace ns3

#endif // STREAM_TRANSPORT_H
