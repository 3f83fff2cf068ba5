/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "learning-worker.h"

#include "ns3/ns3-compat.h"

#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

#include <chrono>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LearningWorker");

NS_OBJECT_ENSURE_REGISTERED(LearningWorker);

TypeId
LearningWorker::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::LearningWorker")
              .SetParent<Application>()
              .SetGroupName("DistributedLearning")
              .AddConstructor<LearningWorker>()
              .AddAttribute("ComputeTime",
                            "Simulated time of one local compute step (ComputeTimeMode=Fixed).",
                            TimeValue(MilliSeconds(5)),
                            MakeTimeAccessor(&LearningWorker::m_computeTime),
                            MakeTimeChecker(Seconds(0)))
              .AddAttribute("ComputeTimeMode",
                            "Fixed: every step takes ComputeTime (deterministic). Measured: the "
                            "step's wall-clock time times WallTimeFactor (not reproducible).",
                            EnumValue(FIXED),
                            dlcompat::MakeEnumMemberAccessor(&LearningWorker::m_computeMode),
                            MakeEnumChecker(FIXED, "Fixed", MEASURED, "Measured"))
              .AddAttribute("WallTimeFactor",
                            "Measured mode: simulated compute time = wall time * this factor.",
                            DoubleValue(1.0), MakeDoubleAccessor(&LearningWorker::m_wallTimeFactor),
                            MakeDoubleChecker<double>(0.0))
              .AddAttribute("ComputeJitter",
                            "Extra simulated time of each local step, in seconds, drawn from "
                            "this random variable: a straggler's tail (exponential, Pareto, "
                            "log-normal) or a constant for a slow worker. Null (the default): "
                            "none, and no random variable is created. A negative draw is an "
                            "error. Fixed mode only.",
                            PointerValue(), MakePointerAccessor(&LearningWorker::m_computeJitter),
                            MakePointerChecker<RandomVariableStream>())
              .AddAttribute("RecoveryPort",
                            "TCP port on which a restarted worker receives its model copy "
                            "(BeginRejoin). 0: the block transport's UDP port + 2.",
                            UintegerValue(0), MakeUintegerAccessor(&LearningWorker::m_recoveryPort),
                            MakeUintegerChecker<uint16_t>())
              .AddAttribute("Sync",
                            "The synchronisation algorithm (set by Setup). Reachable by Config "
                            "path, e.g. /NodeList/*/ApplicationList/*/$ns3::LearningWorker/Sync/"
                            "PhaseEnd.",
                            TypeId::ATTR_GET, PointerValue(),
                            MakePointerAccessor(&LearningWorker::m_sync),
                            MakePointerChecker<SyncAlgorithm>())
              .AddTraceSource("RoundStart", "A round started: worker, round.",
                              MakeTraceSourceAccessor(&LearningWorker::m_roundStartTrace),
                              "ns3::LearningWorker::RoundStartTracedCallback")
              .AddTraceSource("RoundEnd", "A round ended: worker, round, minibatch loss.",
                              MakeTraceSourceAccessor(&LearningWorker::m_roundEndTrace),
                              "ns3::LearningWorker::RoundEndTracedCallback")
              .AddTraceSource("Crash", "The worker crashed: worker, first round it misses.",
                              MakeTraceSourceAccessor(&LearningWorker::m_crashTrace),
                              "ns3::LearningWorker::MembershipTracedCallback")
              .AddTraceSource("Rejoin",
                              "A restarted worker has its model copy: worker, round it starts.",
                              MakeTraceSourceAccessor(&LearningWorker::m_rejoinTrace),
                              "ns3::LearningWorker::MembershipTracedCallback");
    return tid;
}

LearningWorker::LearningWorker()
{
    NS_LOG_FUNCTION(this);
}

LearningWorker::~LearningWorker() = default;

void
LearningWorker::Setup(Ptr<TrainingJob> job, uint32_t index, Ptr<BlockTransport> transport,
                      Ptr<SyncAlgorithm> sync, std::shared_ptr<const dl::BlockPartition> partition)
{
    NS_LOG_FUNCTION(this << index);
    m_job = job;
    m_index = index;
    m_replica = job->MakeReplica(index);
    m_sync = sync;
    m_sync->Setup(index, transport, m_replica.get(), std::move(partition));
}

void
LearningWorker::StartApplication()
{
    NS_LOG_FUNCTION(this << m_index);
    if (m_down)
    {
        return; // crashed before the start: it begins when its model copy arrives
    }
    m_running = true;
    m_event = Simulator::ScheduleNow(&LearningWorker::StartRound, this);
}

void
LearningWorker::StopApplication()
{
    NS_LOG_FUNCTION(this << m_index);
    m_running = false;
    m_event.Cancel();
    m_sync->Stop();
}

int64_t
LearningWorker::AssignStreams(int64_t stream)
{
    if (!m_computeJitter)
    {
        return 0;
    }
    m_computeJitter->SetStream(stream);
    return 1;
}

uint64_t
LearningWorker::GetPacketsSent() const
{
    return m_sync->GetPacketsSent() + (m_recovery ? m_recovery->GetSegmentsSent() : 0);
}

void
LearningWorker::Crash()
{
    NS_LOG_FUNCTION(this << m_index << m_round);
    NS_ABORT_MSG_IF(m_down, "worker " << m_index << " crashed while down");
    m_running = false;
    m_down = true;
    m_event.Cancel();
    m_sync->AwaitCompute(); // the step's result is lost with the machine
    m_sync->Suspend();
    m_serveTo.clear();
    SetInterfacesUp(false);
    m_crashTrace(m_index, m_round);
}

void
LearningWorker::BeginRejoin(uint32_t donor)
{
    NS_LOG_FUNCTION(this << m_index << donor);
    NS_ABORT_MSG_UNLESS(m_down, "worker " << m_index << " restarted without having crashed");
    NS_ABORT_MSG_UNLESS(m_sync->CanResume(), "worker " << m_index << ": "
                                                       << m_sync->GetInstanceTypeId().GetName()
                                                       << " cannot take a crashed worker back");
    SetInterfacesUp(true);
    Recovery(); // listening before the donor's connection can arrive
}

void
LearningWorker::ServeRejoin(uint32_t peer)
{
    NS_LOG_FUNCTION(this << m_index << peer);
    NS_ABORT_MSG_IF(m_down, "worker " << m_index << " cannot send worker " << peer
                                      << " a model copy: it is down itself");
    Recovery();
    m_serveTo.push_back(peer);
    if (!m_running || m_round >= m_job->GetTotalRounds())
    {
        ServeWaiting(); // no round boundary will come
    }
}

Ptr<StreamTransport>
LearningWorker::Recovery()
{
    if (!m_recovery)
    {
        Ptr<BlockTransport> t = m_sync->GetTransport();
        UintegerValue udpPort;
        t->GetAttribute("Port", udpPort);
        const uint64_t port = m_recoveryPort ? m_recoveryPort : udpPort.Get() + 2;
        NS_ABORT_MSG_IF(port > 65535, "worker " << m_index << ": UDP port " << udpPort.Get()
                                                << " + 2 is no port: set RecoveryPort");
        m_recovery = CreateObject<StreamTransport>();
        m_recovery->SetAttribute("Port", UintegerValue(port));
        m_recovery->Setup(t->GetNode(), m_index, t->GetPeerAddresses(), t->GetJob());
        m_recovery->SetReceiveCallback(MakeCallback(&LearningWorker::FinishRejoin, this));
    }
    return m_recovery;
}

void
LearningWorker::ServeWaiting()
{
    if (m_serveTo.empty())
    {
        return;
    }
    const dl::FloatBuffer params = GetReplica().Params().ToHost();
    ModelBlockHeader header;
    header.m_kind = ModelBlockHeader::MODEL;
    header.m_phase = ModelBlockHeader::BROADCAST;
    header.m_round = m_round;
    header.m_source = uint16_t(m_index);
    header.m_block = m_index;
    header.m_count = uint32_t(params.size());
    for (uint32_t peer : m_serveTo)
    {
        NS_LOG_INFO("worker " << m_index << " sends worker " << peer << " its model of round "
                              << m_round);
        m_recovery->Send(peer, header, params.data());
    }
    m_serveTo.clear();
}

void
LearningWorker::FinishRejoin(const ModelBlockHeader& header, const float* data)
{
    NS_LOG_FUNCTION(this << m_index << header.m_round);
    const size_t count = m_replica->Params().Size();
    if (!m_down || header.m_count != count)
    {
        NS_LOG_WARN("worker " << m_index << " ignores a model copy of " << header.m_count
                              << " floats (down: " << m_down << ")");
        return;
    }
    m_replica->Restore(data);
    m_round = header.m_round;
    m_sync->Resume(m_round);
    m_down = false;
    m_running = true;
    m_rejoinTrace(m_index, m_round);
    m_event = Simulator::ScheduleNow(&LearningWorker::StartRound, this);
}

void
LearningWorker::SetInterfacesUp(bool up)
{
    Ptr<Ipv4> ip = GetNode()->GetObject<Ipv4>();
    for (uint32_t i = 0; i < ip->GetNInterfaces(); ++i)
    {
        if (ip->GetAddress(i, 0).GetLocal() == Ipv4Address::GetLoopback())
        {
            continue;
        }
        if (up)
        {
            ip->SetUp(i);
        }
        else
        {
            ip->SetDown(i);
        }
    }
}

void
LearningWorker::StartRound()
{
    ServeWaiting(); // a round boundary: the replica is the one the round starts from
    if (!m_running || m_round >= m_job->GetTotalRounds())
    {
        m_sync->Stop();
        return;
    }
    m_roundStartTrace(m_index, m_round);
    const int batch = int(m_job->GetConfig().batchSize);
    const float lr = m_job->GetLearningRate(m_round);
    Time delay = m_computeTime;
    if (m_computeJitter && m_computeMode == FIXED)
    {
        const double extra = m_computeJitter->GetValue();
        NS_ABORT_MSG_IF(!(extra >= 0), "worker " << m_index << ": ComputeJitter drew " << extra
                                                 << " s; a compute time cannot shrink");
        delay += Seconds(extra);
    }
    if (m_computeMode == MEASURED)
    {
        // The wall time of this step alone: run it here, not queued behind other workers' steps.
        const auto wallStart = std::chrono::steady_clock::now();
        m_loss = m_sync->ComputeStep(batch, lr);
        const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - wallStart;
        delay = Seconds(wall.count() * m_wallTimeFactor);
    }
    else
    {
        // The step's simulated length is known before it runs: it computes on the job's
        // threads while the simulator goes on, and the exchange waits for it.
        m_sync->BeginCompute(m_job->GetThreadPool(), batch, lr);
    }
    m_computeTotal += delay;
    m_event = Simulator::Schedule(delay, &LearningWorker::BeginExchange, this);
}

void
LearningWorker::BeginExchange()
{
    NS_LOG_FUNCTION(this << m_index << m_round);
    if (m_computeMode == FIXED)
    {
        m_loss = m_sync->AwaitCompute();
    }
    m_sync->StartExchange(m_round, MakeCallback(&LearningWorker::EndRound, this));
}

void
LearningWorker::EndRound()
{
    NS_LOG_LOGIC("worker " << m_index << " ends round " << m_round << " at " << Simulator::Now());
    m_roundEndTrace(m_index, m_round, m_loss);
    ++m_round;
    // Schedule rather than call: keeps the stack flat when a whole round completes at once.
    m_event = Simulator::ScheduleNow(&LearningWorker::StartRound, this);
}

void
LearningWorker::DoDispose()
{
    m_event.Cancel();
    if (m_sync)
    {
        m_sync->Dispose(); // waits for a local step still running on the replica freed below
    }
    m_sync = nullptr;
    if (m_recovery)
    {
        m_recovery->Dispose();
    }
    m_recovery = nullptr;
    m_computeJitter = nullptr;
    m_replica.reset();
    m_job = nullptr;
    Application::DoDispose();
}

} // namespace ns3
