/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Adaptive phase timeouts: the wait for a silent peer follows its observed lateness, never falls
// below the fixed rule's, and stays bounded.

#include "dl-test-utils.h"

#include "ns3/boolean.h"
#include "ns3/test.h"

#include <map>
#include <string>

using namespace ns3;
using namespace ns3::dltest;

namespace
{

const Time kTimeout = MilliSeconds(1); //!< the tests' PhaseTimeout

/// Units expected and arrived per round, over every worker and phase.
struct Arrivals
{
    std::map<uint32_t, std::pair<uint64_t, uint64_t>> perRound; //!< round -> (expected, arrived)
};

void
OnPhaseEnd(Arrivals* a, uint32_t round, uint8_t, uint32_t expected, uint32_t arrived, bool)
{
    a->perRound[round].first += expected;
    a->perRound[round].second += arrived;
}

/// The outcome of one run: every worker's parameters per round, the arrivals, and worker 1's
/// lateness estimate of worker 0 at the end.
struct Outcome
{
    History history;
    Arrivals arrivals;
    Time estimateOfSlow;
};

/**
 * 8 RPS workers on a star with PhaseTimeout 1 ms; worker 0 computes \p slowBy longer each step
 * (the straggler "slow:1:..."); host NICs lose \p lossRate of packets.
 */
Outcome
RunRps(bool adaptive, Time slowBy, double lossRate, Time maxLateWait = Time(0))
{
    FabricJob net;
    net.training.SetAlgorithm("rps", "PhaseTimeout", TimeValue(kTimeout), "AdaptiveTimeout",
                              BooleanValue(adaptive), "MaxLateWait", TimeValue(maxLateWait));
    if (slowBy.IsStrictlyPositive())
    {
        const std::string bad = net.training.SetStragglers(
            "slow:1:" + std::to_string(slowBy.GetMicroSeconds()) + "us");
        NS_ABORT_MSG_IF(!bad.empty(), bad);
    }
    if (lossRate > 0)
    {
        net.loss.SetModel("bernoulli", lossRate);
    }
    Outcome out;
    net.Install(SmallJob(8, 1, 1024));
    net.loss.AssignStreams(0); // the same losses in every run of the process
    net.training.AssignStreams(100);
    RecordRounds(net.training, &out.history);
    for (const Ptr<LearningWorker>& w : net.GetWorkers())
    {
        w->GetSync()->TraceConnectWithoutContext("PhaseEnd",
                                                 MakeBoundCallback(&OnPhaseEnd, &out.arrivals));
    }
    Simulator::Run();
    Ptr<BlockExchangeSync> fast = DynamicCast<BlockExchangeSync>(net.GetWorkers()[1]->GetSync());
    out.estimateOfSlow = fast->GetLatenessEstimate(0);
    Simulator::Destroy();
    return out;
}

} // namespace

/**
 * \ingroup distributed-learning-tests
 * The adaptive rule only ever adds to the fixed one's wait: bounded to one timeout
 * (MaxLateWait = PhaseTimeout) it is the fixed rule, bit for bit, with a worker 10 timeouts late
 * and 10% loss -- the same parameters at every worker after every round and the same arrivals.
 */
class AdaptiveAsFixedTestCase : public TestCase
{
  public:
    AdaptiveAsFixedTestCase()
        : TestCase("adaptive timeouts bounded to one timeout are the fixed rule")
    {
    }

  private:
    void DoRun() override
    {
        const Outcome fixed = RunRps(false, kTimeout * 10, 0.1);
        const Outcome bounded = RunRps(true, kTimeout * 10, 0.1, kTimeout);
        NS_TEST_ASSERT_MSG_EQ(fixed.history.size(), 8u, "8 rounds");
        NS_TEST_ASSERT_MSG_EQ((fixed.history == bounded.history), true,
                              "MaxLateWait = PhaseTimeout changed the results");
        NS_TEST_ASSERT_MSG_EQ((fixed.arrivals.perRound == bounded.arrivals.perRound), true,
                              "MaxLateWait = PhaseTimeout changed the arrivals");
        NS_TEST_ASSERT_MSG_GT(bounded.estimateOfSlow, kTimeout * 5, "lateness not followed");
    }
};

/**
 * \ingroup distributed-learning-tests
 * Worker 0 is 5 timeouts late every round. The fixed rule gives up on it in every round (its
 * units are lost at the others); the adaptive one learns its lateness from the first round (the
 * estimate reaches the delay) and, from the second round on, every unit of every phase arrives.
 * With MaxLateWait at 3 timeouts the wait stays bounded and it is given up on again.
 */
class AdaptiveLearnsLatenessTestCase : public TestCase
{
  public:
    AdaptiveLearnsLatenessTestCase()
        : TestCase("adaptive timeouts wait for a slow worker after a few rounds, within bounds")
    {
    }

  private:
    void DoRun() override
    {
        const Time delay = kTimeout * 5;
        const Outcome fixed = RunRps(false, delay, 0);
        const Outcome adaptive = RunRps(true, delay, 0);
        const Outcome bounded = RunRps(true, delay, 0, kTimeout * 3);
        NS_TEST_ASSERT_MSG_EQ(fixed.arrivals.perRound.size(), 8u, "8 rounds (1 epoch)");
        NS_TEST_ASSERT_MSG_EQ(adaptive.arrivals.perRound.size(), 8u, "adaptive: 8 rounds");
        for (const auto& [round, units] : fixed.arrivals.perRound)
        {
            NS_TEST_ASSERT_MSG_LT(units.second, units.first,
                                  "fixed: the slow worker's units arrived in round " << round);
            const auto& b = bounded.arrivals.perRound.at(round);
            NS_TEST_ASSERT_MSG_LT(b.second, b.first,
                                  "MaxLateWait 3 ms: waited 5 ms in round " << round);
        }
        for (const auto& [round, units] : adaptive.arrivals.perRound)
        {
            if (round >= 1)
            {
                NS_TEST_ASSERT_MSG_EQ(units.second, units.first,
                                      "adaptive: units lost in round " << round);
            }
        }
        NS_TEST_ASSERT_MSG_GT_OR_EQ(adaptive.estimateOfSlow, delay,
                                    "the estimate has not reached the delay");
        NS_TEST_ASSERT_MSG_LT(adaptive.estimateOfSlow, delay * 2, "the estimate overshoots");
        NS_TEST_ASSERT_MSG_EQ(fixed.estimateOfSlow, Time(0), "fixed rule: no estimate kept");
    }
};

/**
 * \ingroup distributed-learning-tests
 * Adaptive phase timeouts of the block exchange.
 */
class TimeoutsTestSuite : public TestSuite
{
  public:
    TimeoutsTestSuite()
        : TestSuite("dl-timeouts", dlcompat::SYSTEM_SUITE)
    {
        AddTestCase(new AdaptiveAsFixedTestCase, dlcompat::QUICK);
        AddTestCase(new AdaptiveLearnsLatenessTestCase, dlcompat::QUICK);
    }
};

static TimeoutsTestSuite g_timeoutsTestSuite; //!< registers the suite
