/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef WEB_TRAFFIC_HELPER_H
#define WEB_TRAFFIC_HELPER_H

#include "ns3/application-container.h"
#include "ns3/data-rate.h"
#include "ns3/flow-size-cdf.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"
#include "ns3/web-flow-client.h"
#include "ns3/web-flow-server.h"

#include <memory>
#include <vector>

namespace ns3
{

/**
 * \ingroup distributed-learning
 * Latency-sensitive request/response traffic among a set of hosts, for studying what other
 * traffic (a training job) does to it: every host runs a WebFlowServer and a WebFlowClient;
 * each client's flows ask the other hosts, uniformly, for responses sized by a flow-size CDF,
 * at Poisson arrivals whose mean load on a host's access link is the chosen fraction of its
 * rate. Composes like ns-3's application helpers: Install returns the applications, to start
 * and stop as usual (a client that stops starts no new flows; open ones complete).
 */
class WebTrafficHelper
{
  public:
    WebTrafficHelper();

    /** \param sizes the response-size distribution (default: FlowSizeCdf::WebSearch) */
    void SetFlowSizes(const FlowSizeCdf& sizes);

    /**
     * \param load mean load of each host's access link by the responses it receives, in (0, 1)
     * \param rate the access link's rate
     */
    void SetLoad(double load, DataRate rate);

    /** Set an attribute of every WebFlowClient (e.g. "MinRto"). */
    void SetClientAttribute(const std::string& name, const AttributeValue& value);

    /** Set an attribute of every WebFlowServer. */
    void SetServerAttribute(const std::string& name, const AttributeValue& value);

    /**
     * Install a server and a client on each of \p hosts (at least two, with IPv4).
     * \return the servers and clients
     */
    ApplicationContainer Install(NodeContainer hosts);

    /**
     * \return the flows of every client installed, client by client, in arrival order; each
     * flow's timeouts are those at both ends of its connection
     */
    std::vector<WebFlowClient::Flow> GetFlows() const;

    /** \return the mean flow arrivals per second at each client */
    double GetArrivalRate() const;

    /**
     * Use fixed random streams for the clients.
     * \param stream the first stream
     * \return the streams used
     */
    int64_t AssignStreams(int64_t stream);

    /**
     * The FCT of a flow alone on an idle path: the handshake and the request (two round trips
     * of propagation) and the response's bytes on the wire, headers included, at \p rate.
     * \param bytes response bytes
     * \param rate the path's bottleneck rate
     * \param rtt the path's round-trip propagation delay
     * \param segmentSize TCP payload per segment
     * \return the ideal FCT (slowdown = FCT / ideal)
     */
    static Time IdealFct(uint64_t bytes, DataRate rate, Time rtt, uint32_t segmentSize = 1448);

  private:
    std::shared_ptr<const FlowSizeCdf> m_sizes; //!< response sizes
    double m_load{0.3};                         //!< access-link load
    DataRate m_rate{"10Gbps"};                  //!< access-link rate
    ObjectFactory m_client;                     //!< WebFlowClient
    ObjectFactory m_server;                     //!< WebFlowServer
    std::vector<Ptr<WebFlowClient>> m_clients;  //!< installed clients
    std::vector<Ptr<WebFlowServer>> m_servers;  //!< installed servers
};

} // namespace ns3

#endif // WEB_TRAFFIC_HELPER_H
