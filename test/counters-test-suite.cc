/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// The counters a results row rests on, against an independent count: congestion drops against
// FlowMonitor, shared-medium drops against the loss model, the TCP transport's traces against the
// ring's schedule; and a job that cannot run (no routes) stops with the reason.

#include "dl-test-utils.h"

#include "ns3/applications-module.h"
#include "ns3/csma-module.h"
#include "ns3/error-model.h"
#include "ns3/flow-monitor-helper.h"
#include "ns3/ipv4-flow-classifier.h"
#include "ns3/point-to-point-layout-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/test.h"

using namespace ns3;
using namespace ns3::dltest;

namespace
{

/// A synthetic job whose blocks span several packets (mlp 144-64-10: 9,930 parameters).
Ptr<TrainingJob>
WideJob(uint32_t workers, double epochs)
{
    TrainingConfig c;
    c.dataset = "synthetic";
    c.hidden = "64";
    c.workers = workers;
    c.epochs = epochs;
    c.batchSize = 16;
    c.learningRate = 0.05;
    c.trainSubset = 1024;
    c.testSubset = 128;
    c.seed = 11;
    return TrainingJob::Create(c);
}

/// Count drops by where they happened.
void
CountWhere(std::map<int, uint64_t>* where, Ptr<const Packet>, JobDropCounter::Where w)
{
    ++(*where)[int(w)];
}

} // namespace

/**
 * \ingroup distributed-learning-tests
 * A leaf-spine incast with no error model, beside an OnOff flow: the switch ports have no queue
 * disc, so overflow is dropped by the traffic-control layer when a device queue is stopped. The
 * job's packets_dropped equals FlowMonitor's count of the job's packets sent and never received
 * (the run goes on until nothing is in flight), and none of the OnOff flow's drops is counted.
 */
class CongestionDropsTestCase : public TestCase
{
  public:
    CongestionDropsTestCase()
        : TestCase("congestion drops on a leaf-spine equal FlowMonitor's lost packets of the job")
    {
    }

  private:
    void DoRun() override
    {
        const uint32_t n = 8;
        FabricHelper fabric;
        fabric.SetTopology("leaf-spine");
        fabric.SetLeafSpineShape(5, 1); // 2 leaves: 8 workers, the OnOff source and one idle host
        fabric.SetQueueSize(QueueSize("10p"));
        NodeContainer hosts = fabric.Create(n + 2);
        fabric.InstallStack(InternetStackHelper());
        fabric.AssignIpv4Addresses(Ipv4AddressHelper("10.5.0.0", "255.255.255.252"));
        NodeContainer workers;
        for (uint32_t i = 0; i < n; ++i)
        {
            workers.Add(hosts.Get(i));
        }
        // Across the spine, into a worker: it shares the job's congested ports.
        const Ipv4Address to = hosts.Get(0)->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal();
        OnOffHelper onoff("ns3::UdpSocketFactory", InetSocketAddress(to, 5000));
        onoff.SetConstantRate(DataRate("1Gbps"), 1000);
        onoff.SetAttribute("StopTime", TimeValue(MilliSeconds(50)));
        onoff.Install(hosts.Get(n));

        DistributedLearningHelper training;
        training.SetPathEstimate(fabric.GetLinkRate(), fabric.GetMaxPathDelay());
        training.Install(workers, WideJob(n, 0.5));
        Ptr<RoundMonitor> monitor = training.CreateMonitor();
        monitor->SetAttribute("StopWhenDone", BooleanValue(false));
        monitor->WatchDevices(fabric.GetDevices());
        std::map<int, uint64_t> where;
        monitor->GetDropCounter()->TraceConnectWithoutContext(
            "Drop", MakeBoundCallback(&CountWhere, &where));
        FlowMonitorHelper flows;
        Ptr<FlowMonitor> flowMonitor = flows.InstallAll();
        // Long after the last round: nothing of the job is in flight any more.
        Simulator::Stop(Seconds(1));
        Simulator::Run();

        NS_TEST_ASSERT_MSG_EQ(monitor->GetRoundsCompleted(),
                              training.GetWorkers()[0]->GetRoundsDone(), "the job ran to its end");
        Ptr<Ipv4FlowClassifier> classifier = DynamicCast<Ipv4FlowClassifier>(flows.GetClassifier());
        uint64_t jobLost = 0;
        uint64_t otherLost = 0;
        for (const auto& [id, stats] : flowMonitor->GetFlowStats())
        {
            const Ipv4FlowClassifier::FiveTuple t = classifier->FindFlow(id);
            (t.destinationPort == 9000 ? jobLost : otherLost) += stats.txPackets - stats.rxPackets;
        }
        const uint64_t dropped = monitor->GetPacketsDropped();
        NS_TEST_ASSERT_MSG_GT(otherLost, 0u, "the OnOff flow lost packets too");
#if DL_NS3_MINOR >= 37
        NS_TEST_ASSERT_MSG_GT(dropped, 100u, "the incast overflowed the switch ports");
        NS_TEST_ASSERT_MSG_GT(where[JobDropCounter::TRAFFIC_CONTROL], 0u,
                              "dropped where the device queue was stopped");
        NS_TEST_ASSERT_MSG_EQ(dropped, jobLost, "packets_dropped is FlowMonitor's count");
#else
        // ns-3.35 drops at a stopped device queue without a trace: those are not counted.
        NS_TEST_ASSERT_MSG_LT_OR_EQ(dropped, jobLost, "never more than FlowMonitor's count");
#endif
        const RoundMonitor::Row& last = monitor->GetRows().back();
        NS_TEST_ASSERT_MSG_EQ(last.packetsDropped, dropped, "the last row has every drop");
        Simulator::Destroy();
    }
};

/**
 * \ingroup distributed-learning-tests
 * A CSMA LAN with Bernoulli loss p on every NIC: each NIC's error model also draws for frames it
 * only overhears, but a drop counts only at the NIC the frame was addressed to, so
 * packets_dropped / packets_sent is p within sampling noise (it was about (n - 1) p).
 */
class SharedMediumDropsTestCase : public TestCase
{
  public:
    SharedMediumDropsTestCase()
        : TestCase("on a CSMA LAN a drop counts once, at its receiver: dropped per sent is p")
    {
    }

  private:
    void DoRun() override
    {
        const uint32_t n = 6;
        const double p = 0.05;
        NodeContainer nodes;
        NetDeviceContainer devices = CsmaLan(nodes, n, "1Gbps", "10.6.0.0");
        PacketLossHelper loss;
        loss.SetModel("bernoulli", p);
        loss.Install(devices);
        loss.AssignStreams(0);

        DistributedLearningHelper training;
        training.Install(nodes, WideJob(n, 1));
        Ptr<RoundMonitor> monitor = training.CreateMonitor(&loss);
        monitor->WatchDevices(devices);
        Simulator::Run();

        const RoundMonitor::Row& last = monitor->GetRows().back();
        const double sent = double(last.packetsSent);
        const double ratio = double(last.packetsDropped) / sent;
        const double noise = 4 * std::sqrt(p * (1 - p) / sent);
        NS_TEST_ASSERT_MSG_GT(sent, 2000.0, "enough packets to measure");
        NS_TEST_ASSERT_MSG_EQ_TOL(ratio, p, noise, "dropped / sent is the loss rate");
        NS_TEST_ASSERT_MSG_EQ_TOL(last.arrivalRate, 1 - p, 0.02, "and agrees with the arrivals");
        Simulator::Destroy();
    }
};

/**
 * \ingroup distributed-learning-tests
 * The TCP transport's traces by Config path on ring-allreduce: Tx once per block message sent
 * (2 (n - 1) per worker and round), Rx as often, Retransmission only under loss; PhaseEnd twice
 * per round (reduce-scatter, all-gather) with n - 1 blocks expected and arrived; the UDP
 * transport's path matches nothing on a TCP algorithm, so connecting to it fails.
 */
class StreamTracesTestCase : public TestCase
{
  public:
    /** \param lossRate loss at every host's NIC */
    explicit StreamTracesTestCase(double lossRate)
        : TestCase("ring-allreduce's TCP transport traces fire (loss " + std::to_string(lossRate)
                   + ")")
        , m_lossRate(lossRate)
    {
    }

  private:
    static void Message(uint64_t* n, std::string, const ModelBlockHeader&, uint32_t)
    {
        ++*n;
    }

    static void Segment(uint64_t* n, std::string, Ptr<const Packet>, const TcpHeader&,
                        Ptr<const TcpSocketBase>)
    {
        ++*n;
    }

    static void Phase(std::vector<uint32_t>* units, std::string, uint32_t, uint8_t,
                      uint32_t expected, uint32_t arrived, bool)
    {
        units->push_back(expected);
        units->push_back(arrived);
    }

    void DoRun() override
    {
        const uint32_t n = 4;
        FabricJob net;
        net.training.SetAlgorithm("ring-allreduce");
        if (m_lossRate > 0)
        {
            net.loss.SetModel("bernoulli", m_lossRate);
        }
        Ptr<TrainingJob> job = SmallJob(n, 0.5, 256);
        net.Install(job);
        uint64_t tx = 0;
        uint64_t rx = 0;
        uint64_t segments = 0;
        uint64_t retransmissions = 0;
        std::vector<uint32_t> units;
        const std::string sync = "/NodeList/*/ApplicationList/*/$ns3::LearningWorker/Sync";
        Config::Connect(sync + "/Stream/Tx", MakeBoundCallback(&Message, &tx));
        Config::Connect(sync + "/Stream/Rx", MakeBoundCallback(&Message, &rx));
        Config::Connect(sync + "/Stream/SegmentTx", MakeBoundCallback(&Segment, &segments));
        Config::Connect(sync + "/Stream/Retransmission",
                        MakeBoundCallback(&Segment, &retransmissions));
        Config::Connect(sync + "/PhaseEnd", MakeBoundCallback(&Phase, &units));
        NS_TEST_ASSERT_MSG_EQ(
            Config::ConnectFailSafe(sync + "/Transport/Tx", MakeBoundCallback(&Segment, &tx)),
            false, "a TCP algorithm has no UDP transport to trace");
        Simulator::Run();

        const uint64_t rounds = job->GetTotalRounds();
        NS_TEST_ASSERT_MSG_EQ(tx, n * rounds * 2 * (n - 1), "Tx: one per block message sent");
        NS_TEST_ASSERT_MSG_EQ(rx, tx, "Rx: every message arrives (TCP)");
        uint64_t sent = 0;
        for (const Ptr<LearningWorker>& w : net.GetWorkers())
        {
            sent += w->GetSync()->GetPacketsSent();
        }
        NS_TEST_ASSERT_MSG_EQ(segments, sent, "SegmentTx: every segment packets_sent counts");
        if (m_lossRate > 0)
        {
            NS_TEST_ASSERT_MSG_GT(retransmissions, 0u, "losses are retransmitted");
        }
        else
        {
            NS_TEST_ASSERT_MSG_EQ(retransmissions, 0u, "nothing is retransmitted without loss");
        }
        NS_TEST_ASSERT_MSG_EQ(units.size(), 2 * n * rounds * 2, "PhaseEnd: 2 phases per round");
        for (uint32_t u : units)
        {
            NS_TEST_ASSERT_MSG_EQ(u, n - 1, "a phase expects and receives n - 1 blocks");
        }
        Simulator::Destroy();
    }

    double m_lossRate; //!< loss at the hosts' NICs
};

/**
 * \ingroup distributed-learning-tests
 * A job on a network without routes between its workers (ns-3's PointToPointStarHelper, no
 * PopulateRoutingTables) stops at once with the likely cause, over UDP and over TCP; a job whose
 * every packet is lost stops after its first round, saying that nothing arrived.
 */
class NoRoutesTestCase : public TestCase
{
  public:
    /**
     * \param algorithm the algorithm
     * \param lossRate 0: no routes; 1: routes, every packet lost
     */
    NoRoutesTestCase(const std::string& algorithm, double lossRate)
        : TestCase(algorithm
                   + (lossRate > 0 ? ": a first round where nothing arrives stops the job"
                                   : ": a job without routes stops with the reason"))
        , m_algorithm(algorithm)
        , m_lossRate(lossRate)
    {
    }

  private:
    void DoRun() override
    {
        const uint32_t n = 4;
        NodeContainer workers = StarSpokes(n, m_lossRate > 0);
        for (uint32_t i = 0; m_lossRate > 0 && i < n; ++i)
        {
            Ptr<RateErrorModel> all = CreateObject<RateErrorModel>();
            all->SetAttribute("ErrorRate", DoubleValue(1.0));
            all->SetAttribute("ErrorUnit", StringValue("ERROR_UNIT_PACKET"));
            // Device 0 is the spoke's link (1: the loopback).
            workers.Get(i)->GetDevice(0)->SetAttribute("ReceiveErrorModel", PointerValue(all));
        }
        DistributedLearningHelper training;
        training.SetAlgorithm(m_algorithm);
        training.Install(workers, SmallJob(n, 1, 256));
        Ptr<RoundMonitor> monitor = training.CreateMonitor();
        Simulator::Run();

        const std::string why = monitor->GetIncomplete();
        if (m_lossRate > 0)
        {
            NS_TEST_ASSERT_MSG_NE(why.find("no packet of round 1 arrived at any worker"),
                                  std::string::npos, "nothing arrived: " << why);
            NS_TEST_ASSERT_MSG_EQ(monitor->GetRows().size(), 0u, "no row written");
        }
        else
        {
            NS_TEST_ASSERT_MSG_NE(why.find("no route to host"), std::string::npos,
                                  "the reason: " << why);
            NS_TEST_ASSERT_MSG_NE(why.find("PopulateRoutingTables"), std::string::npos,
                                  "and the likely fix: " << why);
            // At the first exchange, after the first local step (ComputeTime, 5 ms).
            NS_TEST_ASSERT_MSG_LT_OR_EQ(Simulator::Now(), MilliSeconds(5),
                                        "at the first send, not after hours");
        }
        Simulator::Destroy();
    }

    std::string m_algorithm; //!< the algorithm
    double m_lossRate;       //!< 0: no routes; 1: every packet lost
};

/**
 * \ingroup distributed-learning-tests
 * The counters behind the results columns.
 */
class CountersTestSuite : public TestSuite
{
  public:
    CountersTestSuite()
        : TestSuite("dl-counters", dlcompat::SYSTEM_SUITE)
    {
        AddTestCase(new CongestionDropsTestCase, dlcompat::QUICK);
        AddTestCase(new SharedMediumDropsTestCase, dlcompat::QUICK);
        AddTestCase(new StreamTracesTestCase(0), dlcompat::QUICK);
        AddTestCase(new StreamTracesTestCase(0.05), dlcompat::QUICK);
        AddTestCase(new NoRoutesTestCase("rps", 0), dlcompat::QUICK);
        AddTestCase(new NoRoutesTestCase("ring-allreduce", 0), dlcompat::QUICK);
        AddTestCase(new NoRoutesTestCase("rps", 1), dlcompat::QUICK);
    }
};

/// The suite's one instance.
static CountersTestSuite g_countersTestSuite;
