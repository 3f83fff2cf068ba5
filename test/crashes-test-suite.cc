/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Workers that crash and come back: what each algorithm does meanwhile, and the copy a
// restarted worker takes.

#include "dl-test-utils.h"

#include "ns3/test.h"

#include <map>
#include <string>
#include <vector>

using namespace ns3;
using namespace ns3::dltest;

namespace
{

/// What the test saw of crashes and rejoins, and of the donor's replica.
struct Membership
{
    std::vector<std::pair<uint32_t, uint32_t>> crashes; //!< (worker, first round missed)
    std::vector<std::pair<uint32_t, uint32_t>> rejoins; //!< (worker, round it starts with)
    std::vector<Time> rejoinTimes;                      //!< when each rejoin happened
    std::map<uint32_t, dl::FloatBuffer> donorAtStart;   //!< the donor's params as it starts r
    std::vector<dl::FloatBuffer> rejoined;              //!< the restarted replica's params then
    const std::vector<Ptr<LearningWorker>>* workers{nullptr};
    uint32_t donor{0};
};

void
OnCrash(Membership* m, uint32_t worker, uint32_t round)
{
    m->crashes.push_back({worker, round});
}

void
OnRejoin(Membership* m, uint32_t worker, uint32_t round)
{
    m->rejoins.push_back({worker, round});
    m->rejoinTimes.push_back(Simulator::Now());
    m->rejoined.push_back((*m->workers)[worker]->GetReplica().Params().ToHost());
}

void
OnDonorStart(Membership* m, uint32_t worker, uint32_t round)
{
    if (worker == m->donor)
    {
        m->donorAtStart[round] = (*m->workers)[worker]->GetReplica().Params().ToHost();
    }
}

/// Count the job's packets a NIC received while \p window is open.
struct WindowCount
{
    Time from;
    Time to;
    uint64_t n{0};
};

void
CountInWindow(WindowCount* w, Ptr<const Packet> p)
{
    JobTag tag;
    const Time now = Simulator::Now();
    w->n += p->PeekPacketTag(tag) && now >= w->from && now < w->to ? 1 : 0;
}

/// Follow \p net's workers' crashes and rejoins into \p m, with \p donor's replica.
void
Follow(FabricJob& net, Membership& m, uint32_t donor)
{
    m.workers = &net.GetWorkers();
    m.donor = donor;
    for (const Ptr<LearningWorker>& w : net.GetWorkers())
    {
        w->TraceConnectWithoutContext("Crash", MakeBoundCallback(&OnCrash, &m));
        w->TraceConnectWithoutContext("Rejoin", MakeBoundCallback(&OnRejoin, &m));
        w->TraceConnectWithoutContext("RoundStart", MakeBoundCallback(&OnDonorStart, &m));
    }
}

} // namespace

/**
 * \ingroup distributed-learning-tests
 * An RPS (or gossip, or parameter server over UDP) worker crashes and restarts: the run completes
 * with a row for every round, rows while it is down evaluate one replica fewer, the restarted
 * worker starts from exactly the parameters its donor started that round with, and every job
 * packet that reached the crashed machine is counted as dropped (equal to its NIC's own count).
 */
class CrashRestartTestCase : public TestCase
{
  public:
    /// \param algorithm the algorithm \param psTransport for ps: "udp"
    CrashRestartTestCase(const std::string& algorithm, const std::string& psTransport = "")
        : TestCase(algorithm + psTransport + ": a worker crashes and restarts, the run goes on")
        , m_algorithm(algorithm)
        , m_psTransport(psTransport)
    {
    }

  private:
    void DoRun() override
    {
        const uint32_t crashed = 2;
        const Time down = MilliSeconds(4);
        const Time up = MilliSeconds(9);
        FabricJob net;
        net.training.SetAlgorithm(m_algorithm, m_psTransport.empty() ? "udp" : m_psTransport);
        Ptr<TrainingJob> job = SmallJob(8, 4, 512);
        net.Install(job);
        NS_TEST_ASSERT_MSG_EQ(net.training.ScheduleCrash(crashed, down, up), "", "accepted");
        Membership m;
        Follow(net, m, crashed + 1);
        WindowCount atNic{down, up};
        net.fabric.GetHostDevices().Get(crashed)->TraceConnectWithoutContext(
            "MacRx", MakeBoundCallback(&CountInWindow, &atNic));
        Ptr<RoundMonitor> monitor = net.training.CreateMonitor();
        monitor->SetAttribute("EvalEvery", UintegerValue(1));
        monitor->WatchDevices(net.fabric.GetDevices());
        Simulator::Run();
        monitor->Finish();

        const uint32_t total = job->GetTotalRounds();
        NS_TEST_ASSERT_MSG_EQ(monitor->GetIncomplete(), "", "the run completed");
        NS_TEST_ASSERT_MSG_EQ(monitor->GetRows().size(), total, "a row for every round");
        NS_TEST_ASSERT_MSG_EQ(m.crashes.size(), 1u, "one crash");
        NS_TEST_ASSERT_MSG_EQ(m.rejoins.size(), 1u, "one rejoin");
        const uint32_t missed = m.crashes[0].second;
        const uint32_t back = m.rejoins[0].second;
        NS_TEST_ASSERT_MSG_GT(back, missed, "it missed rounds while down");
        NS_TEST_ASSERT_MSG_LT(back, total, "it came back before the end");
        NS_TEST_ASSERT_MSG_GT_OR_EQ(m.rejoinTimes[0], up, "rejoined once restarted");
        for (const RoundMonitor::Row& row : monitor->GetRows())
        {
            // Row r is written after round r ends, i.e. it is round r - 1.
            const bool absent = row.round - 1 >= missed && row.round - 1 < back;
            NS_TEST_ASSERT_MSG_EQ(row.liveWorkers, absent ? 7u : 8u,
                                  "live workers in the row of round " << row.round);
        }
        NS_TEST_ASSERT_MSG_EQ(m.donorAtStart.count(back), 1u, "the donor started that round");
        const dl::FloatBuffer& donor = m.donorAtStart[back];
        const dl::FloatBuffer& copy = m.rejoined[0];
        NS_TEST_ASSERT_MSG_EQ(copy.size(), donor.size(), "a whole model");
        bool equal = true;
        for (size_t i = 0; i < copy.size(); ++i)
        {
            equal = equal && copy[i] == donor[i];
        }
        NS_TEST_ASSERT_MSG_EQ(equal, true, "the restarted replica is its donor's, bit for bit");
        NS_TEST_ASSERT_MSG_GT(atNic.n, 0u, "job packets reached the crashed machine");
        NS_TEST_ASSERT_MSG_EQ(monitor->GetPacketsDropped(), atNic.n,
                              "each of them counted as dropped, and nothing else");
        Simulator::Destroy();
    }

    std::string m_algorithm;   //!< the algorithm
    std::string m_psTransport; //!< ps transport, if ps
};

/**
 * \ingroup distributed-learning-tests
 * A ring member crashes for good: the ring cannot go round, so the job stalls. With a Deadline
 * the run stops there and says who it waits for; without one, the events run out and Finish
 * still says the run is incomplete (never complete-looking rows).
 */
class RingStallTestCase : public TestCase
{
  public:
    /// \param deadline the monitor's Deadline (0: none)
    RingStallTestCase(Time deadline)
        : TestCase("a crashed ring member: stalled, reported, deadline "
                   + std::to_string(deadline.GetSeconds()) + " s")
        , m_deadline(deadline)
    {
    }

  private:
    void DoRun() override
    {
        FabricJob net;
        net.training.SetAlgorithm("ring-allreduce");
        Ptr<TrainingJob> job = SmallJob(4, 4, 256);
        net.Install(job);
        NS_TEST_ASSERT_MSG_NE(net.training.ScheduleCrash(1, MilliSeconds(3), MilliSeconds(6)), "",
                              "a ring cannot take a worker back");
        NS_TEST_ASSERT_MSG_EQ(net.training.ScheduleCrash(1, MilliSeconds(3)), "", "accepted");
        Ptr<RoundMonitor> monitor = net.training.CreateMonitor();
        monitor->SetAttribute("Deadline", TimeValue(m_deadline));
        Simulator::Run();
        monitor->Finish();
        const std::string why = monitor->GetIncomplete();
        NS_TEST_ASSERT_MSG_NE(why.find("stalled: worker 1 crashed at 0.003 s and is still down, "
                                       "ring-allreduce waits for it"),
                              std::string::npos, "reported: '" << why << "'");
        if (m_deadline.IsStrictlyPositive())
        {
            NS_TEST_ASSERT_MSG_EQ(Simulator::Now(), m_deadline, "stopped at the deadline");
            NS_TEST_ASSERT_MSG_NE(why.find("(Deadline)"), std::string::npos, "the deadline's");
        }
        else
        {
            NS_TEST_ASSERT_MSG_NE(why.find("the simulation ended after"), std::string::npos,
                                  "the events ran out: '" << why << "'");
        }
        NS_TEST_ASSERT_MSG_LT(monitor->GetRoundsCompleted(), job->GetTotalRounds(),
                              "rounds are missing");
        Simulator::Destroy();
    }

    Time m_deadline; //!< the monitor's Deadline
};

/**
 * \ingroup distributed-learning-tests
 * Crash schedules that cannot happen get a reason each, and nothing of a bad list is scheduled.
 */
class CrashSpecTestCase : public TestCase
{
  public:
    CrashSpecTestCase()
        : TestCase("crash specifications: reasons for bad ones, all or nothing")
    {
    }

  private:
    void DoRun() override
    {
        FabricJob net;
        net.Install(SmallJob(4, 1, 256));
        Membership m;
        Follow(net, m, 0);
        const std::vector<std::pair<std::string, std::string>> bad{
            {"4:1ms", "there are 4 workers (0 to 3)"},
            {"1:-1ms", "expected WORKER:DOWN[:UP]"},
            {"1:5ms:2ms", "it must restart (UP) after it crashes (DOWN)"},
            {"1:5ms:5ms", "it must restart (UP) after it crashes (DOWN)"},
            {"x:1ms", "expected WORKER:DOWN[:UP]"},
            {"1", "expected WORKER:DOWN[:UP]"},
            {"1:1ms:3ms,1:2ms", "it is already down then"},
            {"1:1ms:3ms,2:2ms:4ms", "it sends worker 1 a model copy then"},
            {"0:1ms,1:1ms,2:1ms,3:1ms:2ms", "no worker is up to send it a model copy"},
        };
        for (const auto& [spec, reason] : bad)
        {
            const std::string error = net.training.ScheduleCrashes(spec);
            NS_TEST_ASSERT_MSG_NE(error.find(reason), std::string::npos,
                                  spec << ": '" << error << "' lacks '" << reason << "'");
        }
        NS_TEST_ASSERT_MSG_NE(DistributedLearningHelper().ScheduleCrash(0, MilliSeconds(1)), "",
                              "before Install");
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(m.crashes.size(), 0u, "nothing was scheduled");
        Simulator::Destroy();
    }
};

/**
 * \ingroup distributed-learning-tests
 * Workers that crash and restart.
 */
class CrashesTestSuite : public TestSuite
{
  public:
    CrashesTestSuite()
        : TestSuite("dl-crashes", dlcompat::SYSTEM_SUITE)
    {
        AddTestCase(new CrashRestartTestCase("rps"), dlcompat::QUICK);
        AddTestCase(new CrashRestartTestCase("gossip"), dlcompat::QUICK);
        AddTestCase(new CrashRestartTestCase("allreduce"), dlcompat::QUICK);
        AddTestCase(new CrashRestartTestCase("ps", "udp"), dlcompat::QUICK);
        AddTestCase(new RingStallTestCase(Seconds(1)), dlcompat::QUICK);
        AddTestCase(new RingStallTestCase(Time(0)), dlcompat::QUICK);
        AddTestCase(new CrashSpecTestCase, dlcompat::QUICK);
    }
};

/// The suite's one instance.
static CrashesTestSuite g_crashesTestSuite;
