/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "learning-worker.h"

#include "ns3-compat.h"

#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"

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
                              "ns3::LearningWorker::RoundEndTracedCallback");
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

void
LearningWorker::StartRound()
{
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
    m_computeJitter = nullptr;
    m_replica.reset();
    m_job = nullptr;
    Application::DoDispose();
}

} // namespace ns3
