/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef WEB_FLOW_APPLICATION_H
#define WEB_FLOW_APPLICATION_H

#include "ns3/application.h"
#include "ns3/callback.h"
#include "ns3/nstime.h"
#include "ns3/socket.h"

/**
 * \defgroup dl-web Web traffic
 * \ingroup distributed-learning
 * Latency-sensitive request/response traffic beside the learning job.
 */

namespace ns3
{

/**
 * \ingroup dl-web
 * What the two ends of the latency-sensitive request/response traffic share: the port and the
 * TCP settings of their sockets. A request is REQUEST_SIZE bytes, the response size the client
 * asks for (big-endian); the server answers with that many bytes and closes.
 */
class WebFlowApplication : public Application
{
  public:
    /** Bytes of a request: the response size, big-endian. */
    static constexpr uint32_t REQUEST_SIZE = 8;

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    WebFlowApplication();
    ~WebFlowApplication() override;

  protected:
    /** \return a TCP socket on this node with this application's settings */
    Ptr<Socket> CreateSocket() const;

    /**
     * Call \p onTimeout at each retransmission timeout of \p socket: each time TCP enters its
     * loss state (the state an RTO of data puts it in; fast retransmit does not), and each
     * time it sends its SYN again (a lost SYN or SYN-ACK: the connection timer). Further RTOs
     * of one loss episode, before an ACK takes TCP out of it, are not counted again: a flow
     * with at least one is a flow that waited out at least the minimum RTO (or ConnTimeout).
     * \param socket a TCP socket (ns-3's TcpSocketBase)
     * \param onTimeout what to call
     * \param connecting true for the end that sends the SYN (the client): only there are SYNs
     *        watched, since that costs a call per segment sent
     */
    static void WatchTimeouts(Ptr<Socket> socket, Callback<void> onTimeout, bool connecting);

    uint16_t m_port;        //!< the servers' port
    uint32_t m_segmentSize; //!< TCP payload per segment
    Time m_minRto;          //!< minimum retransmission timeout
    Time m_delAckTimeout;   //!< delayed-ACK timeout
    Time m_msl;             //!< maximum segment lifetime (TIME_WAIT is twice it)
};

} // namespace ns3

#endif // WEB_FLOW_APPLICATION_H
