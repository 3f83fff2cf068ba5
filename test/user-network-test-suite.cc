/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// The module inside a user's own simulation: training installed on networks the user built with
// ns-3's own helpers and addresses, several jobs beside other traffic, nothing global changed,
// Config paths to the module's objects.

#include "dl-test-utils.h"

#include "ns3/applications-module.h"
#include "ns3/csma-module.h"
#include "ns3/point-to-point-layout-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/queue.h"
#include "ns3/test.h"

#include <atomic>
#include <fstream>

using namespace ns3;
using namespace ns3::dltest;

namespace
{

/// Count one trace call.
void
Count(uint64_t* n, Ptr<const Packet>)
{
    ++*n;
}

/// Count one drop, and separately those that carry no JobTag (other traffic's).
void
CountDrop(uint64_t* all, uint64_t* untagged, Ptr<const Packet> p)
{
    ++*all;
    JobTag tag;
    if (!p->PeekPacketTag(tag))
    {
        ++*untagged;
    }
}

/**
 * A program's own algorithm, as a user would write one: here RPS that counts its local steps,
 * registered under a TypeId of its own.
 */
class OwnRpsSync : public RpsSync
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("ns3::dltest::OwnRpsSync")
                                .SetParent<RpsSync>()
                                .SetGroupName("DistributedLearningTests")
                                .AddConstructor<OwnRpsSync>();
        return tid;
    }

    double ComputeStep(int batchSize, float lr) override
    {
        ++s_steps;
        return RpsSync::ComputeStep(batchSize, lr);
    }

    static std::atomic<uint32_t> s_steps; //!< local steps of every instance (on pool threads)
};

std::atomic<uint32_t> OwnRpsSync::s_steps{0};

NS_OBJECT_ENSURE_REGISTERED(OwnRpsSync);

} // namespace

/**
 * \ingroup distributed-learning-tests
 * An algorithm the program defines (a SyncAlgorithm subclass with its own TypeId) is installed
 * by its TypeId name with attributes, as queue discs are: its objects do the work, the
 * attribute holds, the results are labelled with the name, and at zero loss it is synchronous
 * SGD. Names that are not algorithms are refused with the reason.
 */
class OwnAlgorithmTestCase : public TestCase
{
  public:
    OwnAlgorithmTestCase()
        : TestCase("a program's own SyncAlgorithm is installed by its TypeId name")
    {
    }

  private:
    void DoRun() override
    {
        const uint32_t n = 4;
        FabricJob net;
        net.training.SetAlgorithm("ns3::dltest::OwnRpsSync", "PhaseTimeout",
                                  TimeValue(MilliSeconds(7)));
        Ptr<TrainingJob> job = SmallJob(n, 1, 256);
        OwnRpsSync::s_steps = 0;
        net.Install(job);
        History history;
        RecordRounds(net.training, &history);
        Simulator::Run();
        const Ptr<SyncAlgorithm> sync = net.GetWorkers()[0]->GetSync();
        NS_TEST_ASSERT_MSG_EQ(sync->GetInstanceTypeId().GetName(), "ns3::dltest::OwnRpsSync",
                              "the program's class");
        TimeValue timeout;
        sync->GetAttribute("PhaseTimeout", timeout);
        NS_TEST_ASSERT_MSG_EQ(timeout.Get(), MilliSeconds(7), "its attribute as given");
        NS_TEST_ASSERT_MSG_EQ(OwnRpsSync::s_steps.load(), n * job->GetTotalRounds(),
                              "it took the steps");
        NS_TEST_ASSERT_MSG_EQ(net.training.GetAlgorithm(), "ns3::dltest::OwnRpsSync", "label");
        Simulator::Destroy();
        const std::vector<dl::FloatBuffer> central = SynchronousSgd(SmallJob(n, 1, 256), 16);
        NS_TEST_ASSERT_MSG_EQ(history.size(), central.size(), "every round ran");
        for (uint32_t r = 0; r < central.size(); ++r)
        {
            NS_TEST_ASSERT_MSG_LT(MaxAbsDiff(history[r][0], central[r]), 2e-5,
                                  "synchronous SGD at zero loss, round " << r);
        }
        std::string why;
        NS_TEST_ASSERT_MSG_EQ(DistributedLearningHelper::IsAlgorithm("ns3::Node", &why), false,
                              "a TypeId that is no SyncAlgorithm");
        NS_TEST_ASSERT_MSG_NE(why.find("SyncAlgorithm subclass"), std::string::npos, why);
        NS_TEST_ASSERT_MSG_EQ(DistributedLearningHelper::IsAlgorithm("ns3::SyncAlgorithm"), false,
                              "an abstract class");
        for (const SyncAlgorithmAlias& alias : GetSyncAlgorithmAliases())
        {
            NS_TEST_ASSERT_MSG_EQ(DistributedLearningHelper::IsAlgorithm(alias.typeId), true,
                                  alias.name << "'s TypeId is an algorithm");
        }
    }
};

/**
 * \ingroup distributed-learning-tests
 * RPS installed on a network the user built (a CSMA LAN on 10.0.0.0/24, or ns-3's
 * PointToPointStarHelper on 192.168.x.0/24) is synchronous SGD at zero loss, as on the star.
 */
class UserNetworkTestCase : public TestCase
{
  public:
    /** \param network "csma" or "p2p" */
    explicit UserNetworkTestCase(const std::string& network)
        : TestCase("RPS on a user-built " + network + " network equals synchronous SGD")
        , m_network(network)
    {
    }

  private:
    void DoRun() override
    {
        const uint32_t n = 4;
        Ptr<TrainingJob> job = SmallJob(n, 1.5, 256);
        NodeContainer workers;
        if (m_network == "csma")
        {
            CsmaLan(workers, n, "100Mbps", "10.0.0.0");
        }
        else
        {
            workers = StarSpokes(n, true);
        }
        DistributedLearningHelper training;
        training.Install(workers, job);
        const std::string pcap = CreateTempDirFilename("worker");
        training.EnablePcap(pcap);
        History history;
        RecordRounds(training, &history);
        Simulator::Run();
        Simulator::Destroy();
        // The helper's pcap of worker 0's NIC holds the job's traffic.
        const std::string file = pcap + "-" + std::to_string(workers.Get(0)->GetId()) + "-0.pcap";
        std::ifstream in(file, std::ios::binary | std::ios::ate);
        NS_TEST_ASSERT_MSG_GT(uint64_t(in.tellg()), 100000u, file << " holds the exchange");

        const std::vector<dl::FloatBuffer> central = SynchronousSgd(SmallJob(n, 1.5, 256), 16);
        NS_TEST_ASSERT_MSG_EQ(history.size(), central.size(), "every round ran");
        for (uint32_t r = 0; r < central.size(); ++r)
        {
            for (uint32_t i = 0; i < n; ++i)
            {
                NS_TEST_ASSERT_MSG_LT(MaxAbsDiff(history[r][i], central[r]), 2e-5,
                                      m_network << " round " << r << " replica " << i);
            }
        }
    }

    std::string m_network; //!< csma or p2p
};

/**
 * \ingroup distributed-learning-tests
 * Two jobs and an OnOff flow on one lossy fabric: both jobs finish; each job's packets_sent is
 * what its own transports sent; the drops split exactly into job A's, job B's and the other
 * traffic's, and the OnOff flow's drops are in neither job.
 */
class TwoJobsTestCase : public TestCase
{
  public:
    TwoJobsTestCase()
        : TestCase("two jobs and an OnOff flow: each job counts its own packets only")
    {
    }

  private:
    void DoRun() override
    {
        const uint32_t n = 4;
        Ptr<TrainingJob> jobA = SmallJob(n, 1, 256);
        Ptr<TrainingJob> jobB = SmallJob(n, 1, 256);
        FabricHelper fabric;
        NodeContainer hosts = fabric.Create(2 * n + 2);
        fabric.InstallStack(InternetStackHelper());
        fabric.AssignIpv4Addresses(Ipv4AddressHelper("10.3.0.0", "255.255.255.252"));
        Ipv4GlobalRoutingHelper::PopulateRoutingTables();
        PacketLossHelper loss;
        loss.SetModel("bernoulli", 0.05);
        loss.Install(fabric.GetHostDevices());

        NodeContainer a;
        NodeContainer b;
        for (uint32_t i = 0; i < n; ++i)
        {
            a.Add(hosts.Get(i));
            b.Add(hosts.Get(n + i));
        }
        DistributedLearningHelper trainingA;
        trainingA.SetPort(9000);
        trainingA.Install(a, jobA);
        DistributedLearningHelper trainingB;
        trainingB.SetAlgorithm("ring-allreduce"); // TCP: its ACKs are the job's packets too
        trainingB.SetPort(9100);
        trainingB.Install(b, jobB);

        const Ipv4Address to = hosts.Get(2 * n + 1)->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal();
        OnOffHelper onoff("ns3::UdpSocketFactory", InetSocketAddress(to, 5000));
        onoff.SetConstantRate(DataRate("1Gbps"), 1000);
        onoff.Install(hosts.Get(2 * n));

        std::vector<Ptr<RoundMonitor>> monitors;
        for (DistributedLearningHelper* t : {&trainingA, &trainingB})
        {
            Ptr<RoundMonitor> m = t->CreateMonitor(&loss);
            m->SetAttribute("StopWhenDone", BooleanValue(false));
            m->WatchDevices(fabric.GetDevices());
            monitors.push_back(m);
        }
        uint64_t txA = 0;
        for (const Ptr<LearningWorker>& w : trainingA.GetWorkers())
        {
            w->GetSync()->GetTransport()->TraceConnectWithoutContext(
                "Tx", MakeBoundCallback(&Count, &txA));
        }
        uint64_t drops = 0;
        uint64_t untagged = 0;
        for (auto it = fabric.GetDevices().Begin(); it != fabric.GetDevices().End(); ++it)
        {
            Ptr<PointToPointNetDevice> dev = DynamicCast<PointToPointNetDevice>(*it);
            dev->TraceConnectWithoutContext("PhyRxDrop",
                                            MakeBoundCallback(&CountDrop, &drops, &untagged));
            dev->GetQueue()->TraceConnectWithoutContext(
                "Drop", MakeBoundCallback(&CountDrop, &drops, &untagged));
        }
        Simulator::Stop(Seconds(0.5));
        Simulator::Run();

        NS_TEST_ASSERT_MSG_EQ(monitors[0]->GetRoundsCompleted(), jobA->GetTotalRounds(), "A ends");
        NS_TEST_ASSERT_MSG_EQ(monitors[1]->GetRoundsCompleted(), jobB->GetTotalRounds(), "B ends");
        const RoundMonitor::Row& rowA = monitors[0]->GetRows().back();
        const RoundMonitor::Row& rowB = monitors[1]->GetRows().back();
        NS_TEST_ASSERT_MSG_EQ(rowA.packetsSent, txA, "job A's packets_sent is what A sent");
        NS_TEST_ASSERT_MSG_GT(rowB.packetsSent, 0u, "job B sent");
        const uint64_t dropsA = monitors[0]->GetPacketsDropped();
        const uint64_t dropsB = monitors[1]->GetPacketsDropped();
        NS_TEST_ASSERT_MSG_GT(dropsA, 0u, "A lost packets");
        NS_TEST_ASSERT_MSG_GT(dropsB, 0u, "B lost packets");
        NS_TEST_ASSERT_MSG_GT(untagged, 1000u, "the OnOff flow lost packets");
        NS_TEST_ASSERT_MSG_EQ(dropsA + dropsB + untagged, drops,
                              "every drop is A's, B's or the other traffic's, once");
        NS_TEST_ASSERT_MSG_LT(dropsA, txA / 10, "A's drops are A's (5% loss), not the flow's");
        Simulator::Destroy();
    }
};

/**
 * \ingroup distributed-learning-tests
 * Install changes no ns-3 default: a user's TCP settings (TcpCubic, 536-byte segments) still
 * hold for their own sockets on the workers' nodes after a TCP job is installed, and a
 * leaf-spine fabric leaves the global ECMP default alone.
 */
class NothingGlobalTestCase : public TestCase
{
  public:
    NothingGlobalTestCase()
        : TestCase("installing a job and a fabric changes no ns-3 default")
    {
    }

  private:
    static std::string Default(const std::string& type, const std::string& attribute)
    {
        TypeId::AttributeInformation info;
        TypeId::LookupByName(type).LookupAttributeByName(attribute, &info);
        return info.initialValue->SerializeToString(info.checker);
    }

    void DoRun() override
    {
        Config::SetDefault("ns3::TcpL4Protocol::SocketType",
                           TypeIdValue(TypeId::LookupByName("ns3::TcpCubic")));
        Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(536));
        const std::string ecmp = Default("ns3::Ipv4GlobalRouting", "RandomEcmpRouting");

        Ptr<TrainingJob> job = SmallJob(4, 0.25, 256);
        FabricHelper fabric;
        fabric.SetTopology("leaf-spine");
        fabric.SetLeafSpineShape(2, 2);
        NodeContainer hosts = fabric.Create(4);
        fabric.InstallStack(InternetStackHelper());
        fabric.AssignIpv4Addresses(Ipv4AddressHelper("10.4.0.0", "255.255.255.252"));
        Ipv4GlobalRoutingHelper::PopulateRoutingTables();
        DistributedLearningHelper training;
        training.SetAlgorithm("ring-allreduce");
        training.SetTcp("ns3::TcpNewReno", MilliSeconds(5));
        training.Install(hosts, job);

        NS_TEST_ASSERT_MSG_EQ(Default("ns3::TcpSocket", "SegmentSize"), "536", "segment size");
        NS_TEST_ASSERT_MSG_EQ(Default("ns3::TcpL4Protocol", "SocketType"), "ns3::TcpCubic",
                              "congestion control");
        NS_TEST_ASSERT_MSG_EQ(Default("ns3::TcpSocketBase", "MinRto"), "+1e+09ns", "minimum RTO");
        NS_TEST_ASSERT_MSG_EQ(Default("ns3::Ipv4GlobalRouting", "RandomEcmpRouting"), ecmp,
                              "ECMP default");
        // The user's own socket on a worker's node gets the user's settings ...
        Ptr<Socket> mine = Socket::CreateSocket(hosts.Get(0), TcpSocketFactory::GetTypeId());
        UintegerValue segment;
        mine->GetAttribute("SegmentSize", segment);
        NS_TEST_ASSERT_MSG_EQ(segment.Get(), 536u, "the user's socket keeps 536-byte segments");
        TypeIdValue type;
        hosts.Get(0)->GetObject<TcpL4Protocol>()->GetAttribute("SocketType", type);
        NS_TEST_ASSERT_MSG_EQ(type.Get().GetName(), "ns3::TcpCubic", "node's TCP unchanged");
        // ... while the job's sockets carry the job's (MTU-sized segments).
        PointerValue stream;
        training.GetWorkers()[0]->GetSync()->GetAttribute("Stream", stream);
        NS_TEST_ASSERT_MSG_NE(stream.Get<StreamTransport>(), nullptr, "the job's TCP endpoint");
        Simulator::Destroy();
        Config::Reset();
    }
};

/**
 * \ingroup distributed-learning-tests
 * The module's objects are reachable by Config path: the worker's Sync and its Transport are
 * Pointer attributes, so their trace sources connect like any ns-3 model's.
 */
class ConfigPathTestCase : public TestCase
{
  public:
    ConfigPathTestCase()
        : TestCase("trace sources connect by Config path and fire")
    {
    }

  private:
    static void PhaseEnd(uint64_t* n, std::string, uint32_t, uint8_t, uint32_t, uint32_t, bool)
    {
        ++*n;
    }

    static void Tx(uint64_t* n, std::string, Ptr<const Packet>)
    {
        ++*n;
    }

    void DoRun() override
    {
        FabricJob net;
        net.Install(SmallJob(4, 0.25, 256));
        uint64_t phases = 0;
        uint64_t packets = 0;
        const std::string worker = "/NodeList/*/ApplicationList/*/$ns3::LearningWorker";
        Config::Connect(worker + "/Sync/PhaseEnd", MakeBoundCallback(&PhaseEnd, &phases));
        Config::Connect(worker + "/Sync/Transport/Tx", MakeBoundCallback(&Tx, &packets));
        Config::Set(worker + "/ComputeTime", TimeValue(MilliSeconds(1)));
        TimeValue compute;
        net.GetWorkers()[3]->GetAttribute("ComputeTime", compute);
        NS_TEST_ASSERT_MSG_EQ(compute.Get(), MilliSeconds(1), "ComputeTime set by Config path");
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(phases, 4u * 2 * 1, "PhaseEnd: 4 workers x 2 phases x 1 round");
        uint64_t sent = 0;
        for (const Ptr<LearningWorker>& w : net.GetWorkers())
        {
            sent += w->GetSync()->GetPacketsSent();
        }
        NS_TEST_ASSERT_MSG_GT(sent, 0u, "packets were sent");
        NS_TEST_ASSERT_MSG_EQ(packets, sent, "Tx fired for every packet");
        Simulator::Destroy();
    }
};

/**
 * \ingroup distributed-learning-tests
 * A fabric switch's ports hand packets straight to its IPv4 (FabricHelper's class notes):
 * every job packet is forwarded by the star's switch, and a protocol handler registered on the
 * switch node, which Node::ReceiveFromDevice would call (after scanning a handler per port),
 * sees none of them.
 */
class SwitchPortsTestCase : public TestCase
{
  public:
    SwitchPortsTestCase()
        : TestCase("a fabric switch forwards without the node's per-port handler scan")
    {
    }

  private:
    static void Handler(uint64_t* n, Ptr<NetDevice>, Ptr<const Packet>, uint16_t, const Address&,
                        const Address&, NetDevice::PacketType)
    {
        ++*n;
    }

    static void Forwarded(uint64_t* n, const Ipv4Header&, Ptr<const Packet> p, uint32_t)
    {
        JobTag tag;
        *n += p->PeekPacketTag(tag) ? 1 : 0;
    }

    void DoRun() override
    {
        FabricJob net;
        net.Install(SmallJob(4, 0.25, 256));
        NS_TEST_ASSERT_MSG_EQ(net.fabric.GetSwitches().GetN(), 1u, "a star has one switch");
        Ptr<Node> sw = net.fabric.GetSwitches().Get(0);
        uint64_t handled = 0;
        uint64_t forwarded = 0;
        sw->RegisterProtocolHandler(MakeBoundCallback(&Handler, &handled),
                                    Ipv4L3Protocol::PROT_NUMBER, nullptr);
        sw->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
            "UnicastForward", MakeBoundCallback(&Forwarded, &forwarded));
        Simulator::Run();
        uint64_t sent = 0;
        for (const Ptr<LearningWorker>& w : net.GetWorkers())
        {
            sent += w->GetSync()->GetPacketsSent();
        }
        NS_TEST_ASSERT_MSG_GT(sent, 0u, "packets were sent");
        // Job packets only: a worker that has ended closes its socket, and the end markers still
        // on their way to it come back as ICMP port-unreachable, through the switch too.
        NS_TEST_ASSERT_MSG_EQ(forwarded, sent, "the switch forwarded every job packet, once");
        NS_TEST_ASSERT_MSG_EQ(handled, 0u, "no node-level handler saw a forwarded packet");
        Simulator::Destroy();
    }
};

/**
 * \ingroup distributed-learning-tests
 * The module in a user's simulation.
 */
class UserNetworkTestSuite : public TestSuite
{
  public:
    UserNetworkTestSuite()
        : TestSuite("dl-user-network", dlcompat::SYSTEM_SUITE)
    {
        AddTestCase(new UserNetworkTestCase("csma"), dlcompat::QUICK);
        AddTestCase(new UserNetworkTestCase("p2p"), dlcompat::QUICK);
        AddTestCase(new TwoJobsTestCase, dlcompat::QUICK);
        AddTestCase(new NothingGlobalTestCase, dlcompat::QUICK);
        AddTestCase(new ConfigPathTestCase, dlcompat::QUICK);
        AddTestCase(new OwnAlgorithmTestCase, dlcompat::QUICK);
        AddTestCase(new SwitchPortsTestCase, dlcompat::QUICK);
    }
};

/// The suite's instance.
static UserNetworkTestSuite g_userNetworkTestSuite;
