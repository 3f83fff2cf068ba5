/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef WEB_FLOW_SERVER_H
#define WEB_FLOW_SERVER_H

#include "web-flow-application.h"

#include <map>

namespace ns3
{

/**
 * \ingroup distributed-learning
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

    void StartApplication() override;
    void StopApplication() override;
    bool AcceptRequest(Ptr<Socket> socket, const Address& from);
    void Accepted(Ptr<Socket> socket, const Address& from);
    void HandleRead(Ptr<Socket> socket);
    /// Hand TCP as much of the response as it takes; close once all of it is queued.
    void Respond(Ptr<Socket> socket, uint32_t available);

    Ptr<Socket> m_listener;                          //!< the listening socket
    std::map<Ptr<Socket>, Connection> m_connections; //!< open connections
};

} // namespace ns3

#endif // WEB_FLOW_SERVER_H
