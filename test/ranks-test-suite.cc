/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// The pieces that make one simulation split over ranks give the sequential run's results: the
// canonical order of same-instant events, the fabric's partition, the rank messages' layer.
// (The runs over 1, 2 and 4 ranks themselves need MPI: scripts/test-mpi, in an ns-3 tree.)

#include "dl-test-utils.h"

#include "ns3/make-event.h"
#include "ns3/test.h"

#include <cstdlib>

using namespace ns3;
using namespace ns3::dltest;

namespace
{

void
Nothing()
{
}

void
SendOne(Ptr<Socket> socket)
{
    socket->Send(Create<Packet>(1000));
}

/// Records the sender of every datagram a socket receives.
struct SenderLog
{
    std::vector<Ipv4Address> from; //!< in arrival order

    void Receive(Ptr<Socket> socket)
    {
        Address a;
        while (socket->RecvFrom(a))
        {
            from.push_back(InetSocketAddress::ConvertFrom(a).GetIpv4());
        }
    }
};

/// Events of one instant come out by class (own, late, of no node), each in scheduling order.
class SchedulerOrderTestCase : public TestCase
{
  public:
    SchedulerOrderTestCase()
        : TestCase("CanonicalScheduler: an instant's own events, then late ones, then no node's")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<CanonicalScheduler> s = CreateObject<CanonicalScheduler>();
        constexpr uint32_t NONE = 0xffffffff;
        // (time, uid, context, late), inserted out of order.
        const struct
        {
            uint64_t ts;
            uint32_t uid;
            uint32_t context;
            bool late;
        } events[]
            = {{10, 5, 1, false},  {10, 3, NONE, false}, {10, 7, 2, true}, {10, 9, 1, false},
               {5, 100, 1, false}, {10, 1, 2, false},    {10, 2, 1, true}, {10, 4, 3, false}};
        std::vector<Scheduler::Event> inserted;
        for (const auto& e : events)
        {
            Scheduler::Event ev;
            ev.impl = MakeEvent(&Nothing);
            ev.key.m_ts = e.ts;
            ev.key.m_uid = e.uid;
            ev.key.m_context = e.context;
            if (e.late)
            {
                CanonicalScheduler::MarkLate(ev.impl);
            }
            s->Insert(ev);
            inserted.push_back(ev);
        }
        // Removing a pending event (a cancelled timer) takes it out of the order.
        s->Remove(inserted[7]);
        inserted[7].impl->Unref();
        const std::vector<uint32_t> expected = {100, 1, 5, 9, 2, 7, 3};
        for (uint32_t uid : expected)
        {
            NS_TEST_ASSERT_MSG_EQ(s->IsEmpty(), false, "events left");
            NS_TEST_EXPECT_MSG_EQ(s->PeekNext().key.m_uid, uid, "PeekNext");
            Scheduler::Event ev = s->RemoveNext();
            NS_TEST_EXPECT_MSG_EQ(ev.key.m_uid, uid, "order within the instant");
            ev.impl->Unref();
        }
        NS_TEST_EXPECT_MSG_EQ(s->IsEmpty(), true, "every event came out once");
    }
};

/// Hosts 0 and 1 of a star send to host 2 at one instant, host 1's send scheduled first.
class SameInstantArrivalsTestCase : public TestCase
{
  public:
    /// \param canonical with CanonicalOrderHelper, or in ns-3's own order
    explicit SameInstantArrivalsTestCase(bool canonical)
        : TestCase(canonical ? "ArrivalSequencer: a switch forwards an instant's packets in port "
                               "order, each once"
                             : "without it, the switch forwards them in scheduling order")
        , m_canonical(canonical)
    {
    }

  private:
    void DoRun() override
    {
        if (m_canonical)
        {
            CanonicalOrderHelper::EnableScheduler();
        }
        FabricHelper fabric;
        fabric.SetTopology("star");
        NodeContainer hosts = fabric.Create(3);
        fabric.InstallStack(InternetStackHelper());
        fabric.AssignIpv4Addresses(Ipv4AddressHelper("10.1.0.0", "255.255.255.252"));
        if (m_canonical)
        {
            CanonicalOrderHelper().Install(NodeContainer(hosts, fabric.GetSwitches()));
        }
        const Ipv4Address dst = hosts.Get(2)->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal();
        Ptr<Socket> sink = Socket::CreateSocket(hosts.Get(2), UdpSocketFactory::GetTypeId());
        sink->Bind(InetSocketAddress(Ipv4Address::GetAny(), 9));
        SenderLog log;
        sink->SetRecvCallback(MakeCallback(&SenderLog::Receive, &log));
        const std::vector<Ipv4Address>& from = log.from;
        std::vector<Ptr<Socket>> senders;
        for (uint32_t h : {1u, 0u}) // host 1's send is scheduled first
        {
            Ptr<Socket> s = Socket::CreateSocket(hosts.Get(h), UdpSocketFactory::GetTypeId());
            s->Connect(InetSocketAddress(dst, 9));
            Simulator::Schedule(MilliSeconds(1), &SendOne, s);
            senders.push_back(s);
        }
        Simulator::Run();
        const Ipv4Address host0 = hosts.Get(0)->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal();
        NS_TEST_ASSERT_MSG_EQ(from.size(), 2, "each packet delivered once");
        NS_TEST_EXPECT_MSG_EQ((from[0] == host0), m_canonical,
                              (m_canonical
                                   ? "port order: host 0's packet first"
                                   : "ns-3's order: host 1's packet (scheduled first) first"));
        Simulator::Destroy();
    }

    bool m_canonical; //!< with the canonical order
};

/// FabricHelper gives each rank whole racks, and says which shapes cannot be split.
class FabricRanksTestCase : public TestCase
{
  public:
    FabricRanksTestCase()
        : TestCase("FabricHelper::SetRanks: whole racks per rank; unsplittable shapes refused")
    {
    }

  private:
    void DoRun() override
    {
        FabricHelper fabric;
        fabric.SetTopology("leaf-spine");
        fabric.SetLeafSpineShape(2, 3);
        fabric.SetRanks(2);
        NS_TEST_ASSERT_MSG_EQ(fabric.CheckRanks(8), "", "4 leaves on 2 ranks");
        NodeContainer hosts = fabric.Create(8);
        for (uint32_t h = 0; h < 8; ++h)
        {
            NS_TEST_EXPECT_MSG_EQ(hosts.Get(h)->GetSystemId(), h / 4, "host " << h);
        }
        const NodeContainer& sw = fabric.GetSwitches(); // leaves 0..3, spines 0..2
        const uint32_t expected[] = {0, 0, 1, 1, 0, 1, 0};
        for (uint32_t i = 0; i < sw.GetN(); ++i)
        {
            NS_TEST_EXPECT_MSG_EQ(sw.Get(i)->GetSystemId(), expected[i], "switch " << i);
        }

        const auto refusal
            = [](const std::string& topology, uint32_t hosts, uint32_t ranks, Time delay) {
                  FabricHelper f;
                  f.SetTopology(topology);
                  f.SetLeafSpineShape(4, 2);
                  f.SetLinkDelay(delay);
                  f.SetRanks(ranks);
                  return f.CheckRanks(hosts);
              };
        const Time d = MicroSeconds(5);
        NS_TEST_EXPECT_MSG_EQ(refusal("star", 8, 1, d), "", "one rank: any shape");
        NS_TEST_EXPECT_MSG_NE(refusal("star", 8, 2, d).find("one switch"), std::string::npos,
                              "a star cannot be split");
        NS_TEST_EXPECT_MSG_NE(refusal("leaf-spine", 12, 2, d).find("do not divide the 3 leaves"),
                              std::string::npos, "3 leaves on 2 ranks");
        NS_TEST_EXPECT_MSG_NE(refusal("leaf-spine", 16, 2, Time(0)).find("positive delay"),
                              std::string::npos, "no lookahead");
        NS_TEST_EXPECT_MSG_NE(refusal("fat-tree", 16, 3, d).find("do not divide the 4 pods"),
                              std::string::npos, "4 pods on 3 ranks");
        NS_TEST_EXPECT_MSG_NE(refusal("fat-tree", 5, 4, d).find("too few pods"), std::string::npos,
                              "hosts in 2 of 4 pods");
        NS_TEST_EXPECT_MSG_EQ(refusal("fat-tree", 16, 4, d), "", "a pod per rank");
        Simulator::Destroy();
    }
};

/// Without MPI there is one rank; the launcher's process count is read from its variables.
class OneRankTestCase : public TestCase
{
  public:
    OneRankTestCase()
        : TestCase("RankExchange: one rank without MPI; the launcher's process count")
    {
    }

  private:
    void DoRun() override
    {
        NS_TEST_EXPECT_MSG_EQ(RankExchange::GetSize(), 1, "one rank");
        NS_TEST_EXPECT_MSG_EQ(RankExchange::GetRank(), 0, "rank 0");
        NS_TEST_EXPECT_MSG_EQ(RankExchange::IsDistributed(), false, "not distributed");
        NS_TEST_EXPECT_MSG_EQ((RankExchange::AllSum({3, 4}) == std::vector<uint64_t>{3, 4}), true,
                              "a sum over one rank");
        const char* names[]
            = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "SLURM_STEP_NUM_TASKS"};
        for (const char* n : names)
        {
            unsetenv(n);
        }
        NS_TEST_EXPECT_MSG_EQ(RankExchange::LaunchedSize(), 1, "not launched");
        setenv("SLURM_STEP_NUM_TASKS", "4", 1);
        NS_TEST_EXPECT_MSG_EQ(RankExchange::LaunchedSize(), 1, "a Slurm step, not MPI's");
        setenv("PMIX_RANK", "0", 1);
        NS_TEST_EXPECT_MSG_EQ(RankExchange::LaunchedSize(), 4, "srun --mpi=pmix");
        NS_TEST_EXPECT_MSG_EQ(RankExchange::LaunchedRank(), 0, "PMIx's rank");
        setenv("OMPI_COMM_WORLD_SIZE", "3", 1);
        setenv("OMPI_COMM_WORLD_RANK", "2", 1);
        NS_TEST_EXPECT_MSG_EQ(RankExchange::LaunchedSize(), 3, "mpirun");
        NS_TEST_EXPECT_MSG_EQ(RankExchange::LaunchedRank(), 2, "mpirun's rank");
        for (const char* n : names)
        {
            unsetenv(n);
        }
    }
};

class RanksTestSuite : public TestSuite
{
  public:
    RanksTestSuite()
        : TestSuite("dl-ranks", dlcompat::UNIT_SUITE)
    {
        AddTestCase(new SchedulerOrderTestCase(), dlcompat::QUICK);
        AddTestCase(new SameInstantArrivalsTestCase(true), dlcompat::QUICK);
        AddTestCase(new SameInstantArrivalsTestCase(false), dlcompat::QUICK);
        AddTestCase(new FabricRanksTestCase(), dlcompat::QUICK);
        AddTestCase(new OneRankTestCase(), dlcompat::QUICK);
    }
};

static RanksTestSuite g_ranksTestSuite;

} // namespace
