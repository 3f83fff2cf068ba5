/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// dl-train: distributed training over an unreliable simulated network.
//
// Workers are ns-3 nodes on lossy links; every round each trains its replica on a real minibatch
// (embedded trainer) and synchronises over UDP with the chosen algorithm. Results: one CSV row
// per evaluation point (columns: doc/distributed-learning.rst, section "dl-train").
//
//   ./dl-train --algorithm=rps --workers=16 --lossRate=0.05 --epochs=3 --output=rps.csv
//   ./dl-train --PrintHelp
//   ./dl-train --ns3::BlockExchangeSync::PhaseTimeout=5ms ...   (any attribute, ns-3 style)

#include "ns3/core-module.h"
#include "ns3/distributed-learning-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <iostream>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("DlTrain");

namespace
{

/// One clear line on stderr and a non-zero exit.
[[noreturn]] void
Fail(const std::string& message, int code = 2)
{
    // Every rank fails the same way (same input, same outcome after RoundMonitor::Finish):
    // rank 0 says why, and every rank leaves MPI in step, so the launcher adds nothing.
    if (RankExchange::GetRank() == 0 && RankExchange::LaunchedRank() == 0)
    {
        std::cerr << "dl-train: error: " << message << std::endl;
    }
    RankExchange::Disable();
    std::exit(code);
}

void
Check(bool ok, const std::string& message)
{
    if (!ok)
    {
        Fail(message);
    }
}

template<typename T>
T
ParseValue(const std::string& flag, const std::string& text)
{
    T value;
    if (!value.DeserializeFromString(text, nullptr))
    {
        Fail("invalid " + flag + " '" + text + "'");
    }
    return value;
}

} // namespace

int
main(int argc, char* argv[])
{
    // ns-3's CommandLine takes --version for ns-3's own (build) version: answer it first.
    for (int i = 1; i < argc; ++i)
    {
        if (std::strcmp(argv[i], "--version") == 0)
        {
            std::cout << "dl-train (distributed-learning) " << DISTRIBUTED_LEARNING_VERSION
                      << ", ns-3." << DL_NS3_MINOR << std::endl;
            return 0;
        }
    }
    // Launched as several processes (mpirun -np N, srun): one simulation split over them, in a
    // build with ns-3's mpi module. Before anything else: MPI_Init may rewrite argv.
    const uint32_t launched = RankExchange::LaunchedSize();
    if (launched > 1)
    {
        if (!RankExchange::IsAvailable())
        {
            Fail("launched as " + std::to_string(launched)
                 + " processes, but this dl-train was built without MPI: build it in an ns-3 tree "
                   "configured with --enable-mpi (README, \"Running over several processes\"), or "
                   "run one process");
        }
        RankExchange::Enable(&argc, &argv);
    }
    const uint32_t ranks = RankExchange::GetSize();
    const bool rank0 = RankExchange::GetRank() == 0;

    TrainingConfig cfg;
    std::string learningRate = "auto";
    std::string algorithm = "rps";
    double lossRate = 0.05;
    std::string lossModel = "bernoulli";
    std::string lossPlacement = "receiver";
    double burstLength = 4.0;
    std::string granularity = "packet";
    std::string psTransport = "udp";
    std::string tcpVariant = "ns3::TcpNewReno";
    std::string tcpMinRto = "10ms";
    std::string topology = "star";
    uint32_t workersPerLeaf = 4;
    uint32_t spines = 2;
    uint32_t fatTreeK = 0;
    std::string linkRate = "10Gbps";
    std::string linkDelay = "5us";
    std::string queueSize = "1000p";
    uint32_t mtu = 1500;
    std::string computeTime; // empty: LearningWorker's ComputeTime (5 ms unless overridden)
    std::string phaseTimeout = "0s";
    std::string straggler = "none";
    std::string fail;
    std::string failDetection = "10ms";
    std::string crash;
    uint32_t evalEvery = 0;
    uint32_t run = 1;
    std::string output = "results/dl-train.csv";
    std::string eventOrder = "ns3";
    bool progress = true;

    // ns-3's default MapScheduler allocates a tree node per event and keeps cancelled events
    // (TCP re-arms its retransmission timer on every ACK) until their time: a binary heap runs
    // the ring's TCP about 30% faster, in the same (time, uid) order, so results are identical.
    // --SchedulerType still chooses another.
    GlobalValue::Bind("SchedulerType", StringValue("ns3::PriorityQueueScheduler"));
    CommandLine cmd(__FILE__);
    cmd.Usage("Distributed training over an unreliable simulated network (ns-3 + embedded "
              "trainer). Writes one CSV row per evaluation point.");
    cmd.AddValue("algorithm", JoinSyncAlgorithmNames(" | ") + " (or a SyncAlgorithm's TypeId name)",
                 algorithm);
    cmd.AddValue("psTransport", "ps: udp (lossy) | tcp (reliable)", psTransport);
    cmd.AddValue("tcpVariant", "TCP congestion control (ring-allreduce, ps tcp)", tcpVariant);
    cmd.AddValue("tcpMinRto", "TCP minimum retransmission timeout", tcpMinRto);
    std::string workers; // empty: 16, or 1 for --algorithm=local
    cmd.AddValue("workers", "number of workers (default 16; 1 for local)", workers);
    cmd.AddValue("lossRate", "end-to-end packet loss probability between two workers, [0,1)",
                 lossRate);
    cmd.AddValue("lossModel", "bernoulli | burst | gilbert-elliott", lossModel);
    cmd.AddValue("lossPlacement", "receiver (once per path) | every-link (compounds per hop)",
                 lossPlacement);
    cmd.AddValue("burstLength", "mean loss burst length in packets (burst, gilbert-elliott)",
                 burstLength);
    cmd.AddValue("granularity", "aggregation unit: packet | block", granularity);
    cmd.AddValue("topology", "star | leaf-spine | fat-tree", topology);
    cmd.AddValue("workersPerLeaf", "leaf-spine: workers per leaf switch", workersPerLeaf);
    cmd.AddValue("spines", "leaf-spine: spine switches", spines);
    cmd.AddValue("fatTreeK", "fat-tree: arity k, even (0: the smallest that holds the hosts)",
                 fatTreeK);
    cmd.AddValue("linkRate", "rate of every link", linkRate);
    cmd.AddValue("linkDelay", "propagation delay of every link", linkDelay);
    cmd.AddValue("queueSize", "switch port queue size (packets 'Np' or bytes 'NB')", queueSize);
    cmd.AddValue("mtu", "IP MTU in bytes (9000: jumbo frames)", mtu);
    cmd.AddValue("computeTime", "simulated time of one local step (default 5ms)", computeTime);
    cmd.AddValue("straggler",
                 "extra compute time per step: none | exponential:MEAN | pareto:MIN:SHAPE[:CAP] | "
                 "lognormal:MEDIAN:SIGMA | slow:K:DELAY (workers 0..K-1)",
                 straggler);
    cmd.AddValue("fail",
                 "link or switch failures: link:NODE-NODE:DOWN[:UP] | switch:NAME:DOWN[:UP], "
                 "comma-separated (nodes host0, switch, leaf0, spine0, edge0, agg0, core0)",
                 fail);
    cmd.AddValue("failDetection", "how long the fabric's routing takes to route around a failure",
                 failDetection);
    cmd.AddValue("crash",
                 "worker crashes: WORKER:DOWN[:UP], comma-separated (UP: it restarts with a "
                 "model copy from the next worker)",
                 crash);
    cmd.AddValue("phaseTimeout",
                 "deadline of each exchange phase (0s: derived from model size and link rate)",
                 phaseTimeout);
    cmd.AddValue("dataset", "fashion-mnist | cifar10 | synthetic | text", cfg.dataset);
    cmd.AddValue("dataDir",
                 "dataset folder (default for fashion-mnist: /usr/share/datasets/fashion-mnist)",
                 cfg.dataDir);
    cmd.AddValue("dataFile", "text: a UTF-8 file (default: the texts of Debian's fortunes package)",
                 cfg.dataFile);
    cmd.AddValue("seqLength", "text: characters per window (truncated back-propagation length)",
                 cfg.seqLength);
    cmd.AddValue("model", "softmax | mlp | cnn | resnet20 | resnet32 | resnet56 | resnet110 | lstm",
                 cfg.model);
    cmd.AddValue(
        "hidden",
        "mlp hidden layer sizes, or lstm hidden state sizes (one layer each), comma separated",
        cfg.hidden);
    cmd.AddValue("epochs", "passes over the training set", cfg.epochs);
    cmd.AddValue("batchSize", "per-worker minibatch size", cfg.batchSize);
    cmd.AddValue("dropRemainder",
                 "never step on a short last minibatch of a pass (false: keep it; rows are then "
                 "never taken right after one)",
                 cfg.dropRemainder);
    cmd.AddValue("augment",
                 "random crops (4-pixel padding) and left-right flips of training pictures",
                 cfg.augment);
    cmd.AddValue(
        "learningRate",
        "base learning rate, or auto: 0.01 * sqrt(workers * batchSize / 32) (lstm: 0.1 * ...)",
        learningRate);
    cmd.AddValue("lrSchedule", "constant | step | cosine", cfg.lrSchedule);
    cmd.AddValue("warmupRounds", "linear learning-rate warm-up, in rounds", cfg.warmupRounds);
    cmd.AddValue("momentum", "SGD momentum", cfg.momentum);
    cmd.AddValue("weightDecay", "L2 weight decay", cfg.weightDecay);
    cmd.AddValue("nonIidAlpha", "0: IID shards; >0: Dirichlet(alpha) label skew", cfg.nonIidAlpha);
    cmd.AddValue("trainSubset", "use the first N training samples (0: all)", cfg.trainSubset);
    cmd.AddValue("testSubset", "evaluate on the first N test samples (0: all)", cfg.testSubset);
    cmd.AddValue("evalEvery", "rounds between results rows (0: once per epoch)", evalEvery);
    cmd.AddValue("seed", "seed of the network and the trainer", cfg.seed);
    cmd.AddValue("run", "ns-3 run number (independent replications with one seed)", run);
    cmd.AddValue("backend", "cpu | cuda", cfg.backend);
    cmd.AddValue("threads",
                 "threads for local steps and evaluations, 0 to 256 (0: one per core, at most 8; "
                 "over ranks, each rank's share of its machine's cores); the results do not "
                 "depend on it",
                 cfg.threads);
    cmd.AddValue("eventOrder",
                 "order of same-instant events: ns3 (ns-3's scheduler) | canonical (the same "
                 "on any number of ranks; needed for runs over several ranks)",
                 eventOrder);
    cmd.AddValue("output", "results CSV (written atomically)", output);
    cmd.AddValue("progress", "print a progress line per results row on stderr", progress);
    cmd.Parse(argc, argv);

    if (cfg.threads == 0 && ranks > 1)
    {
        // Ranks on one machine share its cores: each takes its share by default.
        cfg.threads = dl::ThreadPool::DefaultThreads(RankExchange::GetLocalSize());
    }
    std::string notAlgorithm;
    const bool isAlgorithm = DistributedLearningHelper::IsAlgorithm(algorithm, &notAlgorithm);
    Check(isAlgorithm, "unknown or unavailable --algorithm: " + notAlgorithm);
    Check(psTransport == "udp" || psTransport == "tcp",
          "unknown --psTransport '" + psTransport + "' (expected udp or tcp)");
    Check(lossRate >= 0.0 && lossRate < 1.0 && std::isfinite(lossRate),
          "--lossRate must lie in [0, 1), got " + std::to_string(lossRate));
    Check(lossModel == "bernoulli" || lossModel == "burst" || lossModel == "gilbert-elliott",
          "unknown --lossModel '" + lossModel + "' (expected bernoulli, burst or gilbert-elliott)");
    Check(lossPlacement == "receiver" || lossPlacement == "every-link",
          "unknown --lossPlacement '" + lossPlacement + "' (expected receiver or every-link)");
    Check(burstLength >= 1.0, "--burstLength must be at least 1");
    Check(eventOrder == "ns3" || eventOrder == "canonical",
          "unknown --eventOrder '" + eventOrder + "' (expected ns3 or canonical)");
    // Over several ranks, results must not depend on the rank count: that needs the canonical
    // order of same-instant events (with it, every loss model draws in the same order too).
    Check(ranks == 1 || eventOrder == "canonical",
          "a run over " + std::to_string(ranks)
              + " ranks needs --eventOrder=canonical (and the same flag on one rank to compare): "
                "ns-3's own order of same-instant events depends on the rank count");
    Check(granularity == "packet" || granularity == "block",
          "unknown --granularity '" + granularity + "' (expected packet or block)");
    Check(topology == "star" || topology == "leaf-spine" || topology == "fat-tree",
          "unknown --topology '" + topology + "' (expected star, leaf-spine or fat-tree)");
    Check(workersPerLeaf >= 1 && spines >= 1, "--workersPerLeaf and --spines must be at least 1");
    Check(fatTreeK == 0 || (fatTreeK >= 2 && fatTreeK % 2 == 0 && fatTreeK <= 64),
          "--fatTreeK must be 0 (automatic) or even in [2, 64]");
    Check(mtu >= 100 && mtu <= 65535, "--mtu must lie in [100, 65535]");
    Check(!output.empty(), "--output must name a file");
    if (learningRate != "auto")
    {
        size_t used = 0;
        try
        {
            cfg.learningRate = std::stod(learningRate, &used);
        }
        catch (const std::exception&)
        {
            used = 0;
        }
        Check(used == learningRate.size() && used > 0,
              "invalid --learningRate '" + learningRate + "' (a number, or auto)");
        // Checked here too: -1 would pass TrainingJob::Create as its AUTO_LEARNING_RATE.
        Check(cfg.learningRate >= 0 && std::isfinite(cfg.learningRate),
              "--learningRate must not be negative (0 freezes the models: pure synchronisation)");
    }
    if (!workers.empty())
    {
        size_t used = 0;
        unsigned long n = 0;
        try
        {
            n = std::stoul(workers, &used);
        }
        catch (const std::exception&)
        {
            used = 0;
        }
        Check(used == workers.size() && workers[0] != '-', "invalid --workers '" + workers + "'");
        Check(n >= 1 && n <= 65535, "--workers must lie in [1, 65535]");
        cfg.workers = uint32_t(n);
    }
    if (algorithm == "local")
    {
        Check(workers.empty() || cfg.workers == 1,
              "--algorithm=local trains one worker; drop --workers");
        cfg.workers = 1;
    }
    const DataRate rate = ParseValue<DataRateValue>("--linkRate", linkRate).Get();
    const Time delay = ParseValue<TimeValue>("--linkDelay", linkDelay).Get();
    const Time compute
        = computeTime.empty() ? Time(0) : ParseValue<TimeValue>("--computeTime", computeTime).Get();
    const Time timeout = ParseValue<TimeValue>("--phaseTimeout", phaseTimeout).Get();
    const QueueSize queue = ParseValue<QueueSizeValue>("--queueSize", queueSize).Get();
    Check(rate.GetBitRate() > 0, "--linkRate must be positive");
    Check(queue.GetValue() >= 1, "--queueSize must hold at least one packet or byte");
    // ns-3 seeds are 32-bit and non-zero; a larger value would be cut to another seed.
    Check(cfg.seed >= 1 && cfg.seed <= 4294967295ULL, "--seed must lie in [1, 4294967295]");
    Check(!delay.IsStrictlyNegative() && !compute.IsStrictlyNegative()
              && !timeout.IsStrictlyNegative(),
          "times must not be negative");

    TypeId tcpTid;
    Check(TypeId::LookupByNameFailSafe(tcpVariant, &tcpTid)
              && StreamTransport::IsCongestionControl(tcpTid),
          "--tcpVariant '" + tcpVariant
              + "' is not a TCP congestion control (e.g. ns3::TcpNewReno, ns3::TcpCubic)");
    const Time minRto = ParseValue<TimeValue>("--tcpMinRto", tcpMinRto).Get();

    // The job's install, configured first: its checks come before any data is loaded.
    DistributedLearningHelper training;
    training.SetAlgorithm(algorithm, psTransport);
    const std::string badStraggler = training.SetStragglers(straggler);
    Check(badStraggler.empty(), badStraggler);
    const uint32_t minWorkers = training.GetMinWorkers();
    Check(cfg.workers >= minWorkers, "--algorithm=" + algorithm + " needs at least "
                                         + std::to_string(minWorkers) + " workers");

    RngSeedManager::SetSeed(uint32_t(cfg.seed));
    RngSeedManager::SetRun(run);
    cfg.run = run;

    Ptr<TrainingJob> job;
    try
    {
        job = TrainingJob::Create(cfg);
    }
    catch (const std::exception& e)
    {
        Fail(TrainingJob::AsFlags(e.what()));
    }

    // The network: a standard fabric of hosts (the workers, then the server for ps).
    const bool withServer = training.NeedsServer();
    const uint32_t hostCount = cfg.workers + (withServer ? 1 : 0);
    Check(topology != "fat-tree" || fatTreeK == 0
              || FabricHelper::FatTreeHosts(fatTreeK) >= hostCount,
          "a " + std::to_string(fatTreeK) + "-ary fat-tree holds "
              + std::to_string(FabricHelper::FatTreeHosts(fatTreeK)) + " hosts, not "
              + std::to_string(hostCount));
    if (eventOrder == "canonical")
    {
        CanonicalOrderHelper::EnableScheduler(); // before anything is scheduled
    }
    FabricHelper fabric;
    fabric.SetTopology(topology);
    fabric.SetLeafSpineShape(workersPerLeaf, spines);
    fabric.SetFatTreeK(fatTreeK);
    fabric.SetLinkRate(rate);
    fabric.SetLinkDelay(delay);
    fabric.SetQueueSize(queue);
    fabric.SetMtu(mtu);
    fabric.SetRanks(ranks);
    const std::string unsplittable = fabric.CheckRanks(hostCount);
    Check(unsplittable.empty(), unsplittable);
    NodeContainer hosts = fabric.Create(hostCount);
    const Time detection = ParseValue<TimeValue>("--failDetection", failDetection).Get();
    Check(!detection.IsStrictlyNegative(), "--failDetection must not be negative");
    fabric.SetFailureDetectionDelay(detection);
    const std::string badFailure = fabric.ScheduleFailures(fail);
    Check(badFailure.empty(), badFailure);
    std::vector<uint32_t> workersOnRank(ranks, 0);
    for (uint32_t i = 0; i < cfg.workers; ++i)
    {
        workersOnRank[hosts.Get(i)->GetSystemId()]++;
    }
    for (uint32_t r = 0; r < ranks; ++r)
    {
        Check(workersOnRank[r] > 0, "rank " + std::to_string(r) + " of " + std::to_string(ranks)
                                        + " would simulate none of the "
                                        + std::to_string(cfg.workers)
                                        + " workers (its racks hold no workers): use fewer ranks");
    }
    fabric.InstallStack(InternetStackHelper());
    fabric.AssignIpv4Addresses(Ipv4AddressHelper("10.0.0.0", "255.255.255.252"));
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    if (eventOrder == "canonical")
    {
        CanonicalOrderHelper().Install(NodeContainer(fabric.GetHosts(), fabric.GetSwitches()));
    }

    // Loss: none for a lone worker; else once per path (the hosts' NICs) or on every link.
    PacketLossHelper loss;
    if (algorithm != "local")
    {
        loss.SetModel(lossModel, lossRate);
        loss.SetBurstLength(burstLength);
        loss.Install(lossPlacement == "receiver" ? fabric.GetHostDevices() : fabric.GetDevices());
        // Fixed streams: the loss pattern depends on the seed and run only, not on how many
        // other random variables this ns-3 release creates.
        loss.AssignStreams(fabric.AssignStreams(0));
    }

    // The job.
    NodeContainer workerNodes;
    for (uint32_t i = 0; i < cfg.workers; ++i)
    {
        workerNodes.Add(hosts.Get(i));
    }
    training.SetGranularity(granularity == "block" ? dl::BlockPartition::BLOCK
                                                   : dl::BlockPartition::PACKET);
    training.SetTcp(tcpVariant, minRto);
    training.SetPathEstimate(fabric.GetLinkRate(), fabric.GetMaxPathDelay());
    if (!timeout.IsZero())
    {
        training.SetSyncAttribute("PhaseTimeout", TimeValue(timeout));
    }
    if (!computeTime.empty())
    {
        training.SetWorkerAttribute("ComputeTime", TimeValue(compute));
    }
    training.Install(workerNodes, withServer ? hosts.Get(cfg.workers) : nullptr, job);
    training.AssignStreams(1 << 20); // the stragglers' draws: past the fabric's and loss streams
    const std::string badCrash = training.ScheduleCrashes(crash);
    Check(badCrash.empty(), badCrash);

    Ptr<RoundMonitor> monitor = training.CreateMonitor(&loss);
    monitor->SetAttribute("EvalEvery", UintegerValue(evalEvery));
    monitor->SetAttribute("Progress", BooleanValue(progress && rank0));
    monitor->WatchDevices(fabric.GetDevices());

    const auto partition = training.GetPartition();
    if (progress && rank0)
    {
        std::cerr << "[dl-train] " << algorithm << ": " << cfg.workers << " workers, " << topology
                  << ", " << cfg.model << " (" << job->GetBackend().ParamCount() << " params, "
                  << partition->TotalChunks() << " packets per model copy) on " << cfg.dataset
                  << ", ";
        if (algorithm == "local")
        {
            std::cerr << "no network";
        }
        else
        {
            std::cerr << "loss " << lossRate << " " << lossModel;
        }
        std::cerr << ", learning rate " << job->GetBaseLearningRate() << ", "
                  << job->GetTotalRounds() << " rounds (" << job->GetRoundsPerEpoch()
                  << " per epoch)";
        if (ranks > 1)
        {
            std::cerr << ", on " << ranks << " ranks";
        }
        std::cerr << std::endl;
    }

    Simulator::Run();
    monitor->Finish(); // every rank: gathers the rows at rank 0, agrees on the outcome, says if
                       // the run ended short
    if (monitor->HasDiverged())
    {
        Fail(monitor->GetDivergence() + "; no results written", 3);
    }
    if (!monitor->GetIncomplete().empty())
    {
        // The rows so far, in a file whose name says it is incomplete; never the results file.
        const std::string partial = output + ".incomplete";
        const bool kept = rank0 && monitor->WriteCsv(partial);
        Fail(monitor->GetIncomplete() + "; "
                 + (kept ? "rows so far in " + partial : "no results written"),
             4);
    }
    if (!rank0)
    {
        Simulator::Destroy();
        RankExchange::Disable();
        return 0; // rank 0 has the rows and writes them
    }
    const size_t slash = output.find_last_of('/');
    if (slash != std::string::npos && slash > 0)
    {
        SystemPath::MakeDirectories(output.substr(0, slash));
    }
    if (!monitor->WriteCsv(output))
    {
        Fail("cannot write " + output + ": " + std::strerror(errno));
    }
    Simulator::Destroy();
    RankExchange::Disable();
    const RoundMonitor::Row& last = monitor->GetRows().back();
    if (progress)
    {
        std::cerr << "[dl-train] done: test accuracy " << last.testAccuracy << ", sim time "
                  << last.simTime << " s, wall " << last.wallTime << " s" << std::endl;
    }
    std::cout << "results: " << output << std::endl;
    return 0;
}
