/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// dl-colocation: a training job and latency-sensitive web traffic on one leaf-spine fabric, the
// experiment behind the second claim of Yu et al. (ICML 2019): if learning traffic may be
// dropped, the other traffic on the fabric gets faster. One run is one mode at one load:
//
//   reliable       ring AllReduce over TCP, learning and web traffic at the same priority
//   rps            RPS over UDP, same priority
//   rps-droppable  RPS over UDP marked DSCP CS1; switch ports serve the web class first and
//                  queue (and drop) the learning class in a band of its own; with
//                  --buffer=shared the two classes share one port buffer, web packets pushing
//                  learning packets out (SharedBufferQueueDisc)
//   none           the web traffic alone: the reference
//
// Learning loss is not set by an error model: it comes from congestion and is measured.
// Web flows arrive while the job trains, for at most --webDuration (none: that long). Writes
// flows.csv (one row per web flow, with its retransmission timeouts), training.csv (dl-train's
// columns) and summary.csv (one row: FCT and slowdown percentiles, stalled small flows, web
// packets dropped by place) in --output.
//
//   ./dl-colocation --mode=rps-droppable --load=0.4 --output=results/colocation/rps-droppable-0.4

#include "ns3/core-module.h"
#include "ns3/distributed-learning-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/traffic-control-module.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("DlColocation");

namespace
{

/// One line on stderr, and exit 1: bad input never gets as far as a summary.
[[noreturn]] void
Fail(const std::string& what)
{
    std::cerr << "dl-colocation: error: " << what << std::endl;
    std::exit(1);
}

/// \return true if \p text is an ns-3 time ("2s", "500ms"), stored in \p time
bool
ParseTime(const std::string& text, Time* time)
{
    TimeValue value;
    if (!value.DeserializeFromString(text, MakeTimeChecker()))
    {
        return false;
    }
    *time = value.Get();
    return true;
}

/// Size class of a flow (small < 100 KB, medium < 10 MB, large).
const char*
SizeClass(uint64_t bytes)
{
    return bytes < 100000 ? "small" : bytes < 10000000 ? "medium" : "large";
}

/// The nearest-rank \p q quantile of \p v (sorted here), or NaN if it is empty.
double
Quantile(std::vector<double> v, double q)
{
    if (v.empty())
    {
        return std::nan("");
    }
    std::sort(v.begin(), v.end());
    const size_t rank = size_t(std::ceil(q * double(v.size())));
    return v[std::max<size_t>(rank, 1) - 1];
}

/// Learning units expected and arrived, over every phase of the job.
struct Arrivals
{
    uint64_t expected{0}; //!< units expected
    uint64_t arrived{0};  //!< of which arrived
};

void
OnPhaseEnd(Arrivals* a, uint32_t, uint8_t, uint32_t expected, uint32_t arrived, bool)
{
    a->expected += expected;
    a->arrived += arrived;
}

/// Where a queue disc dropped a packet: a host's NIC, a switch port towards a host, a leaf's
/// port up to a spine, a spine's port down to a leaf.
enum Place
{
    HOST_NIC,
    TO_HOST,
    UP,
    DOWN,
    PLACES
};

/// Packets the queue discs dropped, web and learning, by place.
struct Drops
{
    uint64_t web[PLACES]{};      //!< web packets (TCP to or from the web servers' port)
    uint64_t learning[PLACES]{}; //!< the others: the job's
    uint16_t webPort{80};        //!< the web servers' port
};

/// \return true if \p item is a web packet: TCP to or from \p port
bool
IsWeb(Ptr<const QueueDiscItem> item, uint16_t port)
{
    Ptr<const Ipv4QueueDiscItem> ip = DynamicCast<const Ipv4QueueDiscItem>(item);
    if (!ip || ip->GetHeader().GetProtocol() != TcpL4Protocol::PROT_NUMBER)
    {
        return false;
    }
    TcpHeader tcp;
    item->GetPacket()->PeekHeader(tcp);
    return tcp.GetSourcePort() == port || tcp.GetDestinationPort() == port;
}

void
OnQueueDiscDrop(Drops* drops, Place place, Ptr<const QueueDiscItem> item)
{
    ++(IsWeb(item, drops->webPort) ? drops->web : drops->learning)[place];
}

/// Count the drops of the root queue disc of every device of \p fabric, by place.
void
WatchDrops(const FabricHelper& fabric, Drops* drops)
{
    std::set<uint32_t> hosts;
    for (auto it = fabric.GetHosts().Begin(); it != fabric.GetHosts().End(); ++it)
    {
        hosts.insert((*it)->GetId());
    }
    // A switch with a host behind any port is a leaf.
    std::set<uint32_t> leaves;
    const NetDeviceContainer& devices = fabric.GetDevices();
    for (auto it = devices.Begin(); it != devices.End(); it += 2)
    {
        const uint32_t a = (*it)->GetNode()->GetId();
        const uint32_t b = (*(it + 1))->GetNode()->GetId();
        if (hosts.count(a) || hosts.count(b))
        {
            leaves.insert(hosts.count(a) ? b : a);
        }
    }
    for (uint32_t i = 0; i < devices.GetN(); ++i)
    {
        Ptr<NetDevice> d = devices.Get(i);
        Ptr<NetDevice> peer = devices.Get(i ^ 1); // links are consecutive pairs
        const uint32_t node = d->GetNode()->GetId();
        const Place place = hosts.count(node)                       ? HOST_NIC
                            : hosts.count(peer->GetNode()->GetId()) ? TO_HOST
                            : leaves.count(node)                    ? UP
                                                                    : DOWN;
        Ptr<QueueDisc> disc
            = d->GetNode()->GetObject<TrafficControlLayer>()->GetRootQueueDiscOnDevice(d);
        if (disc)
        {
            disc->TraceConnectWithoutContext("Drop",
                                             MakeBoundCallback(&OnQueueDiscDrop, drops, place));
        }
    }
}

/// What a run waits for: the job's last round, the end of web arrivals, the open flows.
struct Progress
{
    Ptr<RoundMonitor> monitor;               //!< the job's (null: no job)
    Ptr<TrainingJob> job;                    //!< the job (null: none)
    std::vector<Ptr<WebFlowClient>> clients; //!< the web clients
    Time webLimit;                           //!< web flows arrive until then at the latest
    Time drain;                              //!< open flows may run on this long after both
    Time trainingEnd;                        //!< when the job's last round ended
    Time arrivalsEnd;                        //!< when web arrivals stopped
};

/// Web flows arrive while the job trains, up to the web limit; the run ends when the job is
/// done and the flows are complete (or the drain time is up).
void
Watch(Progress* p)
{
    const bool trained
        = !p->monitor || p->monitor->GetRoundsCompleted() >= p->job->GetTotalRounds();
    if (p->monitor && trained && p->trainingEnd.IsZero())
    {
        p->trainingEnd = Simulator::Now();
    }
    if (p->arrivalsEnd.IsZero() && (Simulator::Now() >= p->webLimit || (p->monitor && trained)))
    {
        p->arrivalsEnd = Simulator::Now();
        for (const Ptr<WebFlowClient>& c : p->clients)
        {
            c->StopArrivals();
        }
    }
    bool open = false;
    for (const Ptr<WebFlowClient>& c : p->clients)
    {
        open |= c->GetOpenFlows() > 0;
    }
    const bool arriving = p->arrivalsEnd.IsZero();
    const Time settled = std::max(p->trainingEnd, p->arrivalsEnd);
    if (!trained || arriving || (open && Simulator::Now() < settled + p->drain))
    {
        Simulator::Schedule(MicroSeconds(100), &Watch, p);
        return;
    }
    Simulator::Stop();
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string mode = "rps-droppable";
    double load = 0.3;
    uint32_t workers = 16;
    uint32_t webHosts = 16;
    uint32_t hostsPerLeaf = 8;
    uint32_t spines = 4;
    std::string linkRate = "10Gbps";
    std::string linkDelay = "5us";
    uint32_t portBuffer = 200;
    std::string buffer = "per-band";
    std::string flowCdf;
    std::string webDuration = "1s";
    std::string drain = "2s";
    std::string deadline = "60s";
    uint64_t seed = 1;
    std::string output = "results/colocation";
    TrainingConfig cfg;
    cfg.epochs = 0.5;
    cfg.testSubset = 2000;
    uint32_t evalEvery = 10;

    CommandLine cmd(__FILE__);
    cmd.Usage("A training job beside latency-sensitive web traffic on one leaf-spine fabric.");
    cmd.AddValue("mode", "reliable | rps | rps-droppable | none", mode);
    cmd.AddValue("load", "web load of each web host's access link, in (0, 1)", load);
    cmd.AddValue("workers", "training workers", workers);
    cmd.AddValue("webHosts", "hosts running web clients and servers", webHosts);
    cmd.AddValue("hostsPerLeaf", "hosts per leaf switch (workers and web hosts alternate)",
                 hostsPerLeaf);
    cmd.AddValue("spines", "spine switches", spines);
    cmd.AddValue("linkRate", "rate of every link", linkRate);
    cmd.AddValue("linkDelay", "propagation delay of every link", linkDelay);
    cmd.AddValue("portBuffer", "packets a switch port queues (per class with rps-droppable)",
                 portBuffer);
    cmd.AddValue("buffer",
                 "rps-droppable's switch ports: per-band (each class its own portBuffer) or "
                 "shared (one portBuffer; web packets push learning packets out)",
                 buffer);
    cmd.AddValue("flowCdf",
                 "flow-size CDF file, 'bytes probability' per line (default: web-search)", flowCdf);
    cmd.AddValue("webDuration",
                 "web flows arrive while the job trains, for at most this long (none: this long)",
                 webDuration);
    cmd.AddValue("drain", "how long open web flows may run on after the last arrival", drain);
    cmd.AddValue("deadline", "simulated time by which training must end (else: an error)",
                 deadline);
    cmd.AddValue("model", "softmax | mlp | cnn | resnet20 | resnet32 | resnet56 | resnet110",
                 cfg.model);
    cmd.AddValue("epochs", "training epochs", cfg.epochs);
    cmd.AddValue("trainSubset", "use the first N training samples (0: all)", cfg.trainSubset);
    cmd.AddValue("testSubset", "test images per results row (0: all)", cfg.testSubset);
    cmd.AddValue("evalEvery", "rounds between training results rows", evalEvery);
    cmd.AddValue("seed", "seed of the network and the trainer", seed);
    cmd.AddValue("threads", "threads for local steps and evaluations, 0 to 256 (0: one per core)",
                 cfg.threads);
    cmd.AddValue("output", "folder for flows.csv, training.csv and summary.csv", output);
    cmd.Parse(argc, argv);

    const std::map<std::string, std::string> algorithms
        = {{"reliable", "ring-allreduce"}, {"rps", "rps"}, {"rps-droppable", "rps"}, {"none", ""}};
    if (algorithms.count(mode) == 0)
    {
        Fail("unknown --mode '" + mode + "' (expected reliable, rps, rps-droppable or none)");
    }
    if (buffer != "per-band" && buffer != "shared")
    {
        Fail("unknown --buffer '" + buffer + "' (expected per-band or shared)");
    }
    if (buffer == "shared" && mode != "rps-droppable")
    {
        Fail("--buffer=shared needs --mode=rps-droppable (the other modes have one class)");
    }
    if (!(load > 0 && load < 1))
    {
        Fail("--load must lie in (0, 1), got " + std::to_string(load));
    }
    // A negative window or deadline would end the run before it began and write a summary of
    // nothing (NaN percentiles) as if it were a result.
    Time webWindow;
    Time drainTime;
    Time deadlineTime;
    if (!ParseTime(webDuration, &webWindow) || !webWindow.IsStrictlyPositive())
    {
        Fail("--webDuration must be a positive time, got '" + webDuration + "'");
    }
    if (!ParseTime(drain, &drainTime) || drainTime.IsStrictlyNegative())
    {
        Fail("--drain must be a time of at least 0, got '" + drain + "'");
    }
    if (!ParseTime(deadline, &deadlineTime) || !deadlineTime.IsStrictlyPositive())
    {
        Fail("--deadline must be a positive time, got '" + deadline + "'");
    }
    if (workers < 2 || webHosts < 2 || hostsPerLeaf < 2 || portBuffer < 1)
    {
        Fail("need at least 2 workers, 2 web hosts, 2 hosts per leaf and a 1-packet buffer");
    }
    const bool training = mode != "none";
    std::shared_ptr<FlowSizeCdf> sizes;
    Ptr<TrainingJob> job;
    try
    {
        sizes = std::make_shared<FlowSizeCdf>(flowCdf.empty() ? FlowSizeCdf::WebSearch()
                                                              : FlowSizeCdf::Load(flowCdf));
        cfg.workers = workers;
        cfg.seed = seed;
        if (training)
        {
            job = TrainingJob::Create(cfg);
        }
    }
    catch (const dl::DataError& e)
    {
        Fail(TrainingJob::AsFlags(e.what()));
    }
    RngSeedManager::SetSeed(uint32_t(seed));

    // Hosts alternate between the job and the web within each leaf: every rack has both.
    FabricHelper fabric;
    fabric.SetTopology("leaf-spine");
    fabric.SetLeafSpineShape(hostsPerLeaf, spines);
    fabric.SetLinkRate(DataRate(linkRate));
    fabric.SetLinkDelay(Time(linkDelay));
    fabric.SetQueueSize(QueueSize("2p")); // the queue discs below hold the queue
    TrafficControlHelper ports;
    const QueueSize portSize(std::to_string(portBuffer) + "p");
    if (buffer == "shared")
    {
        const uint16_t root = ports.SetRootQueueDisc("ns3::SharedBufferQueueDisc", "MaxSize",
                                                     QueueSizeValue(portSize));
        ports.AddPacketFilter(root, "ns3::DscpClassFilter");
    }
    else if (mode == "rps-droppable")
    {
        const uint16_t root = ports.SetRootQueueDisc("ns3::PrioQueueDisc");
        ports.AddPacketFilter(root, "ns3::DscpClassFilter");
        auto classes = ports.AddQueueDiscClasses(root, 2, "ns3::QueueDiscClass");
        for (auto c : classes)
        {
            ports.AddChildQueueDisc(root, c, "ns3::FifoQueueDisc", "MaxSize",
                                    QueueSizeValue(portSize));
        }
    }
    else
    {
        ports.SetRootQueueDisc("ns3::FifoQueueDisc", "MaxSize", QueueSizeValue(portSize));
    }
    fabric.SetSwitchQueueDisc(ports);
    NodeContainer hosts = fabric.Create(workers + webHosts);
    fabric.InstallStack(InternetStackHelper());
    fabric.AssignIpv4Addresses(Ipv4AddressHelper("10.3.0.0", "255.255.255.252"));
    Drops drops;
    WatchDrops(fabric, &drops);
    NodeContainer workerNodes;
    NodeContainer webNodes;
    std::map<Ipv4Address, uint32_t> hostOf;
    for (uint32_t i = 0; i < hosts.GetN(); ++i)
    {
        const bool worker
            = (workerNodes.GetN() < workers && i % 2 == 0) || webNodes.GetN() == webHosts;
        (worker ? workerNodes : webNodes).Add(hosts.Get(i));
        hostOf[hosts.Get(i)->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal()] = i;
    }

    DistributedLearningHelper learning;
    Ptr<RoundMonitor> monitor;
    Arrivals arrivals;
    if (training)
    {
        learning.SetAlgorithm(algorithms.at(mode));
        learning.SetPathEstimate(fabric.GetLinkRate(), fabric.GetMaxPathDelay());
        if (mode == "rps-droppable")
        {
            learning.SetTransportAttribute("Tos", UintegerValue(0x20)); // DSCP CS1
        }
        learning.Install(workerNodes, job);
        monitor = learning.CreateMonitor();
        monitor->SetAttribute("Deadline", TimeValue(deadlineTime));
        monitor->SetAttribute("EvalEvery", UintegerValue(evalEvery));
        monitor->SetAttribute("StopWhenDone", BooleanValue(false)); // the web flows drain
        monitor->WatchDevices(fabric.GetDevices());
        for (const Ptr<LearningWorker>& w : learning.GetWorkers())
        {
            w->GetSync()->TraceConnectWithoutContext("PhaseEnd",
                                                     MakeBoundCallback(&OnPhaseEnd, &arrivals));
        }
    }

    WebTrafficHelper web;
    web.SetFlowSizes(*sizes);
    web.SetLoad(load, fabric.GetLinkRate());
    ApplicationContainer apps = web.Install(webNodes);
    std::vector<Ptr<WebFlowClient>> clients;
    for (uint32_t i = 0; i < apps.GetN(); ++i)
    {
        if (Ptr<WebFlowClient> c = DynamicCast<WebFlowClient>(apps.Get(i)))
        {
            clients.push_back(c);
        }
    }
    int64_t stream = 1000;
    stream += fabric.AssignStreams(stream);
    web.AssignStreams(stream);

    Progress progress{monitor, job, clients, webWindow, drainTime, Time(), Time()};
    Simulator::ScheduleNow(&Watch, &progress);
    Simulator::Run();

    // A training that did not finish writes nothing: no file may look like a finished run's.
    if (training)
    {
        if (!monitor->GetIncomplete().empty() || !monitor->GetDivergence().empty())
        {
            Fail("the training did not complete: " + monitor->GetIncomplete()
                 + monitor->GetDivergence());
        }
    }
    // Flows, one row each; FCT percentiles over the completed ones.
    SystemPath::MakeDirectories(output);
    const std::vector<WebFlowClient::Flow> flows = web.GetFlows();
    std::vector<double> fct;
    std::vector<double> fctSmall;
    std::vector<double> slowdown;
    uint32_t incomplete = 0;
    uint32_t smallStalled = 0; // small flows with at least one retransmission timeout
    uint64_t timeouts = 0;
    const std::string flowsPath = output + "/flows.csv";
    {
        std::ofstream out(flowsPath + ".tmp");
        out << "mode,load,client,flow,server,size_bytes,size_class,start_s,fct_s,ideal_fct_s,"
               "slowdown,complete,timeouts\n";
        char line[512];
        for (const WebFlowClient::Flow& f : flows)
        {
            const uint32_t a = f.client - hosts.Get(0)->GetId();
            const uint32_t b = hostOf.at(f.server);
            const uint32_t links = a / hostsPerLeaf == b / hostsPerLeaf ? 2 : 4;
            const Time ideal = WebTrafficHelper::IdealFct(f.size, fabric.GetLinkRate(),
                                                          Time(linkDelay) * int64_t(2 * links));
            const double t = f.complete ? (f.finish - f.start).GetSeconds() : std::nan("");
            std::snprintf(line, sizeof(line), "%s,%g,%u,%u,%u,%llu,%s,%.9f,%.9f,%.9f,%.6f,%d,%u\n",
                          mode.c_str(), load, a, f.id, b, (unsigned long long)f.size,
                          SizeClass(f.size), f.start.GetSeconds(), t, ideal.GetSeconds(),
                          t / ideal.GetSeconds(), f.complete ? 1 : 0, f.timeouts);
            out << line;
            timeouts += f.timeouts;
            if (!f.complete)
            {
                ++incomplete;
                continue;
            }
            fct.push_back(t);
            slowdown.push_back(t / ideal.GetSeconds());
            if (f.size < 100000)
            {
                fctSmall.push_back(t);
                smallStalled += f.timeouts > 0 ? 1 : 0;
            }
        }
        out.close();
        if (!out || std::rename((flowsPath + ".tmp").c_str(), flowsPath.c_str()) != 0)
        {
            Fail("cannot write " + flowsPath);
        }
    }
    double finalLoss = std::nan("");
    double finalAccuracy = std::nan("");
    const double simTime = (training ? progress.trainingEnd : progress.arrivalsEnd).GetSeconds();
    if (training)
    {
        if (!monitor->WriteCsv(output + "/training.csv") || monitor->GetRows().empty())
        {
            Fail("cannot write " + output + "/training.csv");
        }
        finalLoss = monitor->GetRows().back().trainLoss;
        finalAccuracy = monitor->GetRows().back().testAccuracy;
    }
    // Over TCP (reliable) every byte arrives: its loss shows as time, not as missing units.
    const double arrival = !training ? std::nan("")
                           : arrivals.expected == 0
                               ? 1.0
                               : double(arrivals.arrived) / double(arrivals.expected);
    const std::string summaryPath = output + "/summary.csv";
    {
        std::ofstream out(summaryPath + ".tmp");
        out << "mode,load,web_flows,fct_p50_s,fct_p99_s,fct_p99_small_s,learning_arrival_rate,"
               "final_train_loss,final_test_accuracy,sim_time_s,web_flows_incomplete,"
               "slowdown_p50,slowdown_p99,web_window_s,flow_cdf,seed,small_flows,small_stalled,"
               "slowdown_mean,web_timeouts,web_drops_host_nic,web_drops_to_host,web_drops_up,"
               "web_drops_down,learning_drops,buffer\n";
        double slowdownSum = 0;
        for (double x : slowdown)
        {
            slowdownSum += x;
        }
        uint64_t learningDrops = 0;
        for (uint64_t n : drops.learning)
        {
            learningDrops += n;
        }
        char line[512];
        std::snprintf(line, sizeof(line),
                      "%s,%g,%zu,%.9f,%.9f,%.9f,%.6f,%.6f,%.6f,%.6f,%u,%.4f,%.4f,%.6f,%s,%llu,"
                      "%zu,%u,%.4f,%llu,%llu,%llu,%llu,%llu,%llu,%s\n",
                      mode.c_str(), load, flows.size(), Quantile(fct, 0.5), Quantile(fct, 0.99),
                      Quantile(fctSmall, 0.99), arrival, finalLoss, finalAccuracy, simTime,
                      incomplete, Quantile(slowdown, 0.5), Quantile(slowdown, 0.99),
                      progress.arrivalsEnd.GetSeconds(), sizes->GetName().c_str(),
                      (unsigned long long)seed, fctSmall.size(), smallStalled,
                      slowdown.empty() ? std::nan("") : slowdownSum / double(slowdown.size()),
                      (unsigned long long)timeouts, (unsigned long long)drops.web[HOST_NIC],
                      (unsigned long long)drops.web[TO_HOST], (unsigned long long)drops.web[UP],
                      (unsigned long long)drops.web[DOWN], (unsigned long long)learningDrops,
                      mode == "rps-droppable" ? buffer.c_str() : "fifo");
        out << line;
        out.close();
        if (!out || std::rename((summaryPath + ".tmp").c_str(), summaryPath.c_str()) != 0)
        {
            Fail("cannot write " + summaryPath);
        }
    }
    std::cout << mode << (buffer == "shared" ? " (shared buffer)" : "") << " at load " << load
              << ": " << flows.size() << " web flows (" << incomplete << " incomplete), p99 FCT "
              << Quantile(fct, 0.99) * 1e3 << " ms, small-flow p99 "
              << Quantile(fctSmall, 0.99) * 1e3 << " ms, " << smallStalled << " of "
              << fctSmall.size() << " small flows stalled (a retransmission timeout)";
    if (training)
    {
        std::cout << "; learning arrival " << arrival << ", train loss " << finalLoss
                  << ", trained until " << simTime << " s";
    }
    std::cout << "; " << summaryPath << std::endl;
    Simulator::Destroy();
    return 0;
}
