/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// RPS over the simulated network: equivalence with synchronous SGD without loss, exact combine
// arithmetic under chosen packet drops, and measured arrival rates under Bernoulli loss.

#include "ns3/core-module.h"
#include "ns3/distributed-learning-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/test.h"

#include "dl-test-utils.h"

#include <cmath>
#include <list>
#include <map>
#include <set>
#include <tuple>

using namespace ns3;
using namespace ns3::dltest;

/**
 * \ingroup distributed-learning-tests
 * Without loss, every replica ends every round equal to the global average, and the sequence
 * equals synchronous data-parallel SGD (one process averaging the n gradients).
 */
class RpsLosslessTestCase : public TestCase
{
  public:
    /**
     * \param algorithm the algorithm under test (DistributedLearningHelper::SetAlgorithm)
     * \param psTransport "udp" or "tcp" for ps, else empty
     * \param lossRate Bernoulli loss (only for algorithms that must stay exact under loss)
     */
    RpsLosslessTestCase(const std::string& algorithm, const std::string& psTransport = "",
                        double lossRate = 0.0, const std::string& topology = "star")
        : TestCase(algorithm + (psTransport.empty() ? "" : " (" + psTransport + ")")
                   + (lossRate > 0 ? " under loss" : " without loss") + " on a " + topology
                   + " equals synchronous data-parallel SGD")
        , m_algorithm(algorithm)
        , m_psTransport(psTransport)
        , m_lossRate(lossRate)
        , m_topology(topology)
    {
    }

  private:
    void DoRun() override
    {
        const uint32_t n = 4;
        Ptr<TrainingJob> job = SmallJob(n, 1.5, 256); // 4 rounds per epoch: 6 rounds
        FabricJob helper;
        // Multi-path fabrics: 2 hosts per leaf (or edge switch), so that paths between
        // workers run over 2 spines (aggregation switches); per-flow ECMP keeps each flow in
        // order, so nothing is lost without loss.
        helper.fabric.SetTopology(m_topology);
        helper.fabric.SetLeafSpineShape(2, 2);
        helper.fabric.SetFatTreeK(4);
        helper.training.SetAlgorithm(m_algorithm, m_psTransport.empty() ? "udp" : m_psTransport);
        helper.loss.SetModel("bernoulli", m_lossRate);
        History history = RunAndRecord(helper, job);
        const uint32_t rounds = job->GetTotalRounds();
        NS_TEST_ASSERT_MSG_EQ(rounds, 6u, "rounds");
        NS_TEST_ASSERT_MSG_EQ(history.size(), size_t(rounds), "every round recorded");

        const std::vector<dl::FloatBuffer> central = SynchronousSgd(SmallJob(n, 1.5, 256), 16);
        for (uint32_t r = 0; r < rounds; ++r)
        {
            const auto& sim = history[r];
            for (uint32_t i = 1; i < n; ++i)
            {
                NS_TEST_ASSERT_MSG_EQ(MaxAbsDiff(sim[i], sim[0]), 0.0,
                                      "round " << r << ": replica " << i << " differs from 0");
            }
            NS_TEST_ASSERT_MSG_LT(MaxAbsDiff(sim[0], central[r]), 2e-5,
                                  "round " << r << ": RPS differs from synchronous SGD");
        }
        // The test can fail: the replicas did move.
        NS_TEST_ASSERT_MSG_GT(MaxAbsDiff(central.front(), central.back()), 0.0, "training moved");
    }

    std::string m_algorithm;   //!< the algorithm under test
    std::string m_psTransport; //!< parameter-server transport, if any
    double m_lossRate;         //!< Bernoulli loss
    std::string m_topology;    //!< FabricHelper topology
};

/**
 * \ingroup distributed-learning-tests
 * The paper's contrast at 5% Bernoulli loss: AllReduce-SGD's replicas drift apart (consensus
 * distance grows round after round) while RPS keeps them together.
 */
class DriftTestCase : public TestCase
{
  public:
    DriftTestCase()
        : TestCase("allreduce replicas drift under loss, RPS replicas do not")
    {
    }

  private:
    /// Consensus distance per round of a run.
    static std::vector<double> Consensus(const std::string& algorithm)
    {
        RngSeedManager::SetSeed(11);
        Ptr<TrainingJob> job = SmallJob(8, 4, 1024); // 8 rounds per epoch: 32 rounds
        FabricJob helper;
        helper.training.SetAlgorithm(algorithm);
        helper.loss.SetModel("bernoulli", 0.05);
        helper.fabric.SetMtu(300); // 60 floats per packet: many units, so many losses
        History history = RunAndRecord(helper, job);
        std::vector<double> cd;
        for (const auto& [round, replicas] : history)
        {
            cd.push_back(MeanAndConsensus(replicas).second);
        }
        return cd;
    }

    static double MeanOf(const std::vector<double>& v, size_t from, size_t to)
    {
        double s = 0.0;
        for (size_t i = from; i < to; ++i)
        {
            s += v[i];
        }
        return s / double(to - from);
    }

    void DoRun() override
    {
        const std::vector<double> allreduce = Consensus("allreduce");
        const std::vector<double> rps = Consensus("rps");
        NS_TEST_ASSERT_MSG_EQ(allreduce.size(), 32u, "rounds");
        const size_t q = allreduce.size() / 4;
        const double arEarly = MeanOf(allreduce, 0, q);
        const double arLate = MeanOf(allreduce, 3 * q, 4 * q);
        const double rpsEarly = MeanOf(rps, 0, q);
        const double rpsLate = MeanOf(rps, 3 * q, 4 * q);
        std::clog << "consensus distance, first and last quarter: allreduce " << arEarly << " -> "
                  << arLate << ", rps " << rpsEarly << " -> " << rpsLate << std::endl;
        NS_TEST_ASSERT_MSG_GT(arLate, 3 * arEarly, "allreduce drifts apart");
        NS_TEST_ASSERT_MSG_LT(rpsLate, 2 * rpsEarly, "rps stays together");
        NS_TEST_ASSERT_MSG_GT(arLate, 10 * rpsLate, "allreduce is far worse than rps");
    }
};

/**
 * \ingroup distributed-learning-tests
 * A ReceiveListErrorModel drops chosen packets at worker 0; exactly the affected units are
 * averaged over fewer copies (scatter) or kept-own (broadcast). Checked number by number
 * against a direct computation of one RPS round from the workers' local steps.
 */
class RpsChosenDropsTestCase : public TestCase
{
  public:
    RpsChosenDropsTestCase(dl::BlockPartition::Granularity g)
        : TestCase(std::string("RPS combine under chosen drops, ")
                   + (g == dl::BlockPartition::PACKET ? "packet" : "block") + " granularity")
        , m_granularity(g)
    {
    }

  private:
    /// (phase, source, destination, chunk) of a dropped packet.
    using Drop = std::tuple<uint8_t, uint32_t, uint32_t, uint32_t>;

    static void OnDrop(std::set<Drop>* drops, uint32_t dst, Ptr<const Packet> packet)
    {
        Ptr<Packet> p = packet->Copy();
        PppHeader ppp;
        Ipv4Header ip;
        UdpHeader udp;
        ModelBlockHeader h;
        p->RemoveHeader(ppp);
        p->RemoveHeader(ip);
        p->RemoveHeader(udp);
        p->RemoveHeader(h);
        drops->insert(Drop{h.m_phase, h.m_source, dst, h.m_chunk});
    }

    void DoRun() override
    {
        const uint32_t n = 3;
        Ptr<TrainingJob> job = SmallJob(n, 0.5, 96); // 2 rounds per epoch: 1 round
        FabricJob helper;
        helper.training.SetGranularity(m_granularity);
        helper.fabric.SetMtu(1000); // 235 floats per packet: each ~777-float block is 4 chunks
        helper.Install(job);
        NS_TEST_ASSERT_MSG_EQ(job->GetTotalRounds(), 1u, "one round");
        auto partition = helper.training.GetPartition();
        NS_TEST_ASSERT_MSG_EQ(partition->Chunks(0), 4u, "chunks per block");

        // Worker 0 receives 2 x 4 scatter chunks of block 0 and 2 x 4 broadcast chunks.
        Ptr<ReceiveListErrorModel> em = CreateObject<ReceiveListErrorModel>();
        em->SetList({2, 11});
        Ptr<NetDevice> nic0 = helper.fabric.GetHostDevices().Get(0);
        nic0->SetAttribute("ReceiveErrorModel", PointerValue(em));
        std::set<Drop> drops;
        nic0->TraceConnectWithoutContext("PhyRxDrop", MakeBoundCallback(&OnDrop, &drops, 0u));

        History history;
        RecordRounds(helper.training, &history);
        Simulator::Run();
        Simulator::Destroy();
        NS_TEST_ASSERT_MSG_EQ(drops.size(), 2u, "two packets dropped");
        bool scatterDrop = false;
        bool broadcastDrop = false;
        for (const Drop& d : drops)
        {
            scatterDrop |= std::get<0>(d) == ModelBlockHeader::SCATTER;
            broadcastDrop |= std::get<0>(d) == ModelBlockHeader::BROADCAST;
        }
        NS_TEST_ASSERT_MSG_EQ(scatterDrop && broadcastDrop, true, "one drop in each phase");

        // v_i: each worker's local step, reproduced outside the simulator.
        Ptr<TrainingJob> ref = SmallJob(n, 0.5, 96);
        std::vector<dl::FloatBuffer> v;
        for (uint32_t i = 0; i < n; ++i)
        {
            auto rep = ref->MakeReplica(i);
            rep->LocalStep(16, ref->GetLearningRate(0));
            v.push_back(rep->Params().ToHost());
        }
        auto unitLost = [&](uint8_t phase, uint32_t src, uint32_t dst, uint32_t block, uint32_t u) {
            for (uint32_t c = 0; c < partition->Chunks(block); ++c)
            {
                if (partition->UnitOfChunk(c) == u && drops.count(Drop{phase, src, dst, c}))
                {
                    return true;
                }
            }
            return false;
        };
        // Owners' averages.
        std::vector<dl::FloatBuffer> avg(n, dl::FloatBuffer(partition->ParamCount()));
        for (uint32_t j = 0; j < n; ++j)
        {
            for (uint32_t u = 0; u < partition->Units(j); ++u)
            {
                const dl::Slice s = partition->UnitSlice(j, u);
                for (uint32_t k = s.offset; k < s.offset + s.count; ++k)
                {
                    double sum = v[j][k];
                    int copies = 1;
                    for (uint32_t i = 0; i < n; ++i)
                    {
                        if (i != j && !unitLost(ModelBlockHeader::SCATTER, i, j, j, u))
                        {
                            sum += v[i][k];
                            copies++;
                        }
                    }
                    avg[j][k] = float(sum / copies);
                }
            }
        }
        uint32_t keptOwn = 0;
        uint32_t fewerCopies = 0;
        for (uint32_t i = 0; i < n; ++i)
        {
            dl::FloatBuffer expect = v[i];
            for (uint32_t j = 0; j < n; ++j)
            {
                for (uint32_t u = 0; u < partition->Units(j); ++u)
                {
                    const dl::Slice s = partition->UnitSlice(j, u);
                    const bool lost = j != i && unitLost(ModelBlockHeader::BROADCAST, j, i, j, u);
                    keptOwn += lost ? 1 : 0;
                    if (i == j && i == 0)
                    {
                        for (uint32_t src = 1; src < n; ++src)
                        {
                            fewerCopies
                                += unitLost(ModelBlockHeader::SCATTER, src, 0, 0, u) ? 1 : 0;
                        }
                    }
                    for (uint32_t k = s.offset; k < s.offset + s.count && !lost; ++k)
                    {
                        expect[k] = avg[j][k];
                    }
                }
            }
            NS_TEST_ASSERT_MSG_LT(MaxAbsDiff(history[0][i], expect), 1e-6,
                                  "worker " << i << " after one round with chosen drops");
        }
        NS_TEST_ASSERT_MSG_EQ(keptOwn, 1u, "exactly one unit kept-own");
        NS_TEST_ASSERT_MSG_EQ(fewerCopies, 1u, "exactly one unit averaged over fewer copies");
        // Worker 0 now disagrees with the others exactly where its broadcast unit was lost.
        NS_TEST_ASSERT_MSG_GT(MaxAbsDiff(history[0][0], history[0][1]), 0.0, "replicas differ");
        NS_TEST_ASSERT_MSG_EQ(MaxAbsDiff(history[0][1], history[0][2]), 0.0, "1 and 2 agree");
    }

    dl::BlockPartition::Granularity m_granularity; //!< unit under test
};

/**
 * \ingroup distributed-learning-tests
 * Bernoulli loss p at the receiving NICs: the measured arrival rate is 1-p per packet unit and
 * (1-p)^k per k-packet block, within a binomial tolerance.
 */
class RpsArrivalRateTestCase : public TestCase
{
  public:
    RpsArrivalRateTestCase(dl::BlockPartition::Granularity g)
        : TestCase(std::string("measured arrival rate under Bernoulli loss, ")
                   + (g == dl::BlockPartition::PACKET ? "packet" : "block") + " granularity")
        , m_granularity(g)
    {
    }

  private:
    static void OnPhaseEnd(uint64_t* expected, uint64_t* arrived, uint32_t, uint8_t, uint32_t e,
                           uint32_t a, bool)
    {
        *expected += e;
        *arrived += a;
    }

    void DoRun() override
    {
        const double p = 0.1;
        RngSeedManager::SetSeed(3);
        Ptr<TrainingJob> job = SmallJob(4, 4, 1024); // 16 rounds per epoch: 64 rounds
        FabricJob helper;
        helper.training.SetGranularity(m_granularity);
        helper.fabric.SetMtu(700); // 160 floats per packet: each ~583-float block is 4 chunks
        helper.loss.SetModel("bernoulli", p);
        helper.Install(job);
        const uint32_t k = helper.training.GetPartition()->Chunks(0);
        NS_TEST_ASSERT_MSG_EQ(k, 4u, "chunks per block");
        uint64_t expected = 0;
        uint64_t arrived = 0;
        for (const Ptr<LearningWorker>& w : helper.GetWorkers())
        {
            w->GetSync()->TraceConnectWithoutContext(
                "PhaseEnd", MakeBoundCallback(&OnPhaseEnd, &expected, &arrived));
        }
        Simulator::Run();
        uint64_t late = 0;
        for (const Ptr<LearningWorker>& w : helper.GetWorkers())
        {
            late += w->GetSync()->GetLateOrEarlyPackets();
        }
        Simulator::Destroy();
        // Loss is told from lateness by the senders' order, so no chunk misses its phase.
        NS_TEST_ASSERT_MSG_EQ(late, 0u, "chunks that arrived after their phase ended");
        const double q = m_granularity == dl::BlockPartition::PACKET ? 1 - p : std::pow(1 - p, k);
        const double rate = double(arrived) / double(expected);
        const double sigma = std::sqrt(q * (1 - q) / double(expected));
        NS_TEST_ASSERT_MSG_GT(expected, 700u, "enough units");
        NS_TEST_ASSERT_MSG_EQ_TOL(rate, q, 4 * sigma,
                                  "arrival rate " << rate << " over " << expected << " units");
    }

    dl::BlockPartition::Granularity m_granularity; //!< unit under test
};

/**
 * \ingroup distributed-learning-tests
 * A chunk of the next round that arrives while a worker is still in the current round is set
 * aside and used when that round begins. Worker 1 loses all of round 0's broadcast from worker
 * 0, so it waits in that phase until worker 0's first round-1 scatter chunk settles it: that
 * chunk arrives a round early. Round 1 then loses nothing, so both replicas must end it equal
 * to the average of the two local steps, checked number by number.
 */
class RpsEarlyChunkTestCase : public TestCase
{
  public:
    RpsEarlyChunkTestCase()
        : TestCase("RPS uses a chunk of the next round that arrived early")
    {
    }

  private:
    static void OnPhaseEnd(std::vector<bool>* timedOut, uint32_t round, uint8_t phase, uint32_t,
                           uint32_t, bool t)
    {
        if (round == 0 && phase == ModelBlockHeader::BROADCAST)
        {
            timedOut->push_back(t);
        }
    }

    void DoRun() override
    {
        const uint32_t n = 2;
        Ptr<TrainingJob> job = SmallJob(n, 1, 64); // 2 rounds per epoch: 2 rounds
        FabricJob helper;
        // Longer than worker 0's compute step: worker 1 is still waiting when round 1 begins.
        helper.training.SetSyncAttribute("PhaseTimeout", TimeValue(MilliSeconds(50)));
        helper.Install(job);
        NS_TEST_ASSERT_MSG_EQ(job->GetTotalRounds(), 2u, "two rounds");
        auto partition = helper.training.GetPartition();
        const uint32_t k = partition->Chunks(0);
        NS_TEST_ASSERT_MSG_EQ(k, 4u, "chunks per block");
        // Worker 1 receives k scatter chunks and a marker, then k broadcast chunks and a marker.
        Ptr<ReceiveListErrorModel> em = CreateObject<ReceiveListErrorModel>();
        std::list<uint32_t> broadcast;
        for (uint32_t i = k + 1; i < 2 * (k + 1); ++i)
        {
            broadcast.push_back(i);
        }
        em->SetList(broadcast);
        helper.fabric.GetHostDevices().Get(1)->SetAttribute("ReceiveErrorModel", PointerValue(em));
        std::vector<bool> timedOut;
        helper.GetWorkers()[1]->GetSync()->TraceConnectWithoutContext(
            "PhaseEnd", MakeBoundCallback(&OnPhaseEnd, &timedOut));
        History history;
        RecordRounds(helper.training, &history);
        Simulator::Run();
        Simulator::Destroy();
        NS_TEST_ASSERT_MSG_EQ(timedOut.size(), 1u, "worker 1 ended round 0's broadcast");
        NS_TEST_ASSERT_MSG_EQ(timedOut[0], false, "settled by the early chunk, not the timeout");

        // Each worker's round-1 local step, from its parameters after round 0.
        Ptr<TrainingJob> ref = SmallJob(n, 1, 64);
        std::vector<dl::FloatBuffer> v;
        for (uint32_t i = 0; i < n; ++i)
        {
            auto rep = ref->MakeReplica(i);
            rep->LocalStep(16, ref->GetLearningRate(0));
            rep->Params().FromHost(history[0][i]);
            rep->LocalStep(16, ref->GetLearningRate(1));
            v.push_back(rep->Params().ToHost());
        }
        NS_TEST_ASSERT_MSG_GT(MaxAbsDiff(history[0][0], history[0][1]), 0.0,
                              "round 0 left the replicas apart");
        dl::FloatBuffer expect(partition->ParamCount());
        for (size_t x = 0; x < expect.size(); ++x)
        {
            expect[x] = float((double(v[0][x]) + double(v[1][x])) / 2);
        }
        for (uint32_t i = 0; i < n; ++i)
        {
            NS_TEST_ASSERT_MSG_LT(MaxAbsDiff(history[1][i], expect), 1e-6,
                                  "worker " << i << " after round 1");
        }
    }
};

/**
 * \ingroup distributed-learning-tests
 * A Deadline set on the monitor after CreateMonitor (which starts watching at once) still
 * stops a run that has not finished by then, and reports it incomplete.
 */
class LateDeadlineTestCase : public TestCase
{
  public:
    LateDeadlineTestCase()
        : TestCase("a Deadline set after CreateMonitor counts")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<TrainingJob> job = SmallJob(4, 1, 256);
        FabricJob helper;
        helper.Install(job);
        Ptr<RoundMonitor> monitor = helper.training.CreateMonitor();
        monitor->SetAttribute("Deadline", TimeValue(MicroSeconds(50))); // before round 1 ends
        Simulator::Run();
        const std::string incomplete = monitor->GetIncomplete();
        const uint32_t rounds = monitor->GetRoundsCompleted();
        Simulator::Destroy();
        NS_TEST_ASSERT_MSG_EQ(rounds, 0u, "stopped before the first round ended");
        const bool reported = incomplete.find("Deadline") != std::string::npos;
        NS_TEST_ASSERT_MSG_EQ(reported, true, "reported incomplete: '" << incomplete << "'");
    }
};

/**
 * \ingroup distributed-learning-tests
 * The RPS suite.
 */
class RpsSyncTestSuite : public TestSuite
{
  public:
    RpsSyncTestSuite()
        : TestSuite("dl-rps-sync", dlcompat::SYSTEM_SUITE)
    {
        AddTestCase(new RpsLosslessTestCase("rps"), dlcompat::QUICK);
        AddTestCase(new RpsLosslessTestCase("allreduce"), dlcompat::QUICK);
        AddTestCase(new RpsLosslessTestCase("optireduce"), dlcompat::QUICK);
        AddTestCase(new RpsLosslessTestCase("ring-allreduce"), dlcompat::QUICK);
        AddTestCase(new RpsLosslessTestCase("ps", "tcp"), dlcompat::QUICK);
        AddTestCase(new RpsLosslessTestCase("ps", "udp"), dlcompat::QUICK);
        AddTestCase(new RpsLosslessTestCase("rps", "", 0.0, "leaf-spine"), dlcompat::QUICK);
        AddTestCase(new RpsLosslessTestCase("rps", "", 0.0, "fat-tree"), dlcompat::QUICK);
        // Reliable transports stay exact under loss; they pay in time instead.
        AddTestCase(new RpsLosslessTestCase("ring-allreduce", "", 0.01), dlcompat::QUICK);
        AddTestCase(new RpsLosslessTestCase("ps", "tcp", 0.01), dlcompat::QUICK);
        AddTestCase(new DriftTestCase, dlcompat::QUICK);
        AddTestCase(new RpsEarlyChunkTestCase, dlcompat::QUICK);
        AddTestCase(new LateDeadlineTestCase, dlcompat::QUICK);
        AddTestCase(new RpsChosenDropsTestCase(dl::BlockPartition::PACKET), dlcompat::QUICK);
        AddTestCase(new RpsChosenDropsTestCase(dl::BlockPartition::BLOCK), dlcompat::QUICK);
        AddTestCase(new RpsArrivalRateTestCase(dl::BlockPartition::PACKET), dlcompat::QUICK);
        AddTestCase(new RpsArrivalRateTestCase(dl::BlockPartition::BLOCK), dlcompat::QUICK);
    }
};

static RpsSyncTestSuite g_rpsSyncTestSuite; //!< static instance
