/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Unreliability beyond random drops: links and switches of the fabric that fail and return.

#include "dl-test-utils.h"

#include "ns3/error-model.h"
#include "ns3/pointer.h"
#include "ns3/test.h"

#include <vector>

using namespace ns3;
using namespace ns3::dltest;

namespace
{

/// One phase as a worker ended it.
struct Phase
{
    Time end;          //!< when it ended
    uint32_t expected; //!< units expected
    uint32_t arrived;  //!< units that arrived
};

void
RecordPhase(std::vector<Phase>* phases, uint32_t, uint8_t, uint32_t expected, uint32_t arrived,
            bool)
{
    phases->push_back({Simulator::Now(), expected, arrived});
}

void
RecordTime(std::vector<Time>* times, Ptr<const Packet>, JobDropCounter::Where)
{
    times->push_back(Simulator::Now());
}

void
RecordLink(std::vector<std::pair<uint32_t, bool>>* events, uint32_t link, bool up)
{
    events->push_back({link, up});
}

/// Count the job's packets a device lost at reception (an independent count of the monitor's).
void
CountJobRxDrop(uint64_t* n, Ptr<const Packet> p)
{
    JobTag tag;
    *n += p->PeekPacketTag(tag) ? 1 : 0;
}

/// A job on \p net with phase ends and drops recorded; the monitor watches every device.
struct Recorded
{
    std::vector<Phase> phases;
    std::vector<Time> drops;
    Ptr<RoundMonitor> monitor;

    void Watch(FabricJob& net)
    {
        for (const Ptr<LearningWorker>& w : net.GetWorkers())
        {
            w->GetSync()->TraceConnectWithoutContext("PhaseEnd",
                                                     MakeBoundCallback(&RecordPhase, &phases));
        }
        monitor = net.training.CreateMonitor();
        monitor->WatchDevices(net.fabric.GetDevices());
        monitor->GetDropCounter()->TraceConnectWithoutContext(
            "Drop", MakeBoundCallback(&RecordTime, &drops));
    }

    /// \return units lost in phases that ended in [from, to)
    uint64_t LostBetween(Time from, Time to) const
    {
        uint64_t lost = 0;
        for (const Phase& p : phases)
        {
            lost += p.end >= from && p.end < to ? p.expected - p.arrived : 0;
        }
        return lost;
    }
};

} // namespace

/**
 * \ingroup distributed-learning-tests
 * A leaf-to-spine link fails for good on a loss-free leaf-spine: packets are lost only between
 * the failure and its detection (plus what was queued for the link), routing moves the flows
 * onto the other spine, and every phase after that gets every unit.
 */
class LeafSpineFailoverTestCase : public TestCase
{
  public:
    LeafSpineFailoverTestCase()
        : TestCase("a failed spine link: lost only until routing moves around it")
    {
    }

  private:
    void DoRun() override
    {
        const Time down = MilliSeconds(20);
        const Time detection = MilliSeconds(2);
        FabricJob net;
        net.fabric.SetTopology("leaf-spine");
        net.fabric.SetLeafSpineShape(2, 2);
        net.fabric.SetFailureDetectionDelay(detection);
        net.Install(SmallJob(8, 2, 512));
        std::vector<std::pair<uint32_t, bool>> reroutes;
        net.fabric.GetFabricTopology()->TraceConnectWithoutContext(
            "Reroute", MakeBoundCallback(&RecordLink, &reroutes));
        net.fabric.ScheduleLinkFailure(net.fabric.FindNode("leaf0"), net.fabric.FindNode("spine0"),
                                       down);
        Recorded r;
        r.Watch(net);
        Simulator::Run();

        NS_TEST_ASSERT_MSG_EQ(r.monitor->GetRoundsCompleted(), net.GetWorkers()[0]->GetRoundsDone(),
                              "the job ran to its end");
        NS_TEST_ASSERT_MSG_GT(r.phases.back().end, down + MilliSeconds(20),
                              "the job went on long after the failure");
        NS_TEST_ASSERT_MSG_GT(r.drops.size(), 0u, "the failed link lost packets");
        // The last packets the link lost were queued for it before detection: a full 1000-packet
        // port drains in 1.2 ms at 10 Gb/s.
        for (const Time& t : r.drops)
        {
            NS_TEST_ASSERT_MSG_EQ((t >= down && t < down + detection + MilliSeconds(2)), true,
                                  "a drop at " << t.As(Time::MS) << " outside the failure");
        }
        NS_TEST_ASSERT_MSG_EQ(r.LostBetween(Time(0), down), 0u, "nothing lost before it");
        NS_TEST_ASSERT_MSG_GT(r.LostBetween(down, down + MilliSeconds(10)), 0u,
                              "units lost while routing did not know");
        NS_TEST_ASSERT_MSG_EQ(r.LostBetween(down + MilliSeconds(10), Seconds(100)), 0u,
                              "arrival back to 1 once routed around");
        NS_TEST_ASSERT_MSG_EQ(reroutes.size(), 1u, "routes recomputed once");
        NS_TEST_ASSERT_MSG_EQ(reroutes[0].second, false, "without the link");
        NS_TEST_ASSERT_MSG_EQ(r.monitor->GetPacketsDropped(), r.drops.size(),
                              "packets_dropped counts every packet the link lost");
        Simulator::Destroy();
    }
};

/**
 * \ingroup distributed-learning-tests
 * A host's only link on a star fails and returns: there is no other path, so its units are lost
 * for the whole outage, each lost packet counted once (equal to the link devices' own count), and
 * afterwards the device has its own error model back and every unit arrives again.
 */
class StarOutageTestCase : public TestCase
{
  public:
    StarOutageTestCase()
        : TestCase("a star host's link down and back: its units lost meanwhile, counted")
    {
    }

  private:
    void DoRun() override
    {
        const Time down = MilliSeconds(10);
        const Time up = MilliSeconds(25);
        FabricJob net;
        net.fabric.SetFailureDetectionDelay(MilliSeconds(1));
        net.Install(SmallJob(4, 2, 512));
        Ptr<Node> host = net.fabric.FindNode("host1");
        Ptr<NetDevice> nic = net.fabric.GetHostDevices().Get(1);
        // The user's own receive error model on the NIC (losing nothing): it must come back.
        Ptr<RateErrorModel> own = CreateObject<RateErrorModel>();
        own->SetRate(0.0);
        nic->SetAttribute("ReceiveErrorModel", PointerValue(own));
        net.fabric.ScheduleLinkFailure(host, net.fabric.FindNode("switch"), down, up);
        const uint32_t link = uint32_t(
            net.fabric.GetFabricTopology()->FindLink(host, net.fabric.FindNode("switch")));
        uint64_t linkDrops = 0;
        for (uint32_t end = 0; end < 2; ++end)
        {
            net.fabric.GetFabricTopology()->GetLinkDevice(link, end)->TraceConnectWithoutContext(
                "PhyRxDrop", MakeBoundCallback(&CountJobRxDrop, &linkDrops));
        }
        std::vector<std::pair<uint32_t, bool>> states;
        net.fabric.GetFabricTopology()->TraceConnectWithoutContext(
            "LinkState", MakeBoundCallback(&RecordLink, &states));
        Recorded r;
        r.Watch(net);
        Simulator::Run();

        NS_TEST_ASSERT_MSG_EQ(states.size(), 2u, "down, then up");
        NS_TEST_ASSERT_MSG_GT(r.LostBetween(down, up + MilliSeconds(10)), 0u,
                              "the host's units are lost");
        NS_TEST_ASSERT_MSG_EQ(r.LostBetween(up + MilliSeconds(10), Seconds(100)), 0u,
                              "every unit arrives once the link is back");
        for (const Time& t : r.drops)
        {
            NS_TEST_ASSERT_MSG_EQ((t >= down && t < up + MicroSeconds(20)), true,
                                  "a drop at " << t.As(Time::MS) << " outside the outage");
        }
        NS_TEST_ASSERT_MSG_GT(linkDrops, 0u, "the link's devices lost packets");
        NS_TEST_ASSERT_MSG_EQ(r.monitor->GetPacketsDropped(), linkDrops,
                              "packets_dropped equals the link devices' own count");
        PointerValue model;
        nic->GetAttribute("ReceiveErrorModel", model);
        NS_TEST_ASSERT_MSG_EQ(model.Get<ErrorModel>(), own, "the NIC has its own model back");
        Simulator::Destroy();
    }
};

/**
 * \ingroup distributed-learning-tests
 * Failures written as text: each wrong item gets its reason and nothing is scheduled (all or
 * nothing); a right one takes the links of a switch down and up.
 */
class FailureSpecTestCase : public TestCase
{
  public:
    FailureSpecTestCase()
        : TestCase("failure specifications: reasons for bad ones, all or nothing")
    {
    }

  private:
    void DoRun() override
    {
        FabricHelper fabric;
        fabric.SetTopology("leaf-spine");
        fabric.SetLeafSpineShape(2, 2);
        fabric.Create(4);
        std::vector<std::pair<uint32_t, bool>> states;
        fabric.GetFabricTopology()->TraceConnectWithoutContext(
            "LinkState", MakeBoundCallback(&RecordLink, &states));
        const std::vector<std::pair<std::string, std::string>> bad{
            {"link:leaf0-spine9:1ms", "no node 'spine9' in this leaf-spine"},
            {"link:host0-spine0:1ms", "no link between host0 and spine0"},
            {"link:leaf0-spine0:5ms:2ms", "it must come back (2ms) after it goes down (5ms)"},
            {"link:leaf0-spine0:-1ms", "times must be ns-3 times of at least 0"},
            {"switch:host0:1ms", "host0 is a host, not a switch"},
            {"router:leaf0:1ms", "expected link:NODE-NODE:DOWN[:UP]"},
            {"link:leaf0:1ms", "expected link:NODE-NODE:DOWN[:UP]"},
            {"link:leaf0-spine0:1ms,switch:spine7:2ms", "no node 'spine7'"},
        };
        for (const auto& [spec, reason] : bad)
        {
            const std::string error = fabric.ScheduleFailures(spec);
            NS_TEST_ASSERT_MSG_NE(error.find(reason), std::string::npos,
                                  spec << ": '" << error << "' lacks '" << reason << "'");
        }
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(states.size(), 0u, "nothing was scheduled");
        NS_TEST_ASSERT_MSG_EQ(fabric.ScheduleFailures("switch:spine1:1ms:3ms"), "", "accepted");
        Simulator::Run();
        // spine1 links to both leaves: each goes down, then up.
        NS_TEST_ASSERT_MSG_EQ(states.size(), 4u, "two links down and up");
        NS_TEST_ASSERT_MSG_EQ(fabric.GetNodeName(fabric.GetSwitches().Get(3)), "spine1", "names");
        Simulator::Destroy();
    }
};

/**
 * \ingroup distributed-learning-tests
 * Link and switch failures.
 */
class FailuresTestSuite : public TestSuite
{
  public:
    FailuresTestSuite()
        : TestSuite("dl-failures", dlcompat::SYSTEM_SUITE)
    {
        AddTestCase(new LeafSpineFailoverTestCase, dlcompat::QUICK);
        AddTestCase(new StarOutageTestCase, dlcompat::QUICK);
        AddTestCase(new FailureSpecTestCase, dlcompat::QUICK);
    }
};

/// The suite's one instance.
static FailuresTestSuite g_failuresTestSuite;
