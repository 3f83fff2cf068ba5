/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Your own synchronisation algorithm beside the module's: a SyncAlgorithm subclass written in
// this program, registered with its own TypeId and installed by that name, exactly as the
// module's algorithms are. Here: gossip over a chordal ring (each worker averages its model with
// its two ring neighbours and the worker opposite it), compared with RPS and with the module's
// ring gossip on the same lossy star, one run each.
//
//   ./dl-own-algorithm --lossRate=0.05

#include "ns3/core-module.h"
#include "ns3/distributed-learning-module.h"
#include "ns3/internet-module.h"

#include <iostream>
#include <set>

namespace ns3
{

/**
 * Decentralised SGD over a chordal ring: a local step, then one exchange of whole models with
 * the left and right neighbours and the worker opposite (i + n/2), averaged with whatever
 * copies arrived. Written against the contract of BlockExchangeSync: say what a round's phases
 * expect, send and combine; the base class runs deadlines, staging and the traces.
 */
class ChordGossipSync : public BlockExchangeSync
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("ns3::ChordGossipSync")
                                .SetParent<BlockExchangeSync>()
                                .SetGroupName("DistributedLearningExamples")
                                .AddConstructor<ChordGossipSync>();
        return tid;
    }

    double ComputeStep(int batchSize, float lr) override
    {
        return m_replica->LocalStep(batchSize, lr);
    }

  protected:
    ModelBlockHeader::Kind ExchangeKind(uint32_t) const override
    {
        return ModelBlockHeader::MODEL; // models travel, as in RPS
    }

    uint32_t GetPhaseCount() const override
    {
        return 1;
    }

    std::vector<Expectation> GetExpectations(uint32_t) const override
    {
        std::vector<Expectation> expect;
        for (uint32_t peer : Peers()) // every block of every peer's model
        {
            for (uint32_t b = 0; b < m_partition->Blocks(); ++b)
            {
                expect.push_back(Expectation{peer, b});
            }
        }
        return expect;
    }

    void SendPhase(uint32_t phase) override
    {
        for (uint32_t peer : Peers())
        {
            for (uint32_t b = 0; b < m_partition->Blocks(); ++b)
            {
                Send(peer, phase, b, m_replica->Params());
            }
        }
    }

    void CombinePhase(uint32_t phase) override
    {
        dl::FlatVector& x = m_replica->Params();
        for (uint32_t b = 0; b < m_partition->Blocks(); ++b)
        {
            for (uint32_t u = 0; u < m_partition->Units(b); ++u)
            {
                // Own copy and the copies that arrived, equally weighted: a lost copy only
                // makes this unit's average over fewer models.
                x.AverageWith(m_partition->UnitSlice(b, u), ArrivedCopies(phase, b, u));
            }
        }
    }

  private:
    /** \return the neighbours: left, right and opposite, without repeats or self */
    std::vector<uint32_t> Peers() const
    {
        const uint32_t n = m_workers;
        std::set<uint32_t> peers = {(m_self + n - 1) % n, (m_self + 1) % n, (m_self + n / 2) % n};
        peers.erase(m_self);
        return std::vector<uint32_t>(peers.begin(), peers.end()); // increasing, as required
    }
};

NS_OBJECT_ENSURE_REGISTERED(ChordGossipSync);

} // namespace ns3

using namespace ns3;

int
main(int argc, char* argv[])
{
    double lossRate = 0.05;
    uint32_t workers = 8;
    CommandLine cmd(__FILE__);
    cmd.AddValue("lossRate", "packet loss at every worker's NIC", lossRate);
    cmd.AddValue("workers", "workers (at least 3)", workers);
    cmd.Parse(argc, argv);

    std::cout << "algorithm              test_acc  replica_acc  consensus   arrival  sim_s\n";
    for (const std::string algorithm : {"rps", "gossip", "ns3::ChordGossipSync"})
    {
        TrainingConfig cfg;
        cfg.workers = workers;
        cfg.epochs = 1;
        cfg.trainSubset = 4096;
        cfg.testSubset = 1000;
        Ptr<TrainingJob> job = TrainingJob::Create(cfg);

        FabricHelper fabric;
        NodeContainer hosts = fabric.Create(workers);
        fabric.InstallStack(InternetStackHelper());
        fabric.AssignIpv4Addresses(Ipv4AddressHelper("10.1.0.0", "255.255.255.252"));
        Ipv4GlobalRoutingHelper::PopulateRoutingTables();
        PacketLossHelper loss;
        loss.SetModel("bernoulli", lossRate);
        loss.Install(fabric.GetHostDevices());
        loss.AssignStreams(fabric.AssignStreams(0));

        DistributedLearningHelper training;
        training.SetAlgorithm(algorithm); // a short name, or any SyncAlgorithm's TypeId name
        training.SetPathEstimate(fabric.GetLinkRate(), fabric.GetMaxPathDelay());
        training.Install(hosts, job);
        Ptr<RoundMonitor> monitor = training.CreateMonitor(&loss);
        monitor->WatchDevices(fabric.GetDevices());
        Simulator::Run();
        if (monitor->GetRows().empty() || !monitor->GetIncomplete().empty())
        {
            std::cerr << "dl-own-algorithm: error: " << algorithm << " did not finish "
                      << monitor->GetIncomplete() << std::endl;
            return 1;
        }
        const RoundMonitor::Row& r = monitor->GetRows().back();
        std::printf("%-22s %8.4f %12.4f %10.3g %9.4f %6.3f\n", algorithm.c_str(), r.testAccuracy,
                    r.replicaTestAccuracy, r.consensusDistance, r.arrivalRate, r.simTime);
        Simulator::Destroy();
    }
    return 0;
}
