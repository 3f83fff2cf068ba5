/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "training-scenario-helper.h"

#include "canonical-order-helper.h"

#include "ns3/double.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/log.h"
#include "ns3/rank-exchange.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/sync-algorithm-names.h"
#include "ns3/thread-pool.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TrainingScenarioHelper");

namespace
{

/// Parse \p text as an ns-3 value of type V into \p out; \return why not, naming \p flag
template<typename V, typename T>
std::string
ParseValue(const std::string& flag, const std::string& text, T& out)
{
    V value;
    if (!value.DeserializeFromString(text, nullptr))
    {
        return "invalid --" + flag + " '" + text + "'";
    }
    out = value.Get();
    return "";
}

/// Parse the whole of \p text as a number with \p parse (std::stod, std::stoul); \return false
/// on anything else
template<typename T, typename F>
bool
ParseNumber(const std::string& text, F parse, T& out)
{
    size_t used = 0;
    try
    {
        out = T(parse(text, &used));
    }
    catch (const std::exception&)
    {
        return false;
    }
    return used == text.size() && used > 0;
}

/// dl-train's names of TrainingJob's attributes: --epochs is ns3::TrainingJob::Epochs
const std::pair<const char*, const char*> JOB_FLAGS[] = {{"dataset", "Dataset"},
                                                         {"dataDir", "DataDir"},
                                                         {"dataFile", "DataFile"},
                                                         {"seqLength", "SeqLength"},
                                                         {"model", "Model"},
                                                         {"hidden", "Hidden"},
                                                         {"epochs", "Epochs"},
                                                         {"batchSize", "BatchSize"},
                                                         {"dropRemainder", "DropRemainder"},
                                                         {"augment", "Augment"},
                                                         {"lrSchedule", "LrSchedule"},
                                                         {"warmupRounds", "WarmupRounds"},
                                                         {"momentum", "Momentum"},
                                                         {"weightDecay", "WeightDecay"},
                                                         {"nonIidAlpha", "NonIidAlpha"},
                                                         {"trainSubset", "TrainSubset"},
                                                         {"testSubset", "TestSubset"},
                                                         {"seed", "Seed"},
                                                         {"backend", "Backend"},
                                                         {"threads", "Threads"}};

/// \return TrainingJob's attribute \p name (JOB_FLAGS names only attributes it has)
TypeId::AttributeInformation
JobAttribute(const std::string& name)
{
    TypeId::AttributeInformation info;
    const bool found = TrainingJob::GetTypeId().LookupAttributeByName(name, &info);
    NS_ABORT_MSG_UNLESS(found, "TrainingJob has no attribute " << name);
    return info;
}

/**
 * Parse \p text as a value of \p info's attribute. Numbers are parsed here, whole and finite:
 * ns-3's DoubleValue and UintegerValue abort the program on text such as "nan" or "2x".
 * \return the value, or null (with \p expected saying what was wanted)
 */
Ptr<AttributeValue>
ParseAttribute(const TypeId::AttributeInformation& info, const std::string& text,
               std::string& expected)
{
    std::string type = info.checker->GetValueTypeName();
    if (type.rfind("ns3::", 0) == 0)
    {
        type.erase(0, 5); // some releases name a value type with its namespace, some without
    }
    Ptr<AttributeValue> value;
    if (type == "DoubleValue")
    {
        expected = "a finite number";
        double x = 0;
        if (ParseNumber(
                text, [](const std::string& t, size_t* u) { return std::stod(t, u); }, x)
            && std::isfinite(x))
        {
            value = Create<DoubleValue>(x);
        }
    }
    else if (type == "UintegerValue")
    {
        expected = "a whole number of at least 0";
        unsigned long long n = 0;
        if (!text.empty() && text[0] != '-'
            && ParseNumber(
                text, [](const std::string& t, size_t* u) { return std::stoull(t, u); }, n))
        {
            value = Create<UintegerValue>(n);
        }
    }
    else
    {
        expected = type == "BooleanValue" ? "true or false" : "a " + type;
        value = info.checker->Create();
        if (!value->DeserializeFromString(text, info.checker))
        {
            value = nullptr;
        }
    }
    return value && info.checker->Check(*value) ? value : nullptr;
}

} // namespace

TrainingScenarioHelper::TrainingScenarioHelper()
{
    NS_LOG_FUNCTION(this);
}

void
TrainingScenarioHelper::AddCommandLineValues(CommandLine& cmd)
{
    TrainingScenario& s = m_settings;
    cmd.AddValue("algorithm", JoinSyncAlgorithmNames(" | ") + " (or a SyncAlgorithm's TypeId name)",
                 s.algorithm);
    cmd.AddValue("psTransport", "ps: udp (lossy) | tcp (reliable)", s.psTransport);
    cmd.AddValue("tcpVariant", "TCP congestion control (ring-allreduce, ps tcp)", s.tcpVariant);
    cmd.AddValue("tcpMinRto", "TCP minimum retransmission timeout", s.tcpMinRto);
    cmd.AddValue("workers", "number of workers (default 16; 1 for local)", s.workers);
    cmd.AddValue("lossRate", "end-to-end packet loss probability between two workers, [0,1)",
                 s.lossRate);
    cmd.AddValue("lossModel", "bernoulli | burst | gilbert-elliott", s.lossModel);
    cmd.AddValue("lossPlacement", "receiver (once per path) | every-link (compounds per hop)",
                 s.lossPlacement);
    cmd.AddValue("burstLength", "mean loss burst length in packets (burst, gilbert-elliott)",
                 s.burstLength);
    cmd.AddValue("granularity", "aggregation unit: packet | block", s.granularity);
    cmd.AddValue("topology", "star | leaf-spine | fat-tree", s.topology);
    cmd.AddValue("workersPerLeaf", "leaf-spine: workers per leaf switch", s.workersPerLeaf);
    cmd.AddValue("spines", "leaf-spine: spine switches", s.spines);
    cmd.AddValue("fatTreeK", "fat-tree: arity k, even (0: the smallest that holds the hosts)",
                 s.fatTreeK);
    cmd.AddValue("linkRate", "rate of every link", s.linkRate);
    cmd.AddValue("linkDelay", "propagation delay of every link", s.linkDelay);
    cmd.AddValue("queueSize", "switch port queue size (packets 'Np' or bytes 'NB')", s.queueSize);
    cmd.AddValue("mtu", "IP MTU in bytes (9000: jumbo frames)", s.mtu);
    cmd.AddValue("computeTime", "simulated time of one local step (default 5ms)", s.computeTime);
    cmd.AddValue("straggler",
                 "extra compute time per step: none | exponential:MEAN | pareto:MIN:SHAPE[:CAP] | "
                 "lognormal:MEDIAN:SIGMA | slow:K:DELAY (workers 0..K-1)",
                 s.straggler);
    cmd.AddValue("fail",
                 "link or switch failures: link:NODE-NODE:DOWN[:UP] | switch:NAME:DOWN[:UP], "
                 "comma-separated (nodes host0, switch, leaf0, spine0, edge0, agg0, core0)",
                 s.fail);
    cmd.AddValue("failDetection", "how long the fabric's routing takes to route around a failure",
                 s.failDetection);
    cmd.AddValue("crash",
                 "worker crashes: WORKER:DOWN[:UP], comma-separated (UP: it restarts with a "
                 "model copy from the next worker)",
                 s.crash);
    cmd.AddValue("phaseTimeout",
                 "deadline of each exchange phase (0s: derived from model size and link rate)",
                 s.phaseTimeout);
    // The trainer's settings are TrainingJob's attributes: --epochs sets ns3::TrainingJob::Epochs
    // (text here, checked by Build: ns-3's own parsers abort on some bad numbers).
    for (const auto& [flag, attribute] : JOB_FLAGS)
    {
        const TypeId::AttributeInformation info = JobAttribute(attribute);
        dlcompat::AddGivenText(cmd, flag, info.help + " (ns3::TrainingJob::" + attribute + ")",
                               m_jobFlags[flag],
                               info.initialValue->SerializeToString(info.checker));
    }
    cmd.AddValue(
        "learningRate",
        "base learning rate, or auto: 0.01 * sqrt(workers * batchSize / 32) (lstm: 0.1 * ...)",
        s.learningRate);
    cmd.AddValue("evalEvery", "rounds between results rows (0: once per epoch)", s.evalEvery);
    cmd.AddValue("run", "ns-3 run number (independent replications with one seed)", s.run);
    cmd.AddValue("eventOrder",
                 "order of same-instant events: ns3 (ns-3's scheduler) | canonical (the same "
                 "on any number of ranks; needed for runs over several ranks)",
                 s.eventOrder);
}

std::string
TrainingScenarioHelper::CheckFlags()
{
    TrainingScenario& s = m_settings;
    const uint32_t ranks = RankExchange::GetSize();
    if (s.lossPlacement != "receiver" && s.lossPlacement != "every-link")
    {
        return "unknown --lossPlacement '" + s.lossPlacement
               + "' (expected receiver or every-link)";
    }
    if (s.eventOrder != "ns3" && s.eventOrder != "canonical")
    {
        return "unknown --eventOrder '" + s.eventOrder + "' (expected ns3 or canonical)";
    }
    // Over several ranks, results must not depend on the rank count: that needs the canonical
    // order of same-instant events (with it, every loss model draws in the same order too).
    if (ranks > 1 && s.eventOrder != "canonical")
    {
        return "a run over " + std::to_string(ranks)
               + " ranks needs --eventOrder=canonical (and the same flag on one rank to compare): "
                 "ns-3's own order of same-instant events depends on the rank count";
    }
    if (s.granularity != "packet" && s.granularity != "block")
    {
        return "unknown --granularity '" + s.granularity + "' (expected packet or block)";
    }
    std::string why = CheckNumbers();
    return why.empty() ? CheckTimes() : why;
}

std::string
TrainingScenarioHelper::CheckNumbers()
{
    TrainingScenario& s = m_settings;
    // "auto" is the job's own AUTO_LEARNING_RATE; a number must not pass for it (-1).
    if (s.learningRate != "auto"
        && (!ParseNumber(
                s.learningRate, [](const std::string& t, size_t* u) { return std::stod(t, u); },
                m_config.learningRate)
            || !(m_config.learningRate >= 0 && std::isfinite(m_config.learningRate))))
    {
        return "invalid --learningRate '" + s.learningRate
               + "' (a number of at least 0, or auto; 0 freezes the models: pure synchronisation)";
    }
    if (!s.workers.empty())
    {
        unsigned long n = 0;
        if (s.workers[0] == '-'
            || !ParseNumber(
                s.workers, [](const std::string& t, size_t* u) { return std::stoul(t, u); }, n)
            || n < 1 || n > 65535)
        {
            return "invalid --workers '" + s.workers + "' (a count in [1, 65535])";
        }
        m_config.workers = uint32_t(n);
    }
    if (s.algorithm == "local")
    {
        if (!s.workers.empty() && m_config.workers != 1)
        {
            return "--algorithm=local trains one worker; drop --workers";
        }
        m_config.workers = 1;
    }
    if (m_config.workers < 1 || m_config.workers > 65535) // ns3::TrainingJob::Workers
    {
        return "--workers must lie in [1, 65535], got " + std::to_string(m_config.workers);
    }
    // ns-3 seeds are 32-bit and non-zero; a larger value would be cut to another seed.
    if (m_config.seed < 1 || m_config.seed > 4294967295ULL)
    {
        return "--seed must lie in [1, 4294967295]";
    }
    return "";
}

std::string
TrainingScenarioHelper::CheckTimes()
{
    TrainingScenario& s = m_settings;
    // The times (computeTime may stay empty: the worker's own default).
    const struct
    {
        const char* flag;
        const std::string& text;
        Time& out;
    } times[] = {{"linkDelay", s.linkDelay, m_linkDelay},
                 {"computeTime", s.computeTime, m_computeTime},
                 {"phaseTimeout", s.phaseTimeout, m_phaseTimeout},
                 {"tcpMinRto", s.tcpMinRto, m_tcpMinRto},
                 {"failDetection", s.failDetection, m_failDetection}};
    for (const auto& t : times)
    {
        const bool optional = &t.out == &m_computeTime;
        const std::string why
            = optional && t.text.empty() ? "" : ParseValue<TimeValue>(t.flag, t.text, t.out);
        if (!why.empty())
        {
            return why;
        }
    }
    if (m_computeTime.IsStrictlyNegative() || m_phaseTimeout.IsStrictlyNegative()
        || m_failDetection.IsStrictlyNegative())
    {
        return "--computeTime, --phaseTimeout and --failDetection must not be negative";
    }
    return "";
}

std::string
TrainingScenarioHelper::ConfigureHelpers()
{
    const TrainingScenario& s = m_settings;
    std::string why = DistributedLearningHelper::CheckAlgorithm(s.algorithm, s.psTransport);
    if (!why.empty())
    {
        return why;
    }
    if (!(why = DistributedLearningHelper::CheckTcpVariant(s.tcpVariant)).empty())
    {
        return "--tcpVariant " + why;
    }
    m_training.SetAlgorithm(s.algorithm, s.psTransport);
    if (!(why = m_training.SetStragglers(s.straggler)).empty()
        || !(why = m_training.CheckWorkers(m_config.workers)).empty())
    {
        return why;
    }
    PacketLossHelper loss;
    loss.SetModel(s.lossModel, s.lossRate);
    loss.SetBurstLength(s.burstLength);
    if (!(why = loss.Check()).empty())
    {
        return why;
    }
    if (s.algorithm != "local")
    {
        m_loss = loss; // a lone worker has no network: no loss, and its results say loss 0
    }
    DataRate rate;
    QueueSize queue;
    if (!(why = ParseValue<DataRateValue>("linkRate", s.linkRate, rate)).empty()
        || !(why = ParseValue<QueueSizeValue>("queueSize", s.queueSize, queue)).empty())
    {
        return why;
    }
    m_fabric.SetTopology(s.topology);
    m_fabric.SetLeafSpineShape(s.workersPerLeaf, s.spines);
    m_fabric.SetFatTreeK(s.fatTreeK);
    m_fabric.SetLinkRate(rate);
    m_fabric.SetLinkDelay(m_linkDelay);
    m_fabric.SetQueueSize(queue);
    m_fabric.SetMtu(s.mtu);
    m_fabric.SetRanks(RankExchange::GetSize());
    const uint32_t hosts = m_config.workers + (m_training.NeedsServer() ? 1 : 0);
    return m_fabric.Check(hosts);
}

std::string
TrainingScenarioHelper::BuildFabric(uint32_t hosts)
{
    const TrainingScenario& s = m_settings;
    if (s.eventOrder == "canonical")
    {
        CanonicalOrderHelper::EnableScheduler(); // before anything is scheduled
    }
    NodeContainer nodes = m_fabric.Create(hosts);
    m_fabric.SetFailureDetectionDelay(m_failDetection);
    std::string why = m_fabric.ScheduleFailures(s.fail);
    if (!why.empty())
    {
        return why;
    }
    const uint32_t ranks = m_fabric.GetRanks();
    std::vector<uint32_t> workersOnRank(ranks, 0);
    for (uint32_t i = 0; i < m_config.workers; ++i)
    {
        workersOnRank[nodes.Get(i)->GetSystemId()]++;
    }
    for (uint32_t r = 0; r < ranks; ++r)
    {
        if (workersOnRank[r] == 0)
        {
            return "rank " + std::to_string(r) + " of " + std::to_string(ranks)
                   + " would simulate none of the " + std::to_string(m_config.workers)
                   + " workers (its racks hold no workers): use fewer ranks";
        }
    }
    m_fabric.InstallStack(InternetStackHelper());
    m_fabric.AssignIpv4Addresses(Ipv4AddressHelper("10.0.0.0", "255.255.255.252"));
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    if (s.eventOrder == "canonical")
    {
        CanonicalOrderHelper().Install(NodeContainer(m_fabric.GetHosts(), m_fabric.GetSwitches()));
    }
    return "";
}

std::string
TrainingScenarioHelper::SetJobFlags(ObjectFactory& job) const
{
    for (const auto& [flag, attribute] : JOB_FLAGS)
    {
        const auto given = m_jobFlags.find(flag);
        if (given == m_jobFlags.end() || !given->second.given)
        {
            continue; // not on this command line: the attribute as it is
        }
        std::string expected;
        Ptr<AttributeValue> value
            = ParseAttribute(JobAttribute(attribute), given->second.text, expected);
        if (!value)
        {
            return "invalid --" + std::string(flag) + " '" + given->second.text + "' (" + expected
                   + ")";
        }
        job.Set(attribute, *value);
    }
    return "";
}

std::string
TrainingScenarioHelper::Build()
{
    NS_LOG_FUNCTION(this);
    TrainingScenario& s = m_settings;
    // The trainer's settings: TrainingJob's attributes as they are, then dl-train's flags.
    ObjectFactory jobSettings("ns3::TrainingJob");
    std::string why = SetJobFlags(jobSettings);
    if (!why.empty())
    {
        return why;
    }
    m_config = jobSettings.Create<TrainingJob>()->GetConfig();
    if (m_config.threads == 0 && RankExchange::GetSize() > 1)
    {
        // Ranks on one machine share its cores: each takes its share by default.
        m_config.threads = dl::ThreadPool::DefaultThreads(RankExchange::GetLocalSize());
    }
    if (!(why = CheckFlags()).empty() || !(why = ConfigureHelpers()).empty())
    {
        return why;
    }
    RngSeedManager::SetSeed(uint32_t(m_config.seed));
    RngSeedManager::SetRun(s.run);
    m_config.run = s.run;
    try
    {
        m_job = TrainingJob::Create(m_config);
    }
    catch (const std::exception& e)
    {
        return TrainingJob::AsFlags(e.what());
    }
    // The network: a standard fabric of hosts (the workers, then the server for ps).
    const bool withServer = m_training.NeedsServer();
    if (!(why = BuildFabric(m_config.workers + (withServer ? 1 : 0))).empty())
    {
        return why;
    }
    // Loss: once per path (the hosts' NICs) or on every link.
    if (s.algorithm != "local")
    {
        m_loss.Install(s.lossPlacement == "receiver" ? m_fabric.GetHostDevices()
                                                     : m_fabric.GetDevices());
        // Fixed streams: the loss pattern depends on the seed and run only, not on how many
        // other random variables this ns-3 release creates.
        m_loss.AssignStreams(m_fabric.AssignStreams(0));
    }
    NodeContainer workers;
    for (uint32_t i = 0; i < m_config.workers; ++i)
    {
        workers.Add(m_fabric.GetHosts().Get(i));
    }
    m_training.SetGranularity(s.granularity == "block" ? dl::BlockPartition::BLOCK
                                                       : dl::BlockPartition::PACKET);
    m_training.SetTcp(s.tcpVariant, m_tcpMinRto);
    m_training.SetPathEstimate(m_fabric.GetLinkRate(), m_fabric.GetMaxPathDelay());
    if (!m_phaseTimeout.IsZero())
    {
        m_training.SetSyncAttribute("PhaseTimeout", TimeValue(m_phaseTimeout));
    }
    if (!s.computeTime.empty())
    {
        m_training.SetWorkerAttribute("ComputeTime", TimeValue(m_computeTime));
    }
    m_training.Install(workers, withServer ? m_fabric.GetHosts().Get(m_config.workers) : nullptr,
                       m_job);
    m_training.AssignStreams(1 << 20); // the stragglers' draws: past the fabric's and loss streams
    if (!(why = m_training.ScheduleCrashes(s.crash)).empty())
    {
        return why;
    }
    m_monitor = m_training.CreateMonitor(&m_loss);
    m_monitor->SetAttribute("EvalEvery", UintegerValue(s.evalEvery));
    m_monitor->WatchDevices(m_fabric.GetDevices());
    return "";
}

std::string
TrainingScenarioHelper::Describe() const
{
    NS_ABORT_MSG_UNLESS(m_job, "Describe: Build first");
    const TrainingScenario& s = m_settings;
    std::ostringstream out;
    const bool alone = s.algorithm == "local";
    out << s.algorithm << ": " << m_config.workers
        << (m_config.workers == 1 ? " worker, " : " workers, ") << (alone ? "" : s.topology + ", ")
        << m_config.model << " (" << m_job->GetBackend().ParamCount() << " params, "
        << m_training.GetPartition()->TotalChunks() << " packets per model copy) on "
        << m_config.dataset << ", ";
    if (alone)
    {
        out << "no network";
    }
    else
    {
        out << "loss " << s.lossRate << " " << s.lossModel;
    }
    out << ", learning rate " << m_job->GetBaseLearningRate() << ", " << m_job->GetTotalRounds()
        << " rounds (" << m_job->GetRoundsPerEpoch() << " per epoch)";
    if (m_fabric.GetRanks() > 1)
    {
        out << ", on " << m_fabric.GetRanks() << " ranks";
    }
    return out.str();
}

} // namespace ns3
