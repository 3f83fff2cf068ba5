/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef WEB_FLOW_CLIENT_H
#define WEB_FLOW_CLIENT_H

#include "flow-size-cdf.h"
#include "web-flow-application.h"

#include "ns3/event-id.h"
#include "ns3/ipv4-address.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <map>
#include <memory>
#include <vector>

namespace ns3
{

/**
 * \ingroup dl-web
 * The client end of the latency-sensitive traffic: flows arrive as a Poisson process while the
 * application runs; each asks a server chosen uniformly at random for a response whose size is
 * drawn from the flow-size CDF, over a new TCP connection. A flow's completion time (FCT) runs
 * from its arrival (before the handshake) to the last response byte. Flows still open when the
 * simulation ends are kept as incomplete, never dropped from the record.
 */
class WebFlowClient : public WebFlowApplication
{
  public:
    /** One flow. */
    struct Flow
    {
        uint32_t id{0};       //!< sequence number at this client
        uint32_t client{0};   //!< the client's node id
        Ipv4Address server;   //!< the server asked
        uint64_t size{0};     //!< response bytes
        uint64_t received{0}; //!< response bytes received
        Time start;           //!< arrival
        Time finish;          //!< last byte received (if complete)
        bool complete{false}; //!< all bytes received
        uint16_t port{0};     //!< the client's port
        /// retransmission timeouts of the flow's connection (WebFlowApplication::WatchTimeouts):
        /// this end's (its SYN, the request); WebTrafficHelper::GetFlows adds the server's
        uint32_t timeouts{0};
    };

    /**
     * TracedCallback signature for a completed flow.
     * \param size response bytes
     * \param fct flow completion time
     */
    typedef void (*FlowCompletedTracedCallback)(uint64_t size, Time fct);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    WebFlowClient();
    ~WebFlowClient() override;

    /** \param servers the servers to ask (not this node's own address) */
    void SetServers(std::vector<Ipv4Address> servers);

    /** \param sizes the response-size distribution (shared, read-only) */
    void SetFlowSizes(std::shared_ptr<const FlowSizeCdf> sizes);

    /**
     * Start no more flows from now on (open ones run to completion): an application's stop
     * time only counts when it is set before the simulation starts.
     */
    void StopArrivals();

    /** \return flows started and neither complete nor failed to connect */
    size_t GetOpenFlows() const
    {
        return m_open.size();
    }

    /** \return every flow started, complete or not, in arrival order */
    const std::vector<Flow>& GetFlows() const
    {
        return m_flows;
    }

    /**
     * Use fixed random streams.
     * \param stream the first stream
     * \return the streams used (2)
     */
    int64_t AssignStreams(int64_t stream);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;
    /// A flow arrives; the next arrival is scheduled.
    void Arrive();
    void Connected(Ptr<Socket> socket);
    void ConnectFailed(Ptr<Socket> socket);
    void HandleRead(Ptr<Socket> socket);
    /// Count a timeout on \p client's flow \p index (bound, as a trace sink).
    static void CountTimeout(WebFlowClient* client, size_t index);

    double m_arrivalRate;                            //!< flows per second
    std::vector<Ipv4Address> m_servers;              //!< who to ask
    std::shared_ptr<const FlowSizeCdf> m_sizes;      //!< response sizes
    Ptr<ExponentialRandomVariable> m_interarrival;   //!< Poisson arrivals
    Ptr<UniformRandomVariable> m_uniform;            //!< sizes and servers
    std::vector<Flow> m_flows;                       //!< every flow started
    std::map<Ptr<Socket>, size_t> m_open;            //!< open connection -> flow
    EventId m_next;                                  //!< next arrival
    TracedCallback<uint64_t, Time> m_completedTrace; //!< size, FCT
};

} // namespace ns3

#endif // WEB_FLOW_CLIENT_H
