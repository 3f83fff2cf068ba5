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

namespace
{

/// A packet of \p bytes with an IPv4 header of ToS \p tos; its size names it.
Ptr<QueueDiscItem>
Item(uint32_t bytes, uint8_t tos)
{
    Ipv4Header h;
    h.SetTos(tos);
    h.SetPayloadSize(bytes);
    return Create<Ipv4QueueDiscItem>(Create<Packet>(bytes), Address(), 0x0800, h);
}

/// DSCP CS1, the droppable class, as a ToS byte.
constexpr uint8_t LEARNING_TOS = 8 << 2;

/// \return the sizes (the names) of the packets \p disc serves, in order, until it is empty
std::vector<uint32_t>
Drain(Ptr<QueueDisc> disc)
{
    std::vector<uint32_t> served;
    while (Ptr<QueueDiscItem> item = disc->Dequeue())
    {
        served.push_back(item->GetPacket()->GetSize());
    }
    return served;
}

} // namespace

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
        const uint8_t learning = LEARNING_TOS;
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
        const std::vector<uint32_t> served = Drain(disc);
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
 * The SharedBufferQueueDisc with the DscpClassFilter: learning packets may fill the whole
 * buffer, a web packet that finds it full pushes out the oldest learning packet (counted as a
 * drop, through the Drop trace), a learning packet that finds it full is dropped, and a web
 * packet is dropped only when web packets fill it.
 */
class SharedBufferTestCase : public TestCase
{
  public:
    SharedBufferTestCase()
        : TestCase("shared buffer: learning gets what web leaves, pushed out oldest first")
    {
    }

  private:
    static void CountDrop(uint32_t* drops, Ptr<const QueueDiscItem>)
    {
        ++*drops;
    }

    void DoRun() override
    {
        Ptr<SharedBufferQueueDisc> disc = CreateObject<SharedBufferQueueDisc>();
        disc->SetAttribute("MaxSize", QueueSizeValue(QueueSize("4p")));
        disc->AddPacketFilter(CreateObject<DscpClassFilter>());
        uint32_t traced = 0;
        disc->TraceConnectWithoutContext("Drop", MakeBoundCallback(&CountDrop, &traced));
        disc->Initialize();
        for (uint32_t b : {101, 102, 103, 104})
        {
            NS_TEST_ASSERT_MSG_EQ(disc->Enqueue(Item(b, LEARNING_TOS)), true,
                                  "learning fills the empty buffer");
        }
        NS_TEST_ASSERT_MSG_EQ(disc->Enqueue(Item(105, LEARNING_TOS)), false,
                              "learning finds the buffer full: dropped");
        NS_TEST_ASSERT_MSG_EQ(disc->Enqueue(Item(201, 0)), true, "web pushes out 101");
        NS_TEST_ASSERT_MSG_EQ(disc->Enqueue(Item(202, 0)), true, "web pushes out 102");
        NS_TEST_ASSERT_MSG_EQ(disc->GetNPackets(), 4u, "never more than the buffer");
        NS_TEST_ASSERT_MSG_EQ(traced, 3u, "three drops traced: 105, 101, 102");
        const QueueDisc::Stats& stats = disc->GetStats();
        NS_TEST_ASSERT_MSG_EQ(stats.GetNDroppedPackets(SharedBufferQueueDisc::PUSHED_OUT_DROP), 2u,
                              "two pushed out");
        const std::vector<uint32_t> served = Drain(disc);
        const std::vector<uint32_t> expect = {201, 202, 103, 104};
        NS_TEST_ASSERT_MSG_EQ(served.size(), expect.size(), "what was kept is served");
        for (size_t i = 0; i < expect.size() && i < served.size(); ++i)
        {
            NS_TEST_ASSERT_MSG_EQ(served[i], expect[i], "web first, then learning in order, " << i);
        }
        // Web alone fills it; then a web arrival has nothing below it to push out.
        for (uint32_t b : {211, 212, 213, 214})
        {
            disc->Enqueue(Item(b, 0));
        }
        NS_TEST_ASSERT_MSG_EQ(disc->Enqueue(Item(215, 0)), false, "web drops only on web");
        NS_TEST_ASSERT_MSG_EQ(stats.GetNDroppedPackets(SharedBufferQueueDisc::LIMIT_EXCEEDED_DROP),
                              2u, "105 and 215 dropped on arrival");
        NS_TEST_ASSERT_MSG_EQ(disc->GetNPackets(), 4u, "the buffer holds four web packets");
        disc->Dispose();

        // In bytes: a packet larger than the whole buffer is dropped and pushes nothing out.
        Ptr<SharedBufferQueueDisc> bytes = CreateObject<SharedBufferQueueDisc>();
        bytes->SetAttribute("MaxSize", QueueSizeValue(QueueSize("1000B")));
        bytes->AddPacketFilter(CreateObject<DscpClassFilter>());
        bytes->Initialize();
        bytes->Enqueue(Item(300, LEARNING_TOS));
        NS_TEST_ASSERT_MSG_EQ(bytes->Enqueue(Item(2000, 0)), false, "larger than the buffer");
        NS_TEST_ASSERT_MSG_EQ(bytes->GetNPackets(), 1u, "the learning packet stays");
        NS_TEST_ASSERT_MSG_EQ(bytes->Enqueue(Item(600, 0)), true, "a web packet that fits");
        NS_TEST_ASSERT_MSG_EQ(Drain(bytes).size(), 2u, "both kept: 600 + 300 + headers fit");
        bytes->Dispose();
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
            NS_TEST_ASSERT_MSG_EQ(f.timeouts, 0u, "no loss, no timeout");
            const double fct = (f.finish - f.start).GetSeconds();
            NS_TEST_ASSERT_MSG_EQ_TOL(fct, ideal.GetSeconds(), 0.02 * ideal.GetSeconds(),
                                      "flow of " << f.size << " bytes");
        }
    }
};

/**
 * \ingroup distributed-learning-tests
 * An error model that drops the first TCP segment it receives that is a SYN (or, set so, the
 * first that carries data), and nothing else: one loss, placed where a test wants it.
 */
class FirstSegmentErrorModel : public ErrorModel
{
  public:
    /** \param data drop the first data segment (else the first SYN) */
    explicit FirstSegmentErrorModel(bool data)
        : m_data(data)
    {
    }

  private:
    bool DoCorrupt(Ptr<Packet> p) override
    {
        Ptr<Packet> copy = p->Copy();
        PppHeader ppp;
        Ipv4Header ip;
        TcpHeader tcp;
        copy->RemoveHeader(ppp);
        copy->RemoveHeader(ip);
        if (m_dropped || ip.GetProtocol() != TcpL4Protocol::PROT_NUMBER)
        {
            return false;
        }
        copy->RemoveHeader(tcp);
        const bool hit = m_data ? copy->GetSize() > 0 : (tcp.GetFlags() & TcpHeader::SYN) != 0;
        m_dropped = hit;
        return hit;
    }

    void DoReset() override
    {
    }

    bool m_data;           //!< drop data (else a SYN)
    bool m_dropped{false}; //!< dropped already
};

/**
 * \ingroup distributed-learning-tests
 * A flow's retransmission timeouts: a lost SYN counts one (the connection timer), a lost last
 * data segment counts one (an RTO at the server, whose count GetFlows adds to the client's),
 * and either costs the flow at least the minimum RTO; flows without loss count none.
 */
class FlowTimeoutsTestCase : public TestCase
{
  public:
    FlowTimeoutsTestCase()
        : TestCase("web flows count their retransmission timeouts, at both ends")
    {
    }

  private:
    /// Flows from host 0 to host 1 of one segment, the \p data or SYN segment dropped once at
    /// the receiving host (1 for the SYN, 0 for the response).
    static std::vector<WebFlowClient::Flow> Run(bool data)
    {
        NodeContainer nodes;
        dltest::TwoHosts(nodes, "1Gbps", "10us");
        const uint32_t at = data ? 0 : 1;
        nodes.Get(at)->GetDevice(0)->SetAttribute(
            "ReceiveErrorModel", PointerValue(CreateObject<FirstSegmentErrorModel>(data)));
        WebTrafficHelper web;
        web.SetFlowSizes(FlowSizeCdf({{999, 0}, {1000, 1}}, "1 KB"));
        web.SetLoad(0.00001, DataRate("1Gbps")); // a flow every 0.8 s
        ApplicationContainer apps = web.Install(nodes);
        apps.Get(3)->SetAttribute("ArrivalRate", DoubleValue(0)); // host 1 asks for nothing
        apps.Stop(Seconds(4));
        web.AssignStreams(1);
        Simulator::Stop(Seconds(6));
        Simulator::Run();
        std::vector<WebFlowClient::Flow> flows = web.GetFlows();
        Simulator::Destroy();
        return flows;
    }

    void DoRun() override
    {
        for (bool data : {false, true})
        {
            const std::vector<WebFlowClient::Flow> flows = Run(data);
            NS_TEST_ASSERT_MSG_GT(flows.size(), 2u, "a few flows");
            for (const WebFlowClient::Flow& f : flows)
            {
                const bool first = &f == &flows.front();
                NS_TEST_ASSERT_MSG_EQ(f.complete, true, "flow " << f.id << " completes");
                NS_TEST_ASSERT_MSG_EQ(f.timeouts, first ? 1u : 0u,
                                      (data ? "data" : "SYN") << " lost, flow " << f.id);
                NS_TEST_ASSERT_MSG_EQ((f.finish - f.start >= MilliSeconds(10)), first,
                                      "only the flow with a timeout waits one out, " << f.id);
            }
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
        AddTestCase(new SharedBufferTestCase, dlcompat::QUICK);
        AddTestCase(new FlowSizeCdfTestCase, dlcompat::QUICK);
        AddTestCase(new IdleFctTestCase, dlcompat::QUICK);
        AddTestCase(new FlowTimeoutsTestCase, dlcompat::QUICK);
    }
};

/// The suite's instance.
static ColocationTestSuite g_colocationTestSuite;
