/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "distributed-learning-helper.h"

#include "spec-fields.h"

#include "packet-loss-helper.h"

#include "ns3/block-transport.h"
#include "ns3/channel.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/loopback-net-device.h"
#include "ns3/pointer.h"
#include "ns3/rank-exchange.h"
#include "ns3/simulator.h"
#include "ns3/stream-sync.h"
#include "ns3/string.h"
#include "ns3/sync-algorithm-names.h"
#include "ns3/trace-helper.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("DistributedLearningHelper");

namespace
{

/// Rate assumed for the derived timeout when neither the user nor the NIC says (Wi-Fi, LTE).
const DataRate FALLBACK_RATE("10Mbps");

/// \return the rate of \p device from its own or its channel's DataRate attribute, or 0
DataRate
RateOf(Ptr<NetDevice> device)
{
    DataRateValue rate;
    if (device->GetAttributeFailSafe("DataRate", rate))
    {
        return rate.Get();
    }
    Ptr<Channel> channel = device->GetChannel();
    if (channel && channel->GetAttributeFailSafe("DataRate", rate))
    {
        return rate.Get();
    }
    return DataRate(0);
}

} // namespace

DistributedLearningHelper::DistributedLearningHelper()
{
    NS_LOG_FUNCTION(this);
    m_workerFactory.SetTypeId(LearningWorker::GetTypeId());
    m_transportFactory.SetTypeId(BlockTransport::GetTypeId());
    m_streamFactory.SetTypeId(StreamTransport::GetTypeId());
    SetAlgorithm("rps");
    SetPort(9000);
}

void
DistributedLearningHelper::SetAlgorithm(const std::string& name, const std::string& psTransport)
{
    NS_LOG_FUNCTION(this << name << psTransport);
    const std::string why = CheckAlgorithm(name, psTransport);
    NS_ABORT_MSG_UNLESS(why.empty(), why);
    m_algorithm = name;
    m_psTransport.clear();
    if (const SyncAlgorithmAlias* alias = FindSyncAlgorithmAlias(name))
    {
        const bool tcp = psTransport == "tcp" && !alias->tcpTypeId.empty();
        m_syncFactory.SetTypeId(tcp ? alias->tcpTypeId : alias->typeId);
        m_psTransport = alias->needsServer ? psTransport : "";
        return;
    }
    // A TypeId name: the module's own classes keep their server where they have one.
    m_syncFactory.SetTypeId(name);
    for (const SyncAlgorithmAlias& alias : GetSyncAlgorithmAliases())
    {
        if (alias.needsServer && (name == alias.typeId || name == alias.tcpTypeId))
        {
            m_psTransport = name == alias.tcpTypeId ? "tcp" : "udp";
        }
    }
}

bool
DistributedLearningHelper::IsAlgorithm(const std::string& name, std::string* why)
{
    if (FindSyncAlgorithmAlias(name))
    {
        return true;
    }
    TypeId tid;
    if (TypeId::LookupByNameFailSafe(name, &tid) && tid.IsChildOf(SyncAlgorithm::GetTypeId())
        && tid.HasConstructor())
    {
        return true;
    }
    if (why)
    {
        *why = "unknown algorithm '" + name + "' (expected " + JoinSyncAlgorithmNames(", ")
               + ", or the TypeId name of a registered SyncAlgorithm subclass with a constructor)";
    }
    return false;
}

std::string
DistributedLearningHelper::CheckAlgorithm(const std::string& name, const std::string& psTransport)
{
    std::string why;
    if (!IsAlgorithm(name, &why))
    {
        return why;
    }
    if (psTransport != "udp" && psTransport != "tcp")
    {
        return "unknown parameter-server transport '" + psTransport + "' (expected udp or tcp)";
    }
    return "";
}

std::string
DistributedLearningHelper::CheckTcpVariant(const std::string& variant)
{
    TypeId tid;
    if (TypeId::LookupByNameFailSafe(variant, &tid) && StreamTransport::IsCongestionControl(tid))
    {
        return "";
    }
    return "'" + variant
           + "' is not a TCP congestion control (e.g. ns3::TcpNewReno, ns3::TcpCubic)";
}

std::string
DistributedLearningHelper::CheckWorkers(uint32_t workers) const
{
    const uint32_t minWorkers = GetMinWorkers();
    if (workers < minWorkers)
    {
        return "algorithm " + m_algorithm + " needs at least " + std::to_string(minWorkers)
               + (minWorkers == 1 ? " worker" : " workers") + ", got " + std::to_string(workers);
    }
    return "";
}

uint32_t
DistributedLearningHelper::GetMinWorkers() const
{
    return m_syncFactory.Create<SyncAlgorithm>()->GetMinWorkers();
}

void
DistributedLearningHelper::SetPort(uint16_t port)
{
    NS_ABORT_MSG_IF(port == 0, "port 0 is not a port");
    m_transportFactory.Set("Port", UintegerValue(port));
    m_streamFactory.Set("Port", UintegerValue(port));
}

void
DistributedLearningHelper::SetGranularity(dl::BlockPartition::Granularity granularity)
{
    m_granularity = granularity;
}

void
DistributedLearningHelper::SetTcp(const std::string& variant, Time minRto)
{
    const std::string why = CheckTcpVariant(variant);
    NS_ABORT_MSG_UNLESS(why.empty(), why);
    m_streamFactory.Set("SocketType", TypeIdValue(TypeId::LookupByName(variant)));
    m_streamFactory.Set("MinRto", TimeValue(minRto));
}

void
DistributedLearningHelper::SetPathEstimate(DataRate rate, Time oneWayDelay)
{
    m_pathRate = rate;
    m_pathDelay = oneWayDelay;
}

void
DistributedLearningHelper::SetSyncAttribute(const std::string& name, const AttributeValue& value)
{
    m_syncFactory.Set(name, value);
}

void
DistributedLearningHelper::SetComputeJitter(
    const std::string& type,
    const std::vector<std::pair<std::string, Ptr<AttributeValue>>>& attributes, uint32_t workers)
{
    m_jitterFactory = ObjectFactory(type);
    for (const auto& [name, value] : attributes)
    {
        m_jitterFactory.Set(name, *value);
    }
    m_jitter = true;
    m_jitterWorkers = workers;
}

std::string
DistributedLearningHelper::SetStragglers(const std::string& spec)
{
    const std::vector<std::string> f = dlspec::Split(spec);
    double a = 0;
    double b = 0;
    double cap = 0;
    using Attributes = std::vector<std::pair<std::string, Ptr<AttributeValue>>>;
    if (f[0] == "none" && f.size() == 1)
    {
        m_jitter = false;
    }
    else if (f[0] == "exponential" && f.size() == 2 && dlspec::ParseSeconds(f[1], &a) && a > 0)
    {
        SetComputeJitter("ns3::ExponentialRandomVariable",
                         Attributes{{"Mean", Create<DoubleValue>(a)}});
    }
    else if (f[0] == "pareto" && (f.size() == 3 || f.size() == 4) && dlspec::ParseSeconds(f[1], &a)
             && a > 0 && dlspec::ParseNumber(f[2], &b) && b > 0
             && (f.size() == 3 || (dlspec::ParseSeconds(f[3], &cap) && cap > a)))
    {
        if (b <= 1 && cap == 0)
        {
            return "--straggler '" + spec
                   + "': a Pareto shape of at most 1 has no finite mean; "
                     "give a cap (pareto:MIN:SHAPE:CAP)";
        }
        SetComputeJitter("ns3::ParetoRandomVariable",
                         Attributes{{"Scale", Create<DoubleValue>(a)},
                                    {"Shape", Create<DoubleValue>(b)},
                                    {"Bound", Create<DoubleValue>(cap)}});
    }
    else if (f[0] == "lognormal" && f.size() == 3 && dlspec::ParseSeconds(f[1], &a) && a > 0
             && dlspec::ParseNumber(f[2], &b) && b >= 0)
    {
        SetComputeJitter("ns3::LogNormalRandomVariable",
                         Attributes{{"Mu", Create<DoubleValue>(std::log(a))},
                                    {"Sigma", Create<DoubleValue>(b)}});
    }
    else if (f[0] == "slow" && f.size() == 3 && dlspec::ParseNumber(f[1], &a) && a >= 1
             && a == std::floor(a) && a <= 65535 && dlspec::ParseSeconds(f[2], &b))
    {
        SetComputeJitter("ns3::ConstantRandomVariable",
                         Attributes{{"Constant", Create<DoubleValue>(b)}}, uint32_t(a));
    }
    else
    {
        return "--straggler '" + spec
               + "': expected none, exponential:MEAN, pareto:MIN:SHAPE[:CAP], "
                 "lognormal:MEDIAN:SIGMA or slow:K:DELAY (times such as 2ms)";
    }
    return "";
}

std::string
DistributedLearningHelper::PlanCrash(Crash& c, const std::vector<Crash>& plan) const
{
    const std::string what = "a crash of worker " + std::to_string(c.worker);
    const uint32_t n = uint32_t(m_workers.size());
    if (n == 0)
    {
        return what + ": schedule crashes after Install";
    }
    if (c.worker >= n)
    {
        return what + ": there are " + std::to_string(n) + " workers (0 to " + std::to_string(n - 1)
               + ")";
    }
    if (c.down < Simulator::Now())
    {
        return what + ": its time is in the past";
    }
    if (!c.up.IsZero() && c.up <= c.down)
    {
        return what + ": it must restart (UP) after it crashes (DOWN)";
    }
    const auto isDown = [&plan](uint32_t w, Time t) {
        for (const Crash& p : plan)
        {
            if (p.worker == w && p.down <= t && (p.up.IsZero() || t < p.up))
            {
                return true;
            }
        }
        return false;
    };
    for (const Crash& p : plan)
    {
        const bool overlap = (c.up.IsZero() || p.down < c.up) && (p.up.IsZero() || c.down < p.up);
        if (p.worker == c.worker && overlap)
        {
            return what + ": it is already down then";
        }
        if (p.donor == c.worker && !p.up.IsZero() && c.down <= p.up
            && (c.up.IsZero() || p.up < c.up))
        {
            return what + ": it sends worker " + std::to_string(p.worker) + " a model copy then";
        }
    }
    if (c.up.IsZero())
    {
        return "";
    }
    for (const Ptr<LearningWorker>& w : m_workers)
    {
        if (w && !w->GetSync()->CanResume())
        {
            return what + ": " + m_algorithm
                   + " cannot take a crashed worker back (its TCP connections to it are broken"
                     " for good): crash it without a restart";
        }
    }
    for (uint32_t k = 1; k < n; ++k)
    {
        c.donor = (c.worker + k) % n;
        if (!isDown(c.donor, c.up))
        {
            return "";
        }
    }
    return what + ": no worker is up to send it a model copy at its restart";
}

void
DistributedLearningHelper::ScheduleChecked(const Crash& c)
{
    const Ptr<LearningWorker> w = m_workers[c.worker];
    const Time now = Simulator::Now();
    if (w)
    {
        Simulator::ScheduleWithContext(w->GetNode()->GetId(), c.down - now, &LearningWorker::Crash,
                                       w);
    }
    if (c.up.IsZero())
    {
        return;
    }
    if (w)
    {
        Simulator::ScheduleWithContext(w->GetNode()->GetId(), c.up - now,
                                       &LearningWorker::BeginRejoin, w, c.donor);
    }
    if (const Ptr<LearningWorker> d = m_workers[c.donor])
    {
        Simulator::ScheduleWithContext(d->GetNode()->GetId(), c.up - now,
                                       &LearningWorker::ServeRejoin, d, c.worker);
    }
}

std::string
DistributedLearningHelper::ScheduleCrash(uint32_t worker, Time down, Time up)
{
    Crash c{worker, down, up, worker};
    const std::string error = PlanCrash(c, m_crashes);
    if (error.empty())
    {
        m_crashes.push_back(c);
        ScheduleChecked(c);
    }
    return error;
}

std::string
DistributedLearningHelper::ScheduleCrashes(const std::string& spec)
{
    std::vector<Crash> plan = m_crashes;
    const size_t first = plan.size();
    for (const std::string& item : dlspec::Split(spec, ','))
    {
        if (item.empty())
        {
            continue;
        }
        const std::vector<std::string> f = dlspec::Split(item);
        Crash c{0, Time(0), Time(0), 0};
        if (f.size() < 2 || f.size() > 3 || !dlspec::ParseIndex(f[0], &c.worker)
            || !dlspec::ParseTime(f[1], &c.down)
            || (f.size() == 3 && (!dlspec::ParseTime(f[2], &c.up) || !c.up.IsStrictlyPositive())))
        {
            return "--crash '" + item
                   + "': expected WORKER:DOWN[:UP] (a worker index, times of at least 0 such as "
                     "20ms; UP after DOWN)";
        }
        c.donor = c.worker;
        const std::string error = PlanCrash(c, plan);
        if (!error.empty())
        {
            return "--crash '" + item + "': " + error;
        }
        plan.push_back(c);
    }
    for (size_t i = first; i < plan.size(); ++i)
    {
        ScheduleChecked(plan[i]);
    }
    m_crashes = plan;
    return "";
}

int64_t
DistributedLearningHelper::AssignStreams(int64_t stream)
{
    for (size_t i = 0; i < m_workers.size(); ++i)
    {
        if (m_workers[i])
        {
            m_workers[i]->AssignStreams(stream + int64_t(i));
        }
    }
    return int64_t(m_workers.size());
}

void
DistributedLearningHelper::SetWorkerAttribute(const std::string& name, const AttributeValue& value)
{
    m_workerFactory.Set(name, value);
}

void
DistributedLearningHelper::SetTransportAttribute(const std::string& name,
                                                 const AttributeValue& value)
{
    m_transportFactory.Set(name, value);
}

void
DistributedLearningHelper::SetStreamAttribute(const std::string& name, const AttributeValue& value)
{
    m_streamFactory.Set(name, value);
}

std::vector<Ipv4Address>
DistributedLearningHelper::DiscoverPeers(const NodeContainer& endpoints, uint32_t* mtu)
{
    std::vector<Ipv4Address> peers;
    std::set<uint32_t> seen;
    *mtu = 0;
    for (uint32_t e = 0; e < endpoints.GetN(); ++e)
    {
        Ptr<Node> node = endpoints.Get(e);
        NS_ABORT_MSG_UNLESS(seen.insert(node->GetId()).second,
                            "node " << node->GetId() << " is listed twice: one worker per node");
        Ptr<Ipv4> ip = node->GetObject<Ipv4>();
        NS_ABORT_MSG_UNLESS(ip, "node " << node->GetId()
                                        << " has no IPv4: install an Internet stack and assign "
                                           "addresses before installing the training job");
        bool found = false;
        for (uint32_t i = 0; i < ip->GetNInterfaces() && !found; ++i)
        {
            if (DynamicCast<LoopbackNetDevice>(ip->GetNetDevice(i)) || ip->GetNAddresses(i) == 0)
            {
                continue;
            }
            peers.push_back(ip->GetAddress(i, 0).GetLocal());
            m_endpointDevices.Add(ip->GetNetDevice(i));
            const uint32_t m = ip->GetMtu(i);
            *mtu = *mtu == 0 ? m : std::min(*mtu, m);
            found = true;
        }
        NS_ABORT_MSG_UNLESS(found,
                            "node " << node->GetId() << " has no IPv4 address outside loopback");
        NS_LOG_INFO("endpoint " << e << ": node " << node->GetId() << ", " << peers.back());
    }
    return peers;
}

ApplicationContainer
DistributedLearningHelper::Install(NodeContainer workers, Ptr<TrainingJob> job)
{
    return Install(workers, nullptr, job);
}

ApplicationContainer
DistributedLearningHelper::Install(NodeContainer workers, Ptr<Node> server, Ptr<TrainingJob> job)
{
    NS_LOG_FUNCTION(this << workers.GetN() << server << job);
    CheckInstall(workers, server, job);
    const uint32_t n = workers.GetN();
    // Endpoints: the workers 0..n-1, then the server (n) if any.
    NodeContainer endpoints(workers);
    if (server)
    {
        endpoints.Add(server);
    }
    const std::vector<Ipv4Address> peers = DiscoverPeers(endpoints, &m_mtu);
    m_job = job;
    m_partition = std::make_shared<const dl::BlockPartition>(
        job->GetBackend().ParamCount(), n, BlockTransport::FloatsPerPacket(m_mtu), m_granularity);
    if (m_pathRate.GetBitRate() == 0)
    {
        Ptr<Ipv4> ip = workers.Get(0)->GetObject<Ipv4>();
        m_pathRate = RateOf(ip->GetNetDevice(ip->GetInterfaceForAddress(peers[0])));
        if (m_pathRate.GetBitRate() == 0)
        {
            NS_LOG_WARN("no DataRate on worker 0's NIC: the derived phase timeout assumes "
                        << FALLBACK_RATE << "; set PhaseTimeout or SetPathEstimate");
            m_pathRate = FALLBACK_RATE;
        }
    }
    const Ptr<const SyncAlgorithm> prototype = MakeSyncPrototype();

    // In a distributed run (RankExchange) each rank builds every node but runs only its own
    // nodes' applications: the others' workers are null here, their replicas never exist.
    const uint32_t rank = RankExchange::GetRank();
    ApplicationContainer apps;
    for (uint32_t i = 0; i < n; ++i)
    {
        const bool local = workers.Get(i)->GetSystemId() == rank;
        m_workers.push_back(local ? InstallWorker(workers.Get(i), i, peers, prototype) : nullptr);
        if (local)
        {
            apps.Add(m_workers.back());
        }
    }
    if (server && server->GetSystemId() == rank)
    {
        apps.Add(InstallServer(server, peers, prototype));
    }
    return apps;
}

void
DistributedLearningHelper::CheckInstall(const NodeContainer& workers, Ptr<Node> server,
                                        Ptr<TrainingJob> job) const
{
    NS_ABORT_MSG_UNLESS(job, "Install: no training job");
    NS_ABORT_MSG_UNLESS(m_workers.empty(), "this helper has installed a job: one helper per job");
    const uint32_t n = workers.GetN();
    NS_ABORT_MSG_UNLESS(n == job->GetConfig().workers,
                        "Install: " << n << " worker nodes for a job of "
                                    << job->GetConfig().workers << " workers (one shard each)");
    const std::string tooFew = CheckWorkers(n);
    NS_ABORT_MSG_UNLESS(tooFew.empty(), tooFew);
    NS_ABORT_MSG_IF(!m_psTransport.empty() && !server,
                    "algorithm ps needs a server node: Install(workers, server, job)");
    NS_ABORT_MSG_IF(m_psTransport.empty() && server,
                    "a server node is only for algorithm ps, not " << m_algorithm);
}

Ptr<const SyncAlgorithm>
DistributedLearningHelper::MakeSyncPrototype() const
{
    const Time autoTimeout = GetAutoPhaseTimeout();
    NS_LOG_INFO("job " << m_job->GetId() << ": " << m_algorithm << " on "
                       << m_job->GetConfig().workers << " workers, " << m_partition->TotalChunks()
                       << " packets per model copy, MTU " << m_mtu << ", derived phase timeout "
                       << autoTimeout.As(Time::US));
    // The phases' deadline: the one set (SetSyncAttribute), else the derived one.
    Ptr<SyncAlgorithm> prototype = m_syncFactory.Create<SyncAlgorithm>();
    TimeValue setTimeout(Time(0));
    if (prototype->GetAttributeFailSafe("PhaseTimeout", setTimeout) && setTimeout.Get().IsZero())
    {
        prototype->SetAttribute("PhaseTimeout", TimeValue(autoTimeout));
    }
    return prototype;
}

Ptr<LearningWorker>
DistributedLearningHelper::InstallWorker(Ptr<Node> node, uint32_t i,
                                         const std::vector<Ipv4Address>& peers,
                                         Ptr<const SyncAlgorithm> prototype)
{
    Ptr<BlockTransport> transport = m_transportFactory.Create<BlockTransport>();
    transport->Setup(node, i, peers, m_partition, m_job->GetId());
    Ptr<SyncAlgorithm> sync = m_syncFactory.Create<SyncAlgorithm>();
    TimeValue timeout;
    if (prototype->GetAttributeFailSafe("PhaseTimeout", timeout))
    {
        sync->SetAttribute("PhaseTimeout", timeout);
    }
    if (Ptr<StreamSync> stream = DynamicCast<StreamSync>(sync))
    {
        stream->SetStream(m_streamFactory.Create<StreamTransport>());
    }
    Ptr<LearningWorker> worker = m_workerFactory.Create<LearningWorker>();
    if (m_jitter && (m_jitterWorkers == 0 || i < m_jitterWorkers))
    {
        worker->SetAttribute("ComputeJitter",
                             PointerValue(m_jitterFactory.Create<RandomVariableStream>()));
    }
    node->AddApplication(worker);
    worker->Setup(m_job, i, transport, sync, m_partition);
    return worker;
}

Ptr<ParameterServer>
DistributedLearningHelper::InstallServer(Ptr<Node> node, const std::vector<Ipv4Address>& peers,
                                         Ptr<const SyncAlgorithm> prototype)
{
    Ptr<BlockTransport> transport = m_transportFactory.Create<BlockTransport>();
    transport->Setup(node, m_job->GetConfig().workers, peers, m_partition, m_job->GetId());
    m_server = CreateObject<ParameterServer>();
    const bool tcp = m_psTransport == "tcp";
    m_server->SetAttribute("Transport",
                           EnumValue(tcp ? ParameterServer::TCP : ParameterServer::UDP));
    if (tcp)
    {
        m_server->SetAttribute("Stream", PointerValue(m_streamFactory.Create<StreamTransport>()));
    }
    node->AddApplication(m_server);
    // The server waits out its phases by its workers' rule.
    m_server->Setup(m_job, transport, m_partition, prototype);
    return m_server;
}

Time
DistributedLearningHelper::GetAutoPhaseTimeout() const
{
    NS_ABORT_MSG_UNLESS(m_partition, "Install first");
    // A phase moves about one model's worth of packets through each worker's link. Allow three
    // times that, the path's propagation both ways, and 1 ms of slack for workers that are out
    // of step. A parameter server's link carries every worker's copy.
    const double copies = m_psTransport.empty() ? 1.0 : double(m_partition->Blocks());
    const double bytes = double(m_partition->TotalChunks()) * m_mtu * copies;
    const Time serialisation = m_pathRate.CalculateBytesTxTime(uint32_t(bytes));
    return serialisation * 3 + m_pathDelay * 2 + MilliSeconds(1);
}

void
DistributedLearningHelper::EnablePcap(const std::string& prefix) const
{
    NS_ABORT_MSG_IF(m_workers.empty(), "EnablePcap: Install a job first");
    // The link types' own pcap helpers do the same; knowing the link type by name keeps this
    // helper free of a build dependency on each device module.
    static const std::map<std::string, PcapHelper::DataLinkType> linkTypes = {
        {"ns3::PointToPointNetDevice", PcapHelper::DLT_PPP},
        {"ns3::CsmaNetDevice", PcapHelper::DLT_EN10MB},
    };
    PcapHelper pcap;
    for (auto it = m_endpointDevices.Begin(); it != m_endpointDevices.End(); ++it)
    {
        if ((*it)->GetNode()->GetSystemId() != RankExchange::GetRank())
        {
            continue; // traced by the rank that simulates it
        }
        auto type = linkTypes.find((*it)->GetInstanceTypeId().GetName());
        if (type == linkTypes.end())
        {
            NS_LOG_WARN("EnablePcap: " << (*it)->GetInstanceTypeId().GetName()
                                       << " is traced by its own helper; skipped");
            continue;
        }
        Ptr<PcapFileWrapper> file
            = pcap.CreateFile(pcap.GetFilenameFromDevice(prefix, *it), std::ios::out, type->second);
        pcap.HookDefaultSink<NetDevice>(*it, "PromiscSniffer", file);
    }
}

Ptr<RoundMonitor>
DistributedLearningHelper::CreateMonitor(const PacketLossHelper* loss) const
{
    NS_ABORT_MSG_IF(m_workers.empty(), "CreateMonitor: Install a job first");
    Ptr<RoundMonitor> monitor = CreateObject<RoundMonitor>();
    monitor->Watch(m_job, m_workers);
    monitor->SetLabels(m_algorithm, loss ? loss->GetRate() : 0.0);
    return monitor;
}

} // namespace ns3
