/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef WEB_FLOW_SERVER_H
#define WEB_FLOW_SERVER_H

#include "web-flow-application.h"

#include "ns3/ipv4-address.h"

#include <map>
#include <vector>

namespace ns3
{

/**
 * \ingroup dl-web
 * The server end of the latency-sensitive traffic: answers each request (a response size) on
 * its connection with that many bytes, then closes it.
 */
class WebFlowServer : public WebFlowApplication
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    WebFlowServer();
    ~WebFlowServer() override;

    /**
     * Retransmission timeouts at this end of a connection (see WatchTimeouts): the response's
     * data is sent from here, so most of a flow's timeouts are counted here.
     * \param client the client's address
     * \param port the client's port
     * \param after the flow's start: the first connection from that address and port accepted
     *        at or after it is the flow's (a port may be reused by a later flow)
     * \return the timeouts of that connection (0 if none was accepted)
     */
    uint32_t GetTimeouts(Ipv4Address client, uint16_t port, Time after) const;

  protected:
    void DoDispose() override;

  private:
    /** One accepted connection. */
    struct Connection
    {
        uint8_t request[REQUEST_SIZE]; //!< the request so far
        uint32_t requestBytes{0};      //!< its bytes received
        uint64_t left{0};              //!< response bytes still to hand to TCP
    };

    /** When a connection was accepted, and the timeouts at this end of it (m_byClient says
     *  whose it is). */
    struct AcceptedConnection
    {
        Time time;         //!< when it was accepted
        uint32_t timeouts; //!< retransmission timeouts at this end
    };

    void StartApplication() override;
    void StopApplication() override;
    bool AcceptRequest(Ptr<Socket> socket, const Address& from);
    void Accepted(Ptr<Socket> socket, const Address& from);
    void HandleRead(Ptr<Socket> socket);
    /// Count a timeout on \p server's accepted connection \p index (bound, as a trace sink).
    static void CountTimeout(WebFlowServer* server, size_t index);
    /// Hand TCP as much of the response as it takes; close once all of it is queued.
    void Respond(Ptr<Socket> socket, uint32_t available);

    Ptr<Socket> m_listener;                                          //!< the listening socket
    std::map<Ptr<Socket>, Connection> m_connections;                 //!< open connections
    std::multimap<std::pair<uint32_t, uint16_t>, size_t> m_byClient; //!< (address, port): index
    std::vector<AcceptedConnection> m_accepted; //!< every accepted connection, in order
};

} // namespace ns3

#endif // WEB_FLOW_SERVER_H
