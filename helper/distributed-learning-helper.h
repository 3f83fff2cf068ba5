/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DISTRIBUTED_LEARNING_HELPER_H
#define DISTRIBUTED_LEARNING_HELPER_H

#include "ns3/application-container.h"
#include "ns3/attribute.h"
#include "ns3/data-rate.h"
#include "ns3/error-model.h"
#include "ns3/learning-worker.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"
#include "ns3/parameter-server.h"
#include "ns3/queue-size.h"
#include "ns3/training-job.h"

#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup distributed-learning
 * Builds a data-centre topology and installs one LearningWorker per worker node, in the manner
 * of UdpEchoHelper: factories for the worker and its SyncAlgorithm, plus Install().
 *
 * Topologies: "star" (every worker on its own point-to-point link to one switch node) and
 * "leaf-spine" (workers spread over leaf switches, every leaf linked to every spine, ECMP).
 * Switch ports have DropTail queues of QueueSize, so incast overflows them for real; worker
 * NICs have a large FIFO queue disc in front (a host does not drop its own packets).
 *
 * Loss: an ns-3 ErrorModel per path, at each worker's receiving NIC (default), so that the
 * loss rate is the end-to-end probability that a packet from one worker to another is lost;
 * or on every link direction ("every-link"), where loss compounds per hop.
 */
class DistributedLearningHelper
{
  public:
    DistributedLearningHelper();

    /** Topology: "star" or "leaf-spine"; aborts on anything else. */
    void SetTopology(const std::string& topology);
    /** Leaf-spine shape: workers per leaf switch and number of spine switches. */
    void SetLeafSpineShape(uint32_t workersPerLeaf, uint32_t spines);
    /** Rate of every link. */
    void SetLinkRate(DataRate rate);
    /** Propagation delay of every link. */
    void SetLinkDelay(Time delay);
    /** Size of every switch port's DropTail queue. */
    void SetQueueSize(QueueSize size);
    /**
     * IP MTU of every link in bytes (1500; 9000 for jumbo frames). UDP packets carry
     * BlockTransport::FloatsPerPacket(mtu) floats; TCP segments mtu - TCP_IP_OVERHEAD bytes.
     */
    void SetMtu(uint32_t mtu);

    /**
     * Bytes of an IP packet that are not TCP payload: IPv4 and TCP headers (20 + 20) and the
     * timestamp option (12 with padding) that ns-3 puts on every data segment by default.
     */
    static constexpr uint32_t TCP_IP_OVERHEAD = 52;
    /**
     * Packet loss: model "bernoulli" (RateErrorModel per packet), "burst" (BurstErrorModel with
     * bursts of BurstLength packets) or "gilbert-elliott"; \p rate is the long-run fraction of
     * packets the model drops. A rate of 0 installs no error model.
     */
    void SetLoss(const std::string& model, double rate);
    /** Mean burst length (packets) of the burst and gilbert-elliott models. */
    void SetBurstLength(double packets);
    /** Where error models sit: "receiver" (default) or "every-link". */
    void SetLossPlacement(const std::string& placement);
    /** Aggregation unit: packet (chunk) or whole block. */
    void SetGranularity(dl::BlockPartition::Granularity granularity);
    /** The SyncAlgorithm type, e.g. "ns3::RpsSync". */
    void SetSyncType(const std::string& typeId);
    /**
     * Add a parameter server node (endpoint n) linked like a worker, running ParameterServer
     * over "udp" or "tcp". Use with the matching worker sync type (ns3::PsUdpSync or
     * ns3::PsTcpSync).
     */
    void SetParameterServer(const std::string& transport);
    /**
     * TCP for the reliable baselines: congestion control (a TypeId name such as
     * "ns3::TcpNewReno", "ns3::TcpCubic") and minimum retransmission timeout (ns-3's default of
     * 1 s is a WAN value; datacentre stacks use a few milliseconds). Segment size follows the MTU.
     */
    void SetTcp(const std::string& variant, Time minRto);
    /** Set an attribute of every SyncAlgorithm created. */
    void SetSyncAttribute(const std::string& name, const AttributeValue& value);
    /** Set an attribute of every LearningWorker created. */
    void SetWorkerAttribute(const std::string& name, const AttributeValue& value);

    /**
     * Create job->GetConfig().workers worker nodes and the switches, link them, install the
     * Internet stack, routing, error models and one LearningWorker per worker node.
     * \return the workers' applications (index i is worker i)
     */
    ApplicationContainer Install(Ptr<TrainingJob> job);

    /** \return the workers, index i at position i */
    const std::vector<Ptr<LearningWorker>>& GetWorkers() const
    {
        return m_workers;
    }

    /** \return every NetDevice of the topology (for drop traces) */
    const NetDeviceContainer& GetDevices() const
    {
        return m_devices;
    }

    /** \return each worker's NIC, index i is worker i */
    const NetDeviceContainer& GetWorkerDevices() const
    {
        return m_workerDevices;
    }

    /** \return the parameter server, or null if there is none */
    Ptr<ParameterServer> GetParameterServer() const
    {
        return m_server;
    }

    /** \return the worker nodes */
    const NodeContainer& GetWorkerNodes() const
    {
        return m_workerNodes;
    }

    /** \return the shared partition of the parameter vector (after Install) */
    std::shared_ptr<const dl::BlockPartition> GetPartition() const
    {
        return m_partition;
    }

    /** \return the phase timeout derived from model size and link rate */
    Time GetAutoPhaseTimeout() const;

  private:
    /// Link two nodes; returns the two devices (a's first).
    NetDeviceContainer Link(Ptr<Node> a, Ptr<Node> b);
    /// A new error model per the loss settings.
    Ptr<ErrorModel> MakeErrorModel() const;
    /// Attach error models per the placement.
    void InstallErrorModels();

    std::string m_topology{"star"};       //!< star | leaf-spine
    uint32_t m_workersPerLeaf{4};         //!< leaf-spine: workers per leaf
    uint32_t m_spines{2};                 //!< leaf-spine: spine switches
    DataRate m_linkRate{"10Gbps"};        //!< every link
    Time m_linkDelay{MicroSeconds(5)};    //!< every link
    QueueSize m_queueSize{"1000p"};       //!< switch port queues
    uint32_t m_mtu{1500};                 //!< IP MTU
    std::string m_lossModel{"bernoulli"}; //!< loss model
    double m_lossRate{0.0};               //!< long-run loss fraction
    double m_burstLength{4.0};            //!< mean burst length
    std::string m_placement{"receiver"};  //!< receiver | every-link
    dl::BlockPartition::Granularity m_granularity{dl::BlockPartition::PACKET}; //!< unit
    ObjectFactory m_syncFactory;   //!< SyncAlgorithm factory
    ObjectFactory m_workerFactory; //!< LearningWorker factory
    uint32_t m_hops{2};            //!< links on a worker-to-worker path
    std::string m_psTransport;     //!< "udp" or "tcp" with a parameter server, else empty
    std::string m_tcpVariant{"ns3::TcpNewReno"}; //!< TCP congestion control
    Time m_tcpMinRto{MilliSeconds(10)};          //!< TCP minimum RTO
    Ptr<ParameterServer> m_server;               //!< the parameter server, if any

    NodeContainer m_workerNodes;                //!< worker nodes
    NodeContainer m_switchNodes;                //!< switch nodes
    NetDeviceContainer m_devices;               //!< all devices
    NetDeviceContainer m_workerDevices;         //!< each worker's NIC, index i is worker i
    NetDeviceContainer m_endpointDevices;       //!< the workers' NICs and the server's
    std::vector<Ptr<LearningWorker>> m_workers; //!< installed workers
    std::shared_ptr<const dl::BlockPartition> m_partition; //!< cut of the vector
};

} // namespace ns3

#endif // DISTRIBUTED_LEARNING_HELPER_H
