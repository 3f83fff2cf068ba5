/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "round-monitor.h"

#include "model-evaluator.h"

#include "ns3/rank-exchange.h"
#include "ns3/rank-message.h"

#include "ns3/slice-ops.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/nstime.h"
#include "ns3/pointer.h"
#include "ns3/queue-disc.h"
#include "ns3/queue.h"
#include "ns3/simulator.h"
#include "ns3/traffic-control-layer.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <future>
#include <iostream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RoundMonitor");

NS_OBJECT_ENSURE_REGISTERED(RoundMonitor);

TypeId
RoundMonitor::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::RoundMonitor")
              .SetParent<Object>()
              .SetGroupName("DistributedLearning")
              .AddConstructor<RoundMonitor>()
              .AddAttribute("EvalEvery",
                            "Rounds between results rows (0: once per epoch). The last round "
                            "always gets a row.",
                            UintegerValue(0), MakeUintegerAccessor(&RoundMonitor::m_evalEvery),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("ReplicaSample",
                            "Replicas whose own test accuracy and training loss a row measures: "
                            "all of them if there are at most this many (0: always all), else "
                            "this many, evenly spaced by index; the row gives the standard "
                            "error of the sampled mean. The averaged model and the consensus "
                            "distance always use every replica.",
                            UintegerValue(16), MakeUintegerAccessor(&RoundMonitor::m_replicaSample),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("Progress", "Print a progress line on stderr at every results row.",
                            BooleanValue(false), MakeBooleanAccessor(&RoundMonitor::m_progress),
                            MakeBooleanChecker())
              .AddAttribute("StopWhenDone",
                            "Stop the simulation when every worker has ended the last round "
                            "(false: leave it to the script, e.g. when other traffic runs on).",
                            BooleanValue(true),
                            MakeBooleanAccessor(&RoundMonitor::SetStopWhenDone,
                                                &RoundMonitor::GetStopWhenDone),
                            MakeBooleanChecker())
              .AddAttribute(
                  "Deadline",
                  "Simulated time by which the last round must end; past it the "
                  "simulation stops and the run is reported incomplete (0: none). "
                  "Under heavy loss a TCP baseline can otherwise back off for ever.",
                  TimeValue(Seconds(86400)),
                  MakeTimeAccessor(&RoundMonitor::SetDeadline, &RoundMonitor::GetDeadline),
                  MakeTimeChecker(Time(0)))
              .AddAttribute("PollInterval",
                            "Runs over several ranks: simulated time between two reads of the "
                            "other ranks' messages (their workers' rounds, at rank 0; whether "
                            "every rank is done). Longer saves work, shorter stops sooner "
                            "after the last round; the results do not depend on it.",
                            TimeValue(MicroSeconds(100)),
                            MakeTimeAccessor(&RoundMonitor::m_pollInterval),
                            MakeTimeChecker(NanoSeconds(1)))
              .AddAttribute("DivergenceLoss",
                            "A training or test loss above this (or not finite) is reported as "
                            "divergence instead of a results row.",
                            DoubleValue(1e6), MakeDoubleAccessor(&RoundMonitor::m_maxLoss),
                            MakeDoubleChecker<double>(0))
              .AddAttribute("DivergenceConsensus",
                            "A consensus distance above this (or not finite) is reported as "
                            "divergence instead of a results row.",
                            DoubleValue(1e12), MakeDoubleAccessor(&RoundMonitor::m_maxConsensus),
                            MakeDoubleChecker<double>(0));
    return tid;
}

RoundMonitor::RoundMonitor() = default;

RoundMonitor::~RoundMonitor() = default;

namespace
{
/// RankExchange tag of a rank's workers' ends of one round, sent to rank 0.
constexpr int ROUND_PART_TAG = 7101;
} // namespace

void
RoundMonitor::Watch(Ptr<TrainingJob> job, const std::vector<Ptr<LearningWorker>>& workers)
{
    NS_LOG_FUNCTION(this << job << workers.size());
    NS_ABORT_MSG_IF(workers.empty(), "RoundMonitor: no workers to watch");
    m_job = job;
    m_drops->SetJob(job->GetId());
    m_workers = workers;
    m_table.SetJobLabels(uint32_t(workers.size()), job->GetConfig().seed);
    m_wallStart = std::chrono::steady_clock::now();
    const uint32_t ranks = RankExchange::GetSize();
    m_partsReceived.assign(ranks, 0);
    // Armed when the simulation starts, so that a Deadline set after Watch (CreateMonitor
    // watches at once) counts.
    m_stopper.Start(MakeCallback(&RoundMonitor::Overdue, this));
    for (const Ptr<LearningWorker>& w : workers)
    {
        if (!w)
        {
            continue; // simulated by another rank
        }
        ++m_localWorkers;
        w->TraceConnectWithoutContext("RoundEnd", MakeCallback(&RoundMonitor::OnRoundEnd, this));
        // A crashed worker's IPv4 layer drops what reaches it.
        m_drops->WatchIpv4(w->GetNode());
        w->TraceConnectWithoutContext("Crash", MakeCallback(&RoundMonitor::OnCrash, this));
        w->TraceConnectWithoutContext("Rejoin", MakeCallback(&RoundMonitor::OnRejoin, this));
        w->GetSync()->TraceConnectWithoutContext("PhaseEnd",
                                                 MakeCallback(&RoundMonitor::OnPhaseEnd, this));
        // The context says which worker could not send.
        w->GetSync()->TraceConnect("SendError", std::to_string(w->GetIndex()),
                                   MakeCallback(&RoundMonitor::OnSendError, this));
    }
    NS_ABORT_MSG_IF(m_localWorkers == 0, "RoundMonitor: rank " << RankExchange::GetRank() << " of "
                                                               << ranks << " simulates none of the "
                                                               << workers.size() << " workers");
    if (RankExchange::IsDistributed())
    {
        m_pollEvent = Simulator::ScheduleNow(&RoundMonitor::Poll, this);
    }
}

void
RoundMonitor::WatchDevices(const NetDeviceContainer& devices)
{
    NS_LOG_FUNCTION(this << devices.GetN());
    NS_ABORT_MSG_UNLESS(m_job, "RoundMonitor: call Watch before WatchDevices");
    m_drops->WatchDevices(devices);
}

void
RoundMonitor::SetLabels(const std::string& algorithm, double lossRate)
{
    m_table.SetLabels(algorithm, lossRate);
}

bool
RoundMonitor::IsEvalRound(uint32_t round) const
{
    if (round + 1 == m_job->GetTotalRounds())
    {
        return true;
    }
    if (m_job->IsPartialRound(round))
    {
        return false; // a row right after a short minibatch would measure that minibatch
    }
    // Due now, or due at the partial rounds just before this one and deferred to it.
    const uint32_t every = m_evalEvery ? m_evalEvery : m_job->GetRoundsPerEpoch();
    for (uint32_t r = round;; --r)
    {
        if ((r + 1) % every == 0)
        {
            return true;
        }
        if (r == 0 || !m_job->IsPartialRound(r - 1))
        {
            return false;
        }
    }
}

std::string
RoundMonitor::Overdue() const
{
    if (!m_job || m_localRoundsCompleted >= m_job->GetTotalRounds())
    {
        return "";
    }
    return "round " + std::to_string(m_localRoundsCompleted + 1)
           + " did not finish by simulated time " + std::to_string(Simulator::Now().GetSeconds())
           + " s (Deadline)" + Stalled();
}

std::string
RoundMonitor::Stalled() const
{
    std::string down;
    for (const Absence& a : m_absences)
    {
        if (a.until == UINT32_MAX)
        {
            char line[160];
            std::snprintf(
                line, sizeof(line),
                "; stalled: worker %u crashed at %.6g s and is still down, %s waits for it",
                a.worker, a.crashTime, m_table.GetAlgorithm().c_str());
            down += line;
        }
    }
    return down;
}

void
RoundMonitor::OnSendError(std::string worker, uint32_t peer, Socket::SocketErrno error)
{
    // A failed send once the job has run a round is the network's business (a link down);
    // before, it is a set-up the job cannot run on, and waiting would only hide it.
    if (m_localRoundsCompleted > 0)
    {
        NS_LOG_WARN("worker " << worker << " cannot send to worker " << peer << ", errno "
                              << error);
        return;
    }
    m_stopper.Fail(
        "worker " + worker + " cannot send to worker " + std::to_string(peer)
        + (error == Socket::ERROR_NOROUTETOHOST
               ? ": no route to host (were the routing tables populated before Simulator::Run, "
                 "e.g. Ipv4GlobalRoutingHelper::PopulateRoutingTables?)"
               : ": socket error " + std::to_string(int(error))));
}

void
RoundMonitor::OnRoundEnd(uint32_t worker, uint32_t round, double loss)
{
    if (!std::isfinite(loss))
    {
        m_stopper.Diverge("training diverged: worker " + std::to_string(worker)
                          + " had minibatch loss " + std::to_string(loss) + " in round "
                          + std::to_string(round));
        return;
    }
    if (round < m_localRoundsCompleted)
    {
        return; // a rejoined worker's round the others completed while it was down
    }
    RoundRecord& record = m_rounds[round];
    record.ends.resize(m_workers.size());
    WorkerEnd& end = record.ends[worker];
    end.ended = true;
    end.loss = loss;
    end.endTime = Simulator::Now().GetTimeStep();
    if (IsEvalRound(round))
    {
        const Ptr<LearningWorker>& w = m_workers[worker];
        end.params = w->GetReplica().Params().ToHost();
        end.compute = w->GetComputeTime().GetSeconds();
        end.sent = w->GetPacketsSent();
        end.late = w->GetSync()->GetLateOrEarlyPackets();
    }
    ++record.localDone;
    ShipCompleteRounds();
}

void
RoundMonitor::OnCrash(uint32_t worker, uint32_t round)
{
    m_absences.push_back({worker, round, UINT32_MAX, Simulator::Now().GetSeconds()});
    ShipCompleteRounds(); // the rounds that waited for it only
}

void
RoundMonitor::OnRejoin(uint32_t worker, uint32_t round)
{
    for (Absence& a : m_absences)
    {
        if (a.worker == worker && a.until == UINT32_MAX)
        {
            a.until = std::max(round, a.from);
        }
    }
}

uint32_t
RoundMonitor::AbsentIn(uint32_t round) const
{
    uint32_t absent = 0;
    for (const Absence& a : m_absences)
    {
        absent += a.from <= round && round < a.until;
    }
    return absent;
}

void
RoundMonitor::ShipCompleteRounds()
{
    // A worker ends its rounds in order, so this rank's rounds complete in order too; a round
    // waits for every worker that is not down for all of it. One that only ended rounds its
    // peers had all missed cannot complete: some worker must have ended it.
    while (!m_stopper.IsOver())
    {
        const uint32_t round = m_localRoundsCompleted;
        auto it = m_rounds.find(round);
        if (it == m_rounds.end() || it->second.localDone == 0
            || it->second.localDone + AbsentIn(round) < m_localWorkers)
        {
            return;
        }
        ShipRound(round);
    }
}

bool
RoundMonitor::NothingReceived() const
{
    for (const Ptr<LearningWorker>& w : m_workers)
    {
        const Ptr<BlockTransport> t = w ? w->GetSync()->GetTransport() : nullptr;
        if (t && t->GetPacketsDelivered() + t->GetPacketsRejected() > 0)
        {
            return false;
        }
    }
    return true;
}

void
RoundMonitor::OnPhaseEnd(uint32_t round, uint8_t phase, uint32_t expected, uint32_t arrived, bool)
{
    if (round < m_localRoundsCompleted)
    {
        return; // a rejoined worker's round the others completed while it was down
    }
    RoundRecord& record = m_rounds[round];
    record.unitsExpected += expected;
    record.unitsArrived += arrived;
}

void
RoundMonitor::ShipRound(uint32_t round)
{
    m_localRoundsCompleted = round + 1;
    if (round == 0 && m_rounds[round].unitsExpected > 0 && m_rounds[round].unitsArrived == 0
        && NothingReceived())
    {
        // Not one packet arrived at this rank's workers: not loss the job can learn through
        // (a unit can be lost to one packet, a packet hardly to every one), but a network that
        // does not carry the job's packets.
        m_stopper.Fail(
            "no packet of round 1 arrived at any worker: do the workers have routes to each "
            "other (routing tables populated, addresses on the interfaces they use) and a loss "
            "rate below 1?");
        return;
    }
    if (RankExchange::GetRank() == 0)
    {
        m_rounds[round].parts++;
        CompleteRounds();
    }
    else
    {
        auto it = m_rounds.find(round);
        RankMessage w;
        w.Put<uint32_t>(round);
        w.Put<uint64_t>(it->second.unitsExpected);
        w.Put<uint64_t>(it->second.unitsArrived);
        w.Put<uint32_t>(it->second.localDone);
        for (uint32_t i = 0; i < m_workers.size(); ++i)
        {
            if (!m_workers[i] || !it->second.ends[i].ended)
            {
                continue;
            }
            const WorkerEnd& e = it->second.ends[i];
            w.Put<uint32_t>(i);
            w.Put<double>(e.loss);
            w.Put<int64_t>(e.endTime);
            w.Put<double>(e.compute);
            w.Put<uint64_t>(e.sent);
            w.Put<uint64_t>(e.late);
            w.PutBytes(e.params.data(), e.params.size() * sizeof(float));
        }
        RankExchange::Send(0, ROUND_PART_TAG, w.Take());
        m_rounds.erase(it);
    }
    if (m_localRoundsCompleted == m_job->GetTotalRounds())
    {
        m_stopper.LocalDone();
    }
}

void
RoundMonitor::MergePart(uint32_t from, std::vector<uint8_t> bytes)
{
    RankMessage r(std::move(bytes));
    const auto round = r.Get<uint32_t>();
    RoundRecord& record = m_rounds[round];
    record.ends.resize(m_workers.size());
    record.unitsExpected += r.Get<uint64_t>();
    record.unitsArrived += r.Get<uint64_t>();
    const auto count = r.Get<uint32_t>();
    for (uint32_t k = 0; k < count; ++k)
    {
        const auto i = r.Get<uint32_t>();
        NS_ABORT_MSG_IF(i >= record.ends.size(),
                        "RoundMonitor: worker " << i << " from rank " << from);
        WorkerEnd& e = record.ends[i];
        e.ended = true;
        e.loss = r.Get<double>();
        e.endTime = r.Get<int64_t>();
        e.compute = r.Get<double>();
        e.sent = r.Get<uint64_t>();
        e.late = r.Get<uint64_t>();
        const uint8_t* data;
        const size_t size = r.GetBytes(&data);
        e.params.resize(size / sizeof(float));
        std::memcpy(e.params.data(), data, size);
    }
    record.parts++;
    m_partsReceived[from]++;
}

void
RoundMonitor::CompleteRounds()
{
    while (m_stopper.GetDivergence().empty())
    {
        auto it = m_rounds.find(m_roundsCompleted);
        if (it == m_rounds.end() || it->second.parts < RankExchange::GetSize())
        {
            return;
        }
        RoundRecord record = std::move(it->second);
        m_rounds.erase(it);
        const uint32_t round = m_roundsCompleted++;
        // In worker order, not in the order the ends happened: the same sums on any ranks.
        for (const WorkerEnd& e : record.ends)
        {
            m_lossSum += e.ended ? e.loss : 0.0;
            m_lossCount += e.ended;
        }
        m_unitsExpected += record.unitsExpected;
        m_unitsArrived += record.unitsArrived;
        if (IsEvalRound(round))
        {
            EmitRow(round, record);
        }
        if (m_roundsCompleted == m_job->GetTotalRounds())
        {
            m_stopper.AllRoundsDone();
        }
    }
}

void
RoundMonitor::Poll()
{
    uint32_t from = 0;
    std::vector<uint8_t> bytes;
    while (RankExchange::TryReceive(ROUND_PART_TAG, &from, &bytes))
    {
        MergePart(from, std::move(bytes));
    }
    CompleteRounds();
    if (m_stopper.PollRanks())
    {
        return;
    }
    m_pollEvent = Simulator::Schedule(m_pollInterval, &RoundMonitor::Poll, this);
}

void
RoundMonitor::Finish()
{
    NS_LOG_FUNCTION(this);
    if (!m_job)
    {
        return;
    }
    if (RankExchange::IsDistributed())
    {
        GatherRanks();
    }
    // Events ran out (or the user's Stop came) before the last round: say so, never as complete.
    if (m_roundsCompleted < m_job->GetTotalRounds())
    {
        m_stopper.EndedShort("the simulation ended after " + std::to_string(m_roundsCompleted)
                             + " of " + std::to_string(m_job->GetTotalRounds()) + " rounds"
                             + Stalled());
    }
}

void
RoundMonitor::GatherRanks()
{
    m_pollEvent.Cancel();
    const uint32_t ranks = RankExchange::GetSize();
    const uint32_t self = RankExchange::GetRank();
    // The rounds still on their way to rank 0.
    std::vector<uint64_t> sent(ranks, 0);
    sent[self] = self == 0 ? 0 : m_localRoundsCompleted; // each shipped as it completed
    sent = RankExchange::AllSum(sent);
    if (self == 0)
    {
        for (uint32_t r = 1; r < ranks; ++r)
        {
            while (m_partsReceived[r] < sent[r])
            {
                MergePart(r, RankExchange::Receive(r, ROUND_PART_TAG));
            }
        }
        CompleteRounds();
    }
    // Drops happen on every rank: each counts its own before each row's time. With them, the
    // total, and the rounds rank 0 completed.
    RankMessage times;
    times.PutBytes(m_rowTimes.data(), m_rowTimes.size() * sizeof(int64_t));
    std::vector<uint8_t> timeBytes = times.Take();
    RankExchange::Broadcast(&timeBytes);
    RankMessage timeReader(std::move(timeBytes));
    const uint8_t* timeData;
    const size_t rows = timeReader.GetBytes(&timeData) / sizeof(int64_t);
    std::vector<uint64_t> counts(rows + 2, 0);
    for (size_t i = 0; i < rows; ++i)
    {
        int64_t t;
        std::memcpy(&t, timeData + i * sizeof(int64_t), sizeof(t));
        counts[i] = m_drops->GetDroppedBefore(t);
    }
    counts[rows] = m_drops->GetDropped();
    counts[rows + 1] = self == 0 ? m_roundsCompleted : 0;
    counts = RankExchange::AllSum(counts);
    for (size_t i = 0; i < m_table.GetRows().size(); ++i)
    {
        m_table.SetPacketsDropped(i, counts[i]);
    }
    m_droppedElsewhere = counts[rows] - m_drops->GetDropped();
    m_roundsCompleted = uint32_t(counts[rows + 1]);
    m_stopper.Agree(); // the outcome, the same on every rank
    RankExchange::Flush();
}

void
RoundMonitor::EmitRow(uint32_t round, RoundRecord& record)
{
    NS_LOG_FUNCTION(this << round);
    dl::TrainerBackend& backend = m_job->GetBackend();
    std::vector<const float*> replicas;
    int64_t endTime = 0;
    double computeSum = 0.0;
    Row r{};
    for (const WorkerEnd& e : record.ends)
    {
        if (!e.ended)
        {
            continue; // down: no replica to evaluate
        }
        replicas.push_back(e.params.data());
        endTime = std::max(endTime, e.endTime);
        computeSum += e.compute;
        r.packetsSent += e.sent;
        r.packetsLate += e.late;
    }
    const size_t count = backend.ParamCount();
    dl::FloatBuffer mean(count);
    dl::MeanOf(replicas, count, mean.data());
    if (!dl::AllFinite(mean.data(), count))
    {
        m_stopper.Diverge("training diverged: non-finite parameters after round "
                          + std::to_string(round));
        return;
    }
    r.round = round + 1;
    r.liveWorkers = uint32_t(replicas.size());
    r.epoch = double(round + 1) / m_job->GetRoundsPerEpoch();
    r.simTime = Time(endTime).GetSeconds();
    r.simCompute = computeSum / double(replicas.size());
    r.simComm = r.simTime - r.simCompute;
    r.trainLoss = m_lossCount ? m_lossSum / double(m_lossCount) : 0.0;
    ModelEvaluator evaluator(m_job);
    evaluator.SetReplicaSample(m_replicaSample);
    evaluator.SetDivergenceLimits(m_maxLoss, m_maxConsensus);
    evaluator.EvaluateRow(r, replicas, mean.data());
    r.consensusDistance = dl::ConsensusDistance(replicas, mean.data(), count);
    r.arrivalRate = m_unitsExpected ? double(m_unitsArrived) / double(m_unitsExpected) : 1.0;
    // This rank's drops; in a distributed run Finish adds the other ranks'.
    r.packetsDropped = m_drops->GetDroppedBefore(endTime);
    r.wallTime
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_wallStart).count();
    const std::string diverged = evaluator.DivergenceOf(r);
    if (!diverged.empty())
    {
        m_stopper.Diverge(diverged);
        return;
    }
    m_table.Add(r);
    m_rowTimes.push_back(endTime);
    if (!RankExchange::IsDistributed())
    {
        m_drops->ForgetBefore(endTime); // later rows count from here on
    }
    m_lossSum = 0.0;
    m_lossCount = 0;
    m_unitsExpected = 0;
    m_unitsArrived = 0;
    if (m_progress)
    {
        char line[256];
        std::snprintf(line, sizeof(line),
                      "[dl-train] epoch %.2f/%g  round %u/%u  sim %.3fs  train_loss %.4f  "
                      "test_acc %.4f  arrival %.3f  wall %.0fs",
                      r.epoch, m_job->GetConfig().epochs, r.round, m_job->GetTotalRounds(),
                      r.simTime, r.trainLoss, r.testAccuracy, r.arrivalRate, r.wallTime);
        std::cerr << line << std::endl;
    }
}

void
RoundMonitor::DoDispose()
{
    m_stopper.Cancel();
    m_pollEvent.Cancel();
    m_rounds.clear();
    m_workers.clear();
    m_job = nullptr;
    Object::DoDispose();
}

} // namespace ns3
