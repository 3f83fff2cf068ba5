/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Shared by the ns-3 test suites: a small experiment, and recording replicas round by round.
#ifndef DL_TEST_UTILS_H
#define DL_TEST_UTILS_H

#include "dl-test-compat.h"

#include "ns3/core-module.h"
#include "ns3/csma-helper.h"
#include "ns3/distributed-learning-module.h"
#include "ns3/internet-module.h"
#include "ns3/ns3-compat.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/point-to-point-star.h"

#include <cmath>
#include <map>
#include <vector>

namespace ns3
{
namespace dltest
{

/// A small synthetic experiment: mlp 144-16-10 (2330 parameters).
inline Ptr<TrainingJob>
SmallJob(uint32_t workers, double epochs, uint32_t trainSubset, double learningRate = 0.05)
{
    TrainingConfig c;
    c.dataset = "synthetic";
    c.model = "mlp";
    c.hidden = "16";
    c.workers = workers;
    c.epochs = epochs;
    c.batchSize = 16;
    c.learningRate = learningRate;
    c.momentum = 0.9;
    c.weightDecay = 1e-4;
    c.trainSubset = trainSubset;
    c.testSubset = 256;
    c.seed = 7;
    return TrainingJob::Create(c);
}

/// Two nodes on one point-to-point link with IPv4 (10.8.0.1 and 10.8.0.2), for tests of one path.
inline Ipv4InterfaceContainer
TwoHosts(NodeContainer& nodes, const std::string& rate, const std::string& delay)
{
    nodes.Create(2);
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue(rate));
    p2p.SetChannelAttribute("Delay", StringValue(delay));
    NetDeviceContainer devices = p2p.Install(nodes);
    InternetStackHelper().Install(nodes);
    return Ipv4AddressHelper("10.8.0.0", "255.255.255.0").Assign(devices);
}

/**
 * \p n nodes on one CSMA LAN of \p rate, with IPv4 on \p network/24 and their neighbour caches
 * filled (without it the first scatter's burst overflows ARP's 3-packet pending queue).
 * \return their devices
 */
inline NetDeviceContainer
CsmaLan(NodeContainer& nodes, uint32_t n, const std::string& rate, const std::string& network)
{
    nodes.Create(n);
    CsmaHelper csma;
    csma.SetChannelAttribute("DataRate", StringValue(rate));
    NetDeviceContainer devices = csma.Install(nodes);
    InternetStackHelper().Install(nodes);
    Ipv4AddressHelper(network.c_str(), "255.255.255.0").Assign(devices);
    dlcompat::PopulateNeighborCache(devices);
    return devices;
}

/**
 * \p n spokes of ns-3's PointToPointStarHelper (1 Gb/s, IPv4 on 192.168.x.0/24), the user's
 * way of building a star; routes only if \p routes.
 * \return the spoke nodes
 */
inline NodeContainer
StarSpokes(uint32_t n, bool routes)
{
    PointToPointHelper link;
    link.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
    PointToPointStarHelper star(n, link);
    InternetStackHelper stack;
    star.InstallStack(stack);
    star.AssignIpv4Addresses(Ipv4AddressHelper("192.168.0.0", "255.255.255.0"));
    if (routes)
    {
        Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    }
    NodeContainer spokes;
    for (uint32_t i = 0; i < n; ++i)
    {
        spokes.Add(star.GetSpokeNode(i));
    }
    return spokes;
}

/**
 * The tests' usual network: a fabric (star unless set) whose hosts are the workers (and the
 * server, for ps), loss at the hosts' NICs, one job.
 */
struct FabricJob
{
    FabricHelper fabric;                //!< the network
    PacketLossHelper loss;              //!< no loss unless set
    DistributedLearningHelper training; //!< the job's install

    /// Build the network and install \p job on it.
    void Install(Ptr<TrainingJob> job)
    {
        const bool ps = training.GetAlgorithm() == "ps";
        const uint32_t n = job->GetConfig().workers;
        NodeContainer hosts = fabric.Create(n + (ps ? 1 : 0));
        fabric.InstallStack(InternetStackHelper());
        fabric.AssignIpv4Addresses(Ipv4AddressHelper("10.0.0.0", "255.255.255.252"));
        Ipv4GlobalRoutingHelper::PopulateRoutingTables();
        loss.Install(fabric.GetHostDevices());
        NodeContainer workers;
        for (uint32_t i = 0; i < n; ++i)
        {
            workers.Add(hosts.Get(i));
        }
        training.SetPathEstimate(fabric.GetLinkRate(), fabric.GetMaxPathDelay());
        training.Install(workers, ps ? hosts.Get(n) : nullptr, job);
    }

    /// \return the workers
    const std::vector<Ptr<LearningWorker>>& GetWorkers() const
    {
        return training.GetWorkers();
    }
};

/// Parameters of every worker at the end of every round: [round][worker].
using History = std::map<uint32_t, std::vector<dl::FloatBuffer>>;

/// Trace sink: record a worker's parameters as it ends a round.
inline void
Record(History* history, const std::vector<Ptr<LearningWorker>>* workers, uint32_t worker,
       uint32_t round, double)
{
    auto& row = (*history)[round];
    row.resize(workers->size());
    row[worker] = (*workers)[worker]->GetReplica().Params().ToHost();
}

/// Record every worker's parameters at the end of every round into \p history.
inline void
RecordRounds(const DistributedLearningHelper& helper, History* history)
{
    for (const Ptr<LearningWorker>& w : helper.GetWorkers())
    {
        w->TraceConnectWithoutContext("RoundEnd",
                                      MakeBoundCallback(&Record, history, &helper.GetWorkers()));
    }
}

/// Install, run to the end, and return the history.
inline History
RunAndRecord(FabricJob& net, Ptr<TrainingJob> job)
{
    net.Install(job);
    History history;
    RecordRounds(net.training, &history);
    Simulator::Run();
    Simulator::Destroy();
    return history;
}

/// \return max_k |a[k] - b[k]|
inline double
MaxAbsDiff(const dl::FloatBuffer& a, const dl::FloatBuffer& b)
{
    double m = 0.0;
    for (size_t i = 0; i < a.size(); ++i)
    {
        m = std::max(m, double(std::abs(a[i] - b[i])));
    }
    return m;
}

/**
 * Synchronous data-parallel SGD driven by one process: the job's replicas (same init, same
 * minibatch streams as in a simulation) each compute a gradient at the common parameters, and
 * one optimiser steps with their mean.
 * \return the parameters after each round
 */
inline std::vector<dl::FloatBuffer>
SynchronousSgd(Ptr<TrainingJob> job, int batchSize)
{
    const uint32_t n = job->GetConfig().workers;
    std::vector<std::unique_ptr<dl::Replica>> replicas;
    for (uint32_t i = 0; i < n; ++i)
    {
        replicas.push_back(job->MakeReplica(i));
    }
    const size_t count = job->GetBackend().ParamCount();
    dl::FloatBuffer central = replicas[0]->Params().ToHost();
    dl::SgdOptimizer optimizer(count, float(job->GetConfig().momentum),
                               float(job->GetConfig().weightDecay));
    std::vector<dl::FloatBuffer> rounds;
    for (uint32_t r = 0; r < job->GetTotalRounds(); ++r)
    {
        dl::FloatBuffer mean(count, 0.0f);
        for (auto& rep : replicas)
        {
            rep->Params().FromHost(central);
            rep->ComputeGradient(batchSize);
            const dl::FloatBuffer g = rep->Gradient().ToHost();
            for (size_t k = 0; k < count; ++k)
            {
                mean[k] += g[k] / float(n);
            }
        }
        optimizer.Step(central.data(), mean.data(), job->GetLearningRate(r));
        rounds.push_back(central);
    }
    return rounds;
}

/// \return (mean replica, consensus distance) of one round's replicas
inline std::pair<dl::FloatBuffer, double>
MeanAndConsensus(const std::vector<dl::FloatBuffer>& replicas)
{
    std::vector<const float*> ptrs;
    for (const auto& r : replicas)
    {
        ptrs.push_back(r.data());
    }
    dl::FloatBuffer mean(replicas.front().size());
    dl::MeanOf(ptrs, mean.size(), mean.data());
    return {mean, dl::ConsensusDistance(ptrs, mean.data(), mean.size())};
}

} // namespace dltest
} // namespace ns3

#endif // DL_TEST_UTILS_H
