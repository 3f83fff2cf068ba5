/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// The baselines next to RPS: gossip (D-PSGD) averaging on a ring, the ring under loss, TCP
// streams, and what gradient-exchanging algorithms do with batch-norm statistics.

#include "ns3/core-module.h"
#include "ns3/distributed-learning-module.h"
#include "ns3/internet-module.h"
#include "ns3/model-factory.h"
#include "ns3/test.h"

#include "dl-test-utils.h"

#include <random>

using namespace ns3;
using namespace ns3::dltest;

/**
 * \ingroup distributed-learning-tests
 * Gossip on a ring, no loss, no gradient (learning rate 0): replicas started apart converge to
 * their mean, which the symmetric mixing preserves.
 */
class GossipConvergesTestCase : public TestCase
{
  public:
    GossipConvergesTestCase()
        : TestCase("gossip on a ring converges to the mean of the replicas")
    {
    }

  private:
    void DoRun() override
    {
        const uint32_t n = 6;
        Ptr<TrainingJob> job = SmallJob(n, 5, 384, 0.0); // 4 rounds per epoch: 20 rounds
        FabricJob helper;
        helper.training.SetAlgorithm("gossip");
        helper.Install(job);
        std::mt19937_64 rng(5);
        std::normal_distribution<float> normal;
        std::vector<dl::FloatBuffer> start;
        for (const Ptr<LearningWorker>& w : helper.GetWorkers())
        {
            dl::FloatBuffer x(w->GetReplica().Params().Size());
            for (float& xi : x)
            {
                xi = normal(rng);
            }
            w->GetReplica().Params().FromHost(x);
            start.push_back(x);
        }
        const auto [mean0, cd0] = MeanAndConsensus(start);
        History history;
        RecordRounds(helper.training, &history);
        Simulator::Run();
        Simulator::Destroy();
        NS_TEST_ASSERT_MSG_EQ(history.size(), 20u, "rounds");
        double previous = cd0;
        for (const auto& [round, replicas] : history)
        {
            const auto [mean, cd] = MeanAndConsensus(replicas);
            NS_TEST_ASSERT_MSG_LT(cd, previous, "consensus distance shrinks in round " << round);
            NS_TEST_ASSERT_MSG_LT(MaxAbsDiff(mean, mean0), 1e-5, "mean preserved, round " << round);
            previous = cd;
        }
        // Ring of 6 with weights 1/3: the slowest mode contracts by (1 + 2cos(2pi/6))/3 = 2/3 a
        // round, so the distance (squared) falls by (4/9)^20 ~ 1e-7.
        NS_TEST_ASSERT_MSG_LT(previous, 1e-5 * cd0, "replicas reached consensus");
    }
};

/**
 * \ingroup distributed-learning-tests
 * Ring AllReduce over TCP under 1% loss: still the exact average (every replica identical), and
 * the lost segments cost retransmission time.
 */
class RingUnderLossTestCase : public TestCase
{
  public:
    RingUnderLossTestCase()
        : TestCase("ring-allreduce stays exact under loss and pays in simulated time")
    {
    }

  private:
    static void NoteTime(std::map<uint32_t, double>* times, uint32_t, uint32_t round, double)
    {
        (*times)[round] = Simulator::Now().GetSeconds();
    }

    /// Counts IPv4 fragments: a TCP segment must fit one packet (see TCP_IP_OVERHEAD).
    static void CountFragment(uint32_t* fragments, Ptr<const Packet> packet, Ptr<Ipv4>, uint32_t)
    {
        Ipv4Header ip;
        packet->PeekHeader(ip);
        if (!ip.IsLastFragment() || ip.GetFragmentOffset() != 0)
        {
            ++*fragments;
        }
    }

    /// Simulated time at the end of the run, and its history.
    static std::pair<double, History> Run(double lossRate, uint32_t* fragments)
    {
        RngSeedManager::SetSeed(4);
        Ptr<TrainingJob> job = SmallJob(4, 2, 256); // 8 rounds
        FabricJob helper;
        helper.training.SetAlgorithm("ring-allreduce");
        helper.fabric.SetMtu(300); // many segments per block, so that some are lost
        helper.loss.SetModel("bernoulli", lossRate);
        helper.Install(job);
        History history;
        RecordRounds(helper.training, &history);
        std::map<uint32_t, double> endTimes;
        for (const Ptr<LearningWorker>& w : helper.GetWorkers())
        {
            w->TraceConnectWithoutContext("RoundEnd", MakeBoundCallback(&NoteTime, &endTimes));
        }
        Config::ConnectWithoutContext("/NodeList/*/$ns3::Ipv4L3Protocol/Tx",
                                      MakeBoundCallback(&CountFragment, fragments));
        Simulator::Run();
        for (const Ptr<LearningWorker>& w : helper.GetWorkers())
        {
            NS_ABORT_UNLESS(w->GetRoundsDone() == 8);
        }
        Simulator::Destroy();
        // TCP's closing timers run on after the training: time the last round's end instead.
        double end = 0.0;
        for (const auto& [round, t] : endTimes)
        {
            end = std::max(end, t);
        }
        return {end, history};
    }

    void DoRun() override
    {
        uint32_t fragments = 0;
        const auto [clean, cleanHistory] = Run(0.0, &fragments);
        const auto [lossy, lossyHistory] = Run(0.01, &fragments);
        NS_TEST_ASSERT_MSG_EQ(fragments, 0, "TCP segments fit the MTU: no IPv4 fragments");
        for (const auto& [round, replicas] : lossyHistory)
        {
            for (size_t i = 1; i < replicas.size(); ++i)
            {
                NS_TEST_ASSERT_MSG_EQ(MaxAbsDiff(replicas[i], replicas[0]), 0.0,
                                      "round " << round << ": replicas identical under loss");
            }
            // The same sums in the same ring order: loss changes when, never what.
            NS_TEST_ASSERT_MSG_EQ(MaxAbsDiff(replicas[0], cleanHistory.at(round)[0]), 0.0,
                                  "round " << round << ": bit-identical to the run without loss");
        }
        NS_TEST_ASSERT_MSG_GT(lossy, clean, "loss costs simulated time");
        std::clog << "ring-allreduce, 8 rounds: " << clean << " s without loss, " << lossy
                  << " s at 1% loss" << std::endl;
    }
};

/**
 * \ingroup distributed-learning-tests
 * A StreamTransport closed while messages wait for room in TCP's send buffer still delivers
 * them: the connection closes once they are handed over. (It used to close at once and lose
 * them: a ring worker that finished first starved its successor of the last blocks.)
 */
class StreamCloseDeliversTestCase : public TestCase
{
  public:
    StreamCloseDeliversTestCase()
        : TestCase("stream transport: Close delivers the queued messages first")
    {
    }

  private:
    static void Count(uint64_t* floats, const ModelBlockHeader& h, const float*)
    {
        *floats += h.m_count;
    }

    static void SendAndClose(Ptr<StreamTransport> from, uint32_t messages, uint32_t count)
    {
        std::vector<float> data(count, 1.0f);
        for (uint32_t m = 0; m < messages; ++m)
        {
            ModelBlockHeader h;
            h.m_phase = 0;
            h.m_kind = ModelBlockHeader::GRADIENT;
            h.m_source = 0;
            h.m_round = 0;
            h.m_block = m;
            h.m_chunk = 0;
            h.m_chunkCount = 1;
            h.m_offset = 0;
            h.m_count = count;
            from->Send(1, h, data.data());
        }
        from->Close(); // far more than TCP's 128 KiB send buffer is still queued here
    }

    void DoRun() override
    {
        NodeContainer nodes;
        Ipv4InterfaceContainer ip = TwoHosts(nodes, "100Mbps", "100us");
        const std::vector<Ipv4Address> peers = {ip.GetAddress(0), ip.GetAddress(1)};
        Ptr<StreamTransport> a = CreateObject<StreamTransport>();
        Ptr<StreamTransport> b = CreateObject<StreamTransport>();
        a->Setup(nodes.Get(0), 0, peers);
        b->Setup(nodes.Get(1), 1, peers);
        uint64_t floats = 0;
        b->SetReceiveCallback(MakeBoundCallback(&Count, &floats));
        const uint32_t messages = 8;
        const uint32_t count = 50000; // 200 KB each: 1.6 MB in all
        Simulator::ScheduleNow(&SendAndClose, a, messages, count);
        Simulator::Stop(Seconds(10));
        Simulator::Run();
        Simulator::Destroy();
        NS_TEST_ASSERT_MSG_EQ(floats, uint64_t(messages) * count, "every queued float arrives");
    }
};

/**
 * \ingroup distributed-learning-tests
 * The baselines suite.
 */
/**
 * \ingroup distributed-learning-tests
 * Batch-norm running statistics (model state) under each kind of algorithm, without loss:
 * AllReduce-SGD averages them by default (every replica identical, and equal to RPS, which
 * averages them with their blocks); with TrainingJob::AverageModelState false each worker keeps
 * its own, while the trained parameters stay identical.
 */
class ModelStateTestCase : public TestCase
{
  public:
    ModelStateTestCase()
        : TestCase("batch-norm statistics: averaged by allreduce and rps, or kept per worker")
    {
    }

  private:
    /// A residual network on the synthetic 12x12 pictures: 4 workers, 4 rounds.
    static History Run(const std::string& algorithm, bool averageState)
    {
        TrainingConfig c = SmallJob(4, 1, 256)->GetConfig();
        c.model = "resnet20";
        Ptr<TrainingJob> job = TrainingJob::Create(c);
        job->SetAttribute("AverageModelState", BooleanValue(averageState));
        FabricJob net;
        net.training.SetAlgorithm(algorithm);
        return RunAndRecord(net, job);
    }

    /// max over workers of |replica - replica 0| on the state (\p state) or the other floats
    static double Spread(const std::vector<dl::FloatBuffer>& replicas,
                         const std::vector<bool>& isState, bool state)
    {
        double m = 0.0;
        for (const dl::FloatBuffer& x : replicas)
        {
            for (size_t i = 0; i < x.size(); ++i)
            {
                if (isState[i] == state)
                {
                    m = std::max(m, double(std::abs(x[i] - replicas[0][i])));
                }
            }
        }
        return m;
    }

    void DoRun() override
    {
        auto model = dl::BuildModel("resnet20", dl::Shape{1, 12, 12}, 10);
        std::vector<bool> isState(model->ParamCount(), false);
        for (const auto& [begin, end] : model->StateRanges())
        {
            std::fill(isState.begin() + begin, isState.begin() + end, true);
        }
        const History averaged = Run("allreduce", true);
        const History local = Run("allreduce", false);
        const History rps = Run("rps", true);
        NS_TEST_ASSERT_MSG_EQ(averaged.size(), 4u, "rounds");
        for (const auto& [round, replicas] : averaged)
        {
            NS_TEST_ASSERT_MSG_LT(Spread(replicas, isState, true), 1e-6,
                                  "averaged state is the same everywhere, round " << round);
            NS_TEST_ASSERT_MSG_LT(Spread(replicas, isState, false), 1e-6,
                                  "parameters the same everywhere, round " << round);
            NS_TEST_ASSERT_MSG_GT(Spread(local.at(round), isState, true), 1e-3,
                                  "local state differs between workers, round " << round);
            NS_TEST_ASSERT_MSG_LT(Spread(local.at(round), isState, false), 1e-6,
                                  "local state: parameters still the same, round " << round);
            NS_TEST_ASSERT_MSG_LT(MaxAbsDiff(rps.at(round)[0], replicas[0]), 1e-4,
                                  "rps without loss equals allreduce, round " << round);
        }
        // The statistics did move (from mean 0, variance 1) in training.
        auto init = dl::FloatBuffer(model->ParamCount());
        model->Init(init.data(), 1);
        const dl::FloatBuffer& last = averaged.rbegin()->second[0];
        double moved = 0.0;
        for (size_t i = 0; i < last.size(); ++i)
        {
            moved = std::max(moved, isState[i] ? double(std::abs(last[i] - init[i])) : 0.0);
        }
        NS_TEST_ASSERT_MSG_GT(moved, 1e-2, "running statistics were updated");
    }
};

class BaselinesTestSuite : public TestSuite
{
  public:
    BaselinesTestSuite()
        : TestSuite("dl-baselines", dlcompat::SYSTEM_SUITE)
    {
        AddTestCase(new GossipConvergesTestCase, dlcompat::QUICK);
        AddTestCase(new RingUnderLossTestCase, dlcompat::QUICK);
        AddTestCase(new StreamCloseDeliversTestCase, dlcompat::QUICK);
        AddTestCase(new ModelStateTestCase, dlcompat::QUICK);
    }
};

static BaselinesTestSuite g_baselinesTestSuite; //!< static instance
