/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DISTRIBUTED_LEARNING_HELPER_H
#define DISTRIBUTED_LEARNING_HELPER_H

#include "ns3/application-container.h"
#include "ns3/attribute.h"
#include "ns3/block-partition.h"
#include "ns3/data-rate.h"
#include "ns3/learning-worker.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/object-factory.h"
#include "ns3/parameter-server.h"
#include "ns3/round-monitor.h"
#include "ns3/training-job.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

/**
 * \defgroup distributed-learning Distributed learning
 * Distributed training over unreliable networks: workers on ns-3 nodes exchange real model
 * blocks in real packets while an embedded trainer computes real gradients on real data. RPS
 * (Yu et al., ICML 2019), AllReduce-SGD, ring AllReduce over TCP, a parameter server and
 * gossip; helpers for data-centre fabrics, loss placement and installing a job on any nodes.
 */

namespace ns3
{

class PacketLossHelper;

/**
 * \ingroup distributed-learning
 * Installs a training job on any nodes with IPv4, whatever their links and address plan, in
 * the manner of ns-3's application helpers: factories for the worker, its SyncAlgorithm and
 * its transports (attributes settable per job), then Install(NodeContainer, job).
 *
 * Peers are found from the nodes themselves: each endpoint's address is the first address of
 * its node's first non-loopback interface, and packets are sized for the smallest MTU of those
 * interfaces. Each job uses its own UDP and TCP port (SetPort), so several jobs coexist, and
 * tags its packets (JobTag), so each job's counters count its own packets only. Nothing global
 * changes: TCP settings are attributes of the job's own sockets (StreamTransport).
 */
class DistributedLearningHelper
{
  public:
    /** RPS on port 9000, packet granularity. */
    DistributedLearningHelper();

    /**
     * The synchronisation algorithm, by short name or by TypeId name, as queue discs are chosen
     * by TrafficControlHelper: a short name of GetSyncAlgorithmAliases() ("rps", "allreduce",
     * "gossip", "ring-allreduce", "ps" -- a parameter server: Install with a server node --
     * or "local", RPS on one worker), or the TypeId name of any registered SyncAlgorithm
     * subclass with a constructor, the module's ("ns3::RpsSync") or the program's own. The
     * name is also the results' algorithm label. Aborts on another name.
     * \param name short name or TypeId name
     * \param psTransport for "ps": "udp" (lossy block exchange) or "tcp" (reliable)
     */
    void SetAlgorithm(const std::string& name, const std::string& psTransport = "udp");

    /**
     * As SetAlgorithm(name), with attributes of the algorithm's objects, e.g.
     * SetAlgorithm("ns3::RpsSync", "PhaseTimeout", TimeValue(MilliSeconds(2))).
     * \param name short name or TypeId name
     * \param attribute the first attribute's name
     * \param value its value
     * \param more further name and value pairs
     */
    template<typename... Ts>
    void SetAlgorithm(const std::string& name, const std::string& attribute,
                      const AttributeValue& value, Ts&&... more)
    {
        SetAlgorithm(name);
        m_syncFactory.Set(attribute, value, std::forward<Ts>(more)...);
    }

    /**
     * \param name a short name or TypeId name
     * \param why set to a one-line reason when \p name is not an algorithm
     * \return true if SetAlgorithm(name) would accept \p name
     */
    static bool IsAlgorithm(const std::string& name, std::string* why = nullptr);

    /**
     * \param name a short name or TypeId name
     * \param psTransport "udp" or "tcp"
     * \return why SetAlgorithm(name, psTransport) would abort (one line), or empty
     */
    static std::string CheckAlgorithm(const std::string& name, const std::string& psTransport);

    /**
     * \param variant a TypeId name
     * \return why SetTcp(variant, ...) would abort (one line), or empty
     */
    static std::string CheckTcpVariant(const std::string& variant);

    /**
     * \param workers the worker nodes Install would be given
     * \return why the algorithm cannot run on so few (one line), or empty
     */
    std::string CheckWorkers(uint32_t workers) const;

    /** \return true if the algorithm needs a server node (Install(workers, server, job)) */
    bool NeedsServer() const
    {
        return !m_psTransport.empty();
    }
    /** \return the algorithm's name, as the results label it */
    const std::string& GetAlgorithm() const
    {
        return m_algorithm;
    }

    /** \return the fewest workers the algorithm works with */
    uint32_t GetMinWorkers() const;

    /** UDP port of the block exchange and TCP port of the streams (default 9000). */
    void SetPort(uint16_t port);
    /** Aggregation unit: packet (chunk) or whole block. */
    void SetGranularity(dl::BlockPartition::Granularity granularity);
    /**
     * TCP for the reliable baselines, on the job's own sockets: congestion control (a TypeId
     * name such as "ns3::TcpNewReno", "ns3::TcpCubic") and minimum retransmission timeout.
     * Segment size follows the MTU. Aborts on a name that is not a TcpCongestionOps.
     */
    void SetTcp(const std::string& variant, Time minRto);
    /**
     * What the derived phase timeout assumes of the network: the rate of a worker's link and
     * the one-way propagation delay of the longest worker-to-worker path. Without it the rate
     * is read from the first worker NIC's DataRate attribute (point-to-point, CSMA) and the
     * delay taken as 100 us; set PhaseTimeout yourself for networks where that is wrong (Wi-Fi).
     */
    void SetPathEstimate(DataRate rate, Time oneWayDelay);

    /** Set an attribute of every SyncAlgorithm created (e.g. "PhaseTimeout"). */
    void SetSyncAttribute(const std::string& name, const AttributeValue& value);
    /** Set an attribute of every LearningWorker created (e.g. "ComputeTime"). */
    void SetWorkerAttribute(const std::string& name, const AttributeValue& value);
    /**
     * Stragglers: every worker's local step (or the first \p workers' only: a slow rack) takes
     * ComputeTime plus a draw of a random variable of type \p type (a RandomVariableStream's
     * TypeId name, e.g. "ns3::ExponentialRandomVariable") with these attributes, each worker its
     * own variable (see AssignStreams). Draws are seconds and must not be negative.
     * \param type the variable's TypeId name
     * \param attributes its attributes, as (name, value) pairs
     * \param workers how many workers, from worker 0, straggle (0: all)
     */
    void SetComputeJitter(
        const std::string& type,
        const std::vector<std::pair<std::string, Ptr<AttributeValue>>>& attributes,
        uint32_t workers = 0);
    /**
     * Stragglers from a short specification (dl-train's --straggler): "none",
     * "exponential:MEAN", "pareto:MIN:SHAPE[:CAP]" (Pareto with minimum MIN; a shape of at most 1
     * has no mean and needs a CAP, which must exceed MIN: draws above it are drawn again),
     * "lognormal:MEDIAN:SIGMA", or "slow:K:DELAY" (workers 0 to K-1 take DELAY longer each step);
     * times as ns-3 writes them ("2ms"). \param spec the specification \return an error message
     * naming what is wrong, or empty if it was set
     */
    std::string SetStragglers(const std::string& spec);
    /**
     * Fix the random streams of the installed workers' compute jitter: worker i uses stream
     * \p stream + i, on every rank, so results do not depend on the rank count.
     * \param stream the first stream index
     * \return the number of stream indices reserved (one per worker)
     */
    int64_t AssignStreams(int64_t stream);
    /**
     * Worker \p worker crashes at \p down (LearningWorker::Crash: its node goes silent) and,
     * if \p up is positive, restarts then: it fetches a model copy over TCP from the next
     * worker after it (cyclically) that is up at that time, and goes on from that worker's
     * round. Call after Install, on every rank with the same arguments. A worker may crash
     * again after it restarted.
     * \param worker the worker's index
     * \param down when it crashes (simulated time, not in the past)
     * \param up when it restarts (0: never)
     * \return an error naming what is wrong (nothing is scheduled then), or empty
     */
    std::string ScheduleCrash(uint32_t worker, Time down, Time up = Time(0));
    /**
     * Crashes from dl-train's --crash: comma-separated WORKER:DOWN[:UP] (times such as 20ms;
     * a bare number is seconds). All or nothing.
     * \return an error naming what is wrong, or empty if every crash was scheduled
     */
    std::string ScheduleCrashes(const std::string& spec);
    /** Set an attribute of every BlockTransport (UDP) created. */
    void SetTransportAttribute(const std::string& name, const AttributeValue& value);
    /** Set an attribute of every StreamTransport (TCP) created (e.g. "DelAckTimeout"). */
    void SetStreamAttribute(const std::string& name, const AttributeValue& value);

    /**
     * Install one LearningWorker on every node of \p workers (worker i on node i).
     * Aborts with a message naming the problem on: a node without IPv4 or without an address, a
     * node listed twice, a worker count other than the job's, fewer workers than the algorithm
     * needs, a port already bound on a node, or "ps" without a server node. In a run over
     * several ranks (RankExchange), only the nodes whose system id is this rank get a worker.
     * \return the workers' applications (this rank's, in index order)
     */
    ApplicationContainer Install(NodeContainer workers, Ptr<TrainingJob> job);
    /**
     * As Install(workers, job), with a ParameterServer on \p server (endpoint n) for "ps".
     * \return the workers' applications, then the server's
     */
    ApplicationContainer Install(NodeContainer workers, Ptr<Node> server, Ptr<TrainingJob> job);

    /**
     * A RoundMonitor watching the installed workers, labelled with the algorithm, the job's
     * seed and worker count, and \p loss's configured rate (0 without one).
     */
    Ptr<RoundMonitor> CreateMonitor(const PacketLossHelper* loss = nullptr) const;

    /**
     * Write a pcap file per worker NIC (and the server's), "<prefix>-<node>-<device>.pcap", for
     * point-to-point and CSMA devices; other device types (Wi-Fi) are traced with their own
     * helper (YansWifiPhyHelper::EnablePcap). Call after Install.
     */
    void EnablePcap(const std::string& prefix) const;

    /** \return the workers, index i at position i (null where another rank simulates it) */
    const std::vector<Ptr<LearningWorker>>& GetWorkers() const
    {
        return m_workers;
    }

    /** \return the parameter server, or null if there is none */
    Ptr<ParameterServer> GetParameterServer() const
    {
        return m_server;
    }

    /** \return the shared partition of the parameter vector (after Install) */
    std::shared_ptr<const dl::BlockPartition> GetPartition() const
    {
        return m_partition;
    }

    /** \return the phase timeout derived from model size and the path estimate (after Install) */
    Time GetAutoPhaseTimeout() const;

  private:
    /// Endpoint addresses (workers, then the server) and the smallest of their MTUs.
    std::vector<Ipv4Address> DiscoverPeers(const NodeContainer& endpoints, uint32_t* mtu);
    /// Stop with a message if Install's arguments do not fit this helper's settings.
    void CheckInstall(const NodeContainer& workers, Ptr<Node> server, Ptr<TrainingJob> job) const;
    /// \return an algorithm as the workers' will be, with its PhaseTimeout (set, or derived)
    Ptr<const SyncAlgorithm> MakeSyncPrototype() const;
    /// \return worker \p i, its transport and algorithm set up on \p node
    Ptr<LearningWorker> InstallWorker(Ptr<Node> node, uint32_t i,
                                      const std::vector<Ipv4Address>& peers,
                                      Ptr<const SyncAlgorithm> prototype);
    /// \return the parameter server on \p node (endpoint n), waiting by \p prototype's rule
    Ptr<ParameterServer> InstallServer(Ptr<Node> node, const std::vector<Ipv4Address>& peers,
                                       Ptr<const SyncAlgorithm> prototype);

    std::string m_algorithm{"rps"}; //!< results label
    std::string m_psTransport;      //!< "udp" or "tcp" for ps, else empty
    dl::BlockPartition::Granularity m_granularity{dl::BlockPartition::PACKET}; //!< unit
    DataRate m_pathRate{0};              //!< estimate for the timeout (0: from the NIC)
    Time m_pathDelay{MicroSeconds(100)}; //!< estimate for the timeout
    uint32_t m_mtu{0};                   //!< smallest endpoint MTU (after Install)
    ObjectFactory m_syncFactory;         //!< SyncAlgorithm
    ObjectFactory m_workerFactory;       //!< LearningWorker
    ObjectFactory m_transportFactory;    //!< BlockTransport
    ObjectFactory m_streamFactory;       //!< StreamTransport
    ObjectFactory m_jitterFactory;       //!< the stragglers' RandomVariableStream
    bool m_jitter{false};                //!< stragglers set
    uint32_t m_jitterWorkers{0};         //!< how many straggle, from worker 0 (0: all)

    Ptr<TrainingJob> m_job;                     //!< the installed job
    std::vector<Ptr<LearningWorker>> m_workers; //!< installed workers
    /** A scheduled crash. */
    struct Crash
    {
        uint32_t worker; //!< who crashes
        Time down;       //!< when
        Time up;         //!< when it restarts (0: never)
        uint32_t donor;  //!< who sends it a model copy then
    };
    std::vector<Crash> m_crashes; //!< every crash scheduled
    /// Check \p c against the crashes in \p plan and pick its donor. \return an error, or empty
    std::string PlanCrash(Crash& c, const std::vector<Crash>& plan) const;
    /// Schedule the events of a checked crash.
    void ScheduleChecked(const Crash& c);
    NetDeviceContainer m_endpointDevices;                  //!< their NICs (and the server's)
    Ptr<ParameterServer> m_server;                         //!< the parameter server, if any
    std::shared_ptr<const dl::BlockPartition> m_partition; //!< cut of the vector
};

} // namespace ns3

#endif // DISTRIBUTED_LEARNING_HELPER_H
