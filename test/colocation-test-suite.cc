/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// The pieces of the colocation study: the droppable-class queue policy on hand-built packets,
// flow-size CDFs, and the FCT of one flow alone on an idle path.

#include "ns3/core-module.h"
#include "ns3/distributed-learning-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/test.h"
#include "ns3/traffic-control-module.h"

#include "dl-test-utils.h"

#include <string>
#include <vector>

using namespace ns3;

/**
 * \ingroup distributed-learning-tests
 * A PrioQueueDisc with the DscpClassFilter: packets marked with the droppable DSCP queue in band
 * 1, everything else in band 0; band 0 is always served first; a full band 1 drops learning
 * packets while web packets still queue.
 */
class DroppableClassTestCase : public TestCase
{
  public:
    DroppableClassTestCase()
        : TestCase("droppable class: web served first, learning dropped first")
    {
    }

  private:
    /// A packet of \p bytes with an IPv4 header of ToS \p tos; its size names it.
    static Ptr<QueueDiscItem> Item(uint32_t bytes, uint8_t tos)
    {
        Ipv4Header h;
        h.SetTos(tos);
        h.SetPayloadSize(bytes);
        return Create<Ipv4QueueDiscItem>(Create<Packet>(bytes), Address(), 0x0800, h);
    }

    void DoRun() override
    {
        Ptr<PrioQueueDisc> disc = CreateObject<PrioQueueDisc>();
        disc->AddPacketFilter(CreateObject<DscpClassFilter>());
        for (const char* size : {"10p", "2p"}) // band 0 (web), band 1 (learning)
        {
            Ptr<FifoQueueDisc> band = CreateObject<FifoQueueDisc>();
            band->SetAttribute("MaxSize", QueueSizeValue(QueueSize(size)));
            Ptr<QueueDiscClass> c = CreateObject<QueueDiscClass>();
            c->SetQueueDisc(band);
            disc->AddQueueDiscClass(c);
        }
        disc->Initialize();
        const uint8_t learning = 8 << 2; // DSCP CS1
        // Learning 101..103 and web 201..203, interleaved; 103 finds band 1 full.
        const std::vector<std::pair<uint32_t, uint8_t>> arrivals
            = {{101, learning}, {201, 0}, {102, learning}, {202, 0}, {103, learning}, {203, 0}};
        std::vector<uint32_t> accepted;
        for (const auto& [bytes, tos] : arrivals)
        {
            if (disc->Enqueue(Item(bytes, tos)))
            {
                accepted.push_back(bytes);
            }
        }
        NS_TEST_ASSERT_MSG_EQ(accepted.size(), 5u, "one packet dropped");
        NS_TEST_ASSERT_MSG_EQ(disc->GetStats().nTotalDroppedPackets, 1u, "one drop counted");
        for (uint32_t b : accepted)
        {
            NS_TEST_ASSERT_MSG_NE(b, 103u, "the third learning packet is the one dropped");
        }
        std::vector<uint32_t> served;
        while (Ptr<QueueDiscItem> item = disc->Dequeue())
        {
            served.push_back(item->GetPacket()->GetSize());
        }
        const std::vector<uint32_t> expect = {201, 202, 203, 101, 102};
        NS_TEST_ASSERT_MSG_EQ(served.size(), expect.size(), "all accepted packets served");
        for (size_t i = 0; i < expect.size() && i < served.size(); ++i)
        {
            NS_TEST_ASSERT_MSG_EQ(served[i], expect[i], "service order, position " << i);
        }
        disc->Dispose();
    }
};

/**
 * \ingroup distributed-learning-tests
 * Flow-size CDFs: quantiles interpolate between points, the mean is the piecewise-linear one,
 * and a table that is not a CDF is refused.
 */
class FlowSizeCdfTestCase : public TestCase
{
  public:
    FlowSizeCdfTestCase()
        : TestCase("flow-size CDF: sampling, mean, refusals")
    {
    }

  private:
    static bool Refused(std::vector<FlowSizeCdf::Point> points)
    {
        try
        {
            FlowSizeCdf cdf(std::move(points), "test");
        }
        catch (const dl::DataError&)
        {
            return true;
        }
        return false;
    }

    void DoRun() override
    {
        FlowSizeCdf cdf({{100, 0.5}, {300, 1.0}}, "test");
        NS_TEST_ASSERT_MSG_EQ(cdf.Sample(0.2), 100u, "below the first point: its size");
        NS_TEST_ASSERT_MSG_EQ(cdf.Sample(0.75), 200u, "halfway between the points");
        NS_TEST_ASSERT_MSG_EQ_TOL(cdf.Mean(), 0.5 * 100 + 0.5 * 200, 1e-9, "mean");
        const FlowSizeCdf web = FlowSizeCdf::WebSearch();
        NS_TEST_ASSERT_MSG_EQ(web.Sample(0.15), 10000u, "web-search: 15% of flows under 10 KB");
        // Segment by segment, (p1 - p0) (s0 + s1) / 2: 750 + 750 + 2500 + 4000 + 8450 + 9800 +
        // 60000 + 150000 + 350000 + 525000 + 600000.
        NS_TEST_ASSERT_MSG_EQ_TOL(web.Mean(), 1711250.0, 1e-6, "web-search mean, by hand");
        NS_TEST_ASSERT_MSG_EQ(Refused({{100, 0.5}, {50, 1.0}}), true, "sizes not increasing");
        NS_TEST_ASSERT_MSG_EQ(Refused({{100, 0.6}, {200, 0.5}, {300, 1.0}}), true,
                              "probabilities decreasing");
        NS_TEST_ASSERT_MSG_EQ(Refused({{100, 0.5}, {200, 0.9}}), true, "not ending at 1");
        NS_TEST_ASSERT_MSG_EQ(Refused({{100, 1.0}}), true, "one point");
    }
};

/**
 * \ingroup distributed-learning-tests
 * One flow alone on an idle 1 Gb/s link completes in its ideal time (two round trips for the
 * handshake and the request, then the response's bytes with their headers at the link rate),
 * within 2%.
 */
class IdleFctTestCase : public TestCase
{
  public:
    IdleFctTestCase()
        : TestCase("FCT of one flow on an idle path")
    {
    }

  private:
    void DoRun() override
    {
        NodeContainer nodes;
        dltest::TwoHosts(nodes, "1Gbps", "10us");
        WebTrafficHelper web;
        web.SetFlowSizes(FlowSizeCdf({{999999, 0}, {1000000, 1}}, "1 MB"));
        web.SetLoad(0.001, DataRate("1Gbps")); // one flow every 8 s per client
        ApplicationContainer apps = web.Install(nodes);
        apps.Stop(Seconds(20));
        web.AssignStreams(1);
        Simulator::Stop(Seconds(30));
        Simulator::Run();
        const std::vector<WebFlowClient::Flow> flows = web.GetFlows();
        Simulator::Destroy();
        NS_TEST_ASSERT_MSG_GT(flows.size(), 2u, "a few flows");
        const Time ideal = WebTrafficHelper::IdealFct(1000000, DataRate("1Gbps"), MicroSeconds(20));
        for (const WebFlowClient::Flow& f : flows)
        {
            NS_TEST_ASSERT_MSG_EQ(f.complete, true, "flow " << f.id << " completes");
            const double fct = (f.finish - f.start).GetSeconds();
            NS_TEST_ASSERT_MSG_EQ_TOL(fct, ideal.GetSeconds(), 0.02 * ideal.GetSeconds(),
                                      "flow of " << f.size << " bytes");
        }
    }
};

/**
 * \ingroup distributed-learning-tests
 * The colocation suite.
 */
class ColocationTestSuite : public TestSuite
{
  public:
    ColocationTestSuite()
        : TestSuite("dl-colocation", dlcompat::UNIT_SUITE)
    {
        AddTestCase(new DroppableClassTestCase, dlcompat::QUICK);
        AddTestCase(new FlowSizeCdfTestCase, dlcompat::QUICK);
        AddTestCase(new IdleFctTestCase, dlcompat::QUICK);
    }
};

/// The suite's instance.
static ColocationTestSuite g_colocationTestSuite;
