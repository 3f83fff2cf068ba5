/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "block-exchange-sync.h"

#include "ns3/boolean.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <cstring>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("BlockExchangeSync");

NS_OBJECT_ENSURE_REGISTERED(BlockExchangeSync);

namespace
{

/// Position of a packet in its sender's transmission order to one peer.
uint64_t
SendOrderKey(uint32_t round, uint32_t phase, uint32_t block, uint32_t chunk)
{
    return (uint64_t(round) << 40) | (uint64_t(phase) << 36) | (uint64_t(block) << 20) | chunk;
}

} // namespace

TypeId
BlockExchangeSync::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::BlockExchangeSync")
              .SetParent<SyncAlgorithm>()
              .SetGroupName("DistributedLearning")
              .AddAttribute("Transport",
                            "The worker's block transport (UDP); set by Setup. Reachable by Config "
                            "path, e.g. .../$ns3::LearningWorker/Sync/Transport/Tx. Only the "
                            "algorithms on the lossy block exchange have it: on a TCP baseline the "
                            "path matches nothing and Config::Connect fails (use .../Sync/Stream).",
                            TypeId::ATTR_GET, PointerValue(),
                            MakePointerAccessor(&BlockExchangeSync::m_transport),
                            MakePointerChecker<BlockTransport>())
              .AddAttribute("PhaseTimeout",
                            "Idle timeout of a phase: it ends when no chunk of it arrived for this "
                            "long (a peer that has sent nothing of the phase yet is waited for "
                            "until (phase + 2) timeouts after the exchange began). Zero: the "
                            "helper derives it from the model size and link rate.",
                            TimeValue(Seconds(0)),
                            MakeTimeAccessor(&BlockExchangeSync::m_phaseTimeout),
                            MakeTimeChecker(Seconds(0)))
              .AddAttribute("AdaptiveTimeout",
                            "Wait for a peer that has sent nothing of the phase yet as long as its "
                            "observed lateness suggests ((phase + 1) timeouts plus its smoothed "
                            "lateness and four deviations, at least one timeout, at most "
                            "MaxLateWait) instead of a fixed (phase + 2) timeouts.",
                            BooleanValue(false),
                            MakeBooleanAccessor(&BlockExchangeSync::m_adaptive),
                            MakeBooleanChecker())
              .AddAttribute("MaxLateWait",
                            "With AdaptiveTimeout: the most a late peer adds to the wait in place "
                            "of the fixed rule's one timeout. Zero: 10 PhaseTimeouts.",
                            TimeValue(Seconds(0)),
                            MakeTimeAccessor(&BlockExchangeSync::m_maxLateWait),
                            MakeTimeChecker(Seconds(0)));
    return tid;
}

BlockExchangeSync::BlockExchangeSync() = default;

BlockExchangeSync::~BlockExchangeSync() = default;

void
BlockExchangeSync::Setup(uint32_t self, Ptr<BlockTransport> transport, dl::Replica* replica,
                         std::shared_ptr<const dl::BlockPartition> partition)
{
    SyncAlgorithm::Setup(self, transport, replica, partition);
    m_peers = transport->GetPeerCount();
    const uint32_t blocks = m_partition->Blocks();
    m_plans.assign(GetPhaseCount(), PhasePlan{});
    for (uint32_t phase = 0; phase < m_plans.size(); ++phase)
    {
        PhasePlan& plan = m_plans[phase];
        plan.expect = GetExpectations(phase);
        plan.chunksFrom.assign(m_peers, 0);
        plan.firstBlock.assign(m_peers, blocks);
        plan.lastBlock.assign(m_peers, 0);
        plan.peerStart.assign(m_peers + 1, 0);
        plan.blockStart.assign(blocks + 1, 0);
        for (const Expectation& x : plan.expect)
        {
            NS_ABORT_MSG_IF(x.peer >= m_peers || x.peer == m_self || x.block >= blocks,
                            "bad expectation: peer " << x.peer << " block " << x.block);
            plan.peerStart[x.peer + 1]++;
            plan.blockStart[x.block + 1]++;
        }
        for (uint32_t w = 0; w < m_peers; ++w)
        {
            plan.peerStart[w + 1] += plan.peerStart[w];
        }
        for (uint32_t b = 0; b < blocks; ++b)
        {
            plan.blockStart[b + 1] += plan.blockStart[b];
        }
        plan.byPeer.resize(plan.expect.size());
        plan.senders.resize(plan.expect.size());
        std::vector<uint32_t> peerFill(plan.peerStart.begin(), plan.peerStart.end() - 1);
        std::vector<uint32_t> blockFill(plan.blockStart.begin(), plan.blockStart.end() - 1);
        for (size_t e = 0; e < plan.expect.size(); ++e)
        {
            const Expectation& x = plan.expect[e];
            NS_ABORT_MSG_IF(peerFill[x.peer] > plan.peerStart[x.peer]
                                && plan.expect[plan.byPeer[peerFill[x.peer] - 1]].block >= x.block,
                            "expectations from peer " << x.peer
                                                      << " not in increasing block order");
            plan.byPeer[peerFill[x.peer]++] = uint32_t(e);
            plan.senders[blockFill[x.block]++] = x.peer;
            plan.dataOffset.push_back(plan.floats);
            plan.chunkOffset.push_back(plan.chunks);
            plan.unitOffset.push_back(plan.units);
            plan.floats += m_partition->BlockSlice(x.block).count;
            plan.chunks += m_partition->Chunks(x.block);
            plan.units += m_partition->Units(x.block);
            plan.peersExpected += plan.chunksFrom[x.peer] == 0 ? 1 : 0;
            plan.chunksFrom[x.peer] += m_partition->Chunks(x.block);
            plan.firstBlock[x.peer] = std::min(plan.firstBlock[x.peer], x.block);
            plan.lastBlock[x.peer] = std::max(plan.lastBlock[x.peer], x.block);
        }
    }
    m_data.resize(m_plans.size());
    for (uint32_t phase = 0; phase < m_plans.size(); ++phase)
    {
        m_data[phase].resize(m_plans[phase].floats);
    }
    for (auto& slot : m_staging)
    {
        slot.resize(m_plans.size());
        for (uint32_t phase = 0; phase < m_plans.size(); ++phase)
        {
            slot[phase].seen.resize(m_plans[phase].chunks);
            slot[phase].unitSeen.resize(m_plans[phase].units);
            slot[phase].from.resize(m_peers);
        }
    }
    ResetSlot(0);
    ResetSlot(1);
    m_sendCopy.resize(m_partition->LargestBlock());
    m_lastKey.assign(m_peers, 0);
    m_settled.assign(m_peers, 0);
    NS_ABORT_MSG_IF(m_phaseTimeout.IsZero() && m_peers > 1, "PhaseTimeout not set");
}

int32_t
BlockExchangeSync::Find(const PhasePlan& plan, uint32_t peer, uint32_t block)
{
    const auto first = plan.byPeer.begin() + plan.peerStart[peer];
    const auto last = plan.byPeer.begin() + plan.peerStart[peer + 1];
    const auto it = std::lower_bound(
        first, last, block, [&plan](uint32_t e, uint32_t b) { return plan.expect[e].block < b; });
    return it != last && plan.expect[*it].block == block ? int32_t(*it) : -1;
}

void
BlockExchangeSync::ResetSlot(uint32_t slot)
{
    // Only the arrival records need clearing: values are read only where a chunk was seen.
    for (Staging& s : m_staging[slot])
    {
        std::fill(s.seen.begin(), s.seen.end(), 0);
        std::fill(s.unitSeen.begin(), s.unitSeen.end(), 0);
        std::fill(s.from.begin(), s.from.end(), 0);
    }
}

void
BlockExchangeSync::StageAhead()
{
    // Arrival records already sit in this round's slot; only the floats wait here.
    for (const Ahead& a : m_ahead)
    {
        std::memcpy(m_data[a.phase].data() + a.offset, m_aheadData.data() + a.start,
                    a.count * sizeof(float));
    }
    m_ahead.clear();
    m_aheadData.clear();
}

void
BlockExchangeSync::ExchangeApplied()
{
}

void
BlockExchangeSync::OnNextRoundActivity()
{
}

void
BlockExchangeSync::Send(uint32_t dst, uint32_t phase, uint32_t block, const dl::FlatVector& vector)
{
    const dl::Slice s = m_partition->BlockSlice(block);
    // Only one block is held: the transport copies it into packets at once, and a phase sends
    // a block to all its peers in a row (one read, however many peers).
    if (m_sendBlock != int64_t(block))
    {
        vector.Read(s, m_sendCopy.data());
        m_sendBlock = block;
    }
    m_transport->SendBlock(dst, ModelBlockHeader::Phase(phase), ExchangeKind(phase), m_round, block,
                           m_sendCopy.data());
}

const float*
BlockExchangeSync::ArrivedUnit(uint32_t phase, uint32_t peer, uint32_t block, uint32_t u) const
{
    const PhasePlan& plan = m_plans[phase];
    const int32_t e = Find(plan, peer, block);
    if (e < 0)
    {
        return nullptr;
    }
    const Staging& s = m_staging[m_round % 2][phase];
    if (s.unitSeen[plan.unitOffset[e] + u] != m_partition->ChunksInUnit(block, u))
    {
        return nullptr;
    }
    const dl::Slice unit = m_partition->UnitSlice(block, u);
    return m_data[phase].data() + plan.dataOffset[e]
           + (unit.offset - m_partition->BlockSlice(block).offset);
}

const std::vector<const float*>&
BlockExchangeSync::ArrivedCopies(uint32_t phase, uint32_t block, uint32_t u)
{
    m_arrived.clear();
    const PhasePlan& plan = m_plans[phase];
    for (uint32_t k = plan.blockStart[block]; k < plan.blockStart[block + 1]; ++k)
    {
        const uint32_t peer = plan.senders[k];
        if (const float* copy = ArrivedUnit(phase, peer, block, u))
        {
            m_arrived.push_back(copy);
        }
    }
    return m_arrived;
}

void
BlockExchangeSync::StartExchange(uint32_t round, DoneCallback done)
{
    NS_LOG_FUNCTION(this << round);
    NS_ASSERT(m_phase < 0 && round == m_round);
    m_done = done;
    m_previousStart = m_exchangeStart;
    m_exchangeStart = Simulator::Now();
    BeginPhase(0);
}

void
BlockExchangeSync::Suspend()
{
    NS_LOG_FUNCTION(this << m_round);
    m_deadline.Cancel();
    m_done = DoneCallback();
    m_phase = -1;
}

bool
BlockExchangeSync::CanResume() const
{
    return true;
}

void
BlockExchangeSync::Resume(uint32_t round)
{
    NS_LOG_FUNCTION(this << round);
    // What arrived before the crash belongs to rounds that are over. The peers' send-order
    // keys stay: theirs only grow, and the rounds from here on are later.
    ResetSlot(0);
    ResetSlot(1);
    m_ahead.clear();
    m_aheadData.clear();
    m_round = round;
    // Rounds before this one were not exchanged here: their lateness means nothing.
    for (Lateness& l : m_lateness)
    {
        l.nextRound = std::max(l.nextRound, round);
    }
}

void
BlockExchangeSync::BeginPhase(uint32_t phase)
{
    NS_LOG_FUNCTION(this << phase);
    m_sendBlock = -1;
    SendPhase(phase);
    m_phase = int32_t(phase);
    m_lastArrival = Simulator::Now();
    m_deadline = Simulator::Schedule(m_phaseTimeout, &BlockExchangeSync::OnDeadline, this);
    m_settledCount = 0;
    for (uint32_t w = 0; w < m_peers; ++w)
    {
        m_settled[w] = IsSettled(w);
        m_settledCount += m_settled[w];
    }
    if (m_settledCount == m_peers)
    {
        EndPhase(false);
    }
}

bool
BlockExchangeSync::IsSettled(uint32_t peer) const
{
    const PhasePlan& plan = m_plans[m_phase];
    if (plan.chunksFrom[peer] == 0
        || m_staging[m_round % 2][m_phase].from[peer] == plan.chunksFrom[peer])
    {
        return true;
    }
    const uint32_t last = plan.lastBlock[peer];
    // Anything sent after the last expected chunk settles every earlier one: FIFO paths.
    return m_lastKey[peer] > SendOrderKey(m_round, m_phase, last, m_partition->Chunks(last) - 1);
}

void
BlockExchangeSync::CopyTimeouts(const BlockExchangeSync& other)
{
    m_phaseTimeout = other.m_phaseTimeout;
    m_adaptive = other.m_adaptive;
    m_maxLateWait = other.m_maxLateWait;
}

bool
BlockExchangeSync::IsSilent(uint32_t peer) const
{
    const PhasePlan& plan = m_plans[m_phase];
    return !m_settled[peer] && m_staging[m_round % 2][m_phase].from[peer] == 0
           && m_lastKey[peer] <= SendOrderKey(m_round, m_phase, plan.firstBlock[peer], 0);
}

Time
BlockExchangeSync::SilentWait(uint32_t peer) const
{
    Time allowance = m_phaseTimeout;
    if (m_adaptive)
    {
        const Time most = std::max(m_phaseTimeout,
                                   m_maxLateWait.IsZero() ? m_phaseTimeout * 10 : m_maxLateWait);
        allowance = std::min(std::max(GetLatenessEstimate(peer), m_phaseTimeout), most);
    }
    return m_phaseTimeout * (m_phase + 1) + allowance;
}

Time
BlockExchangeSync::GetLatenessEstimate(uint32_t peer) const
{
    if (peer >= m_lateness.size())
    {
        return Time(0);
    }
    return TimeStep(m_lateness[peer].mean + 4 * m_lateness[peer].deviation);
}

void
BlockExchangeSync::SampleLateness(uint32_t peer, uint32_t round)
{
    if (m_lateness.empty())
    {
        m_lateness.resize(m_peers); // on first use: AdaptiveTimeout may be set at any time
    }
    Lateness& l = m_lateness[peer];
    if (round < l.nextRound || round + 1 < m_round)
    {
        return; // this round is sampled already, or too old to say when it began here
    }
    Time late(0); // a peer ahead of this worker is not late
    if (round == m_round && m_phase >= 0)
    {
        late = Simulator::Now() - m_exchangeStart;
    }
    else if (round + 1 == m_round)
    {
        late = Simulator::Now() - (m_phase >= 0 ? m_previousStart : m_exchangeStart);
    }
    const int64_t sample = late.GetTimeStep();
    if (l.nextRound == 0)
    {
        l.mean = sample;
        l.deviation = sample / 2;
    }
    else
    {
        // Gains 1/8 and 1/4, as TCP's smoothed round-trip time and its variation (RFC 6298).
        const int64_t error = sample - l.mean;
        l.mean += error / 8;
        l.deviation += ((error < 0 ? -error : error) - l.deviation) / 4;
    }
    l.nextRound = round + 1;
}

void
BlockExchangeSync::UpdatePeer(uint32_t peer)
{
    if (m_phase < 0 || m_settled[peer] || !IsSettled(peer))
    {
        return;
    }
    m_settled[peer] = 1;
    if (++m_settledCount == m_peers)
    {
        EndPhase(false);
    }
}

void
BlockExchangeSync::OnDeadline()
{
    // An idle timeout: arrivals only record their time; the timer re-arms itself here, so the
    // packet path schedules nothing.
    Time until = m_lastArrival + m_phaseTimeout;
    for (uint32_t w = 0; w < m_peers; ++w)
    {
        if (IsSilent(w))
        {
            until = std::max(until, m_exchangeStart + SilentWait(w));
            if (!m_adaptive)
            {
                break; // the same wait for every silent peer
            }
        }
    }
    if (Simulator::Now() < until)
    {
        m_deadline
            = Simulator::Schedule(until - Simulator::Now(), &BlockExchangeSync::OnDeadline, this);
        return;
    }
    EndPhase(true);
}

void
BlockExchangeSync::EndPhase(bool timedOut)
{
    const uint32_t phase = uint32_t(m_phase);
    NS_LOG_FUNCTION(this << m_round << phase << timedOut);
    m_deadline.Cancel();
    uint32_t expected = 0;
    uint32_t arrived = 0;
    for (const Expectation& x : m_plans[phase].expect)
    {
        for (uint32_t u = 0; u < m_partition->Units(x.block); ++u)
        {
            ++expected;
            if (ArrivedUnit(phase, x.peer, x.block, u) != nullptr)
            {
                ++arrived;
            }
            else
            {
                m_unitLostTrace(m_round, uint8_t(phase), x.block, u);
            }
        }
    }
    NS_LOG_INFO("worker " << m_self << " round " << m_round << " phase " << phase << ": " << arrived
                          << " of " << expected << " units arrived"
                          << (timedOut ? " (deadline)" : ""));
    m_phaseEndTrace(m_round, uint8_t(phase), expected, arrived, timedOut);
    CombinePhase(phase);
    if (phase + 1 < m_plans.size())
    {
        BeginPhase(phase + 1);
        return;
    }
    ExchangeApplied();
    ResetSlot(m_round % 2);
    m_phase = -1;
    ++m_round;
    StageAhead();
    m_done();
}

void
BlockExchangeSync::Receive(const ModelBlockHeader& h, const float* data)
{
    const uint32_t peer = h.m_source;
    if (peer == m_self || h.m_phase >= m_plans.size() || h.m_kind != ExchangeKind(h.m_phase))
    {
        ++m_lateOrEarly;
        return;
    }
    m_lastKey[peer]
        = std::max(m_lastKey[peer], SendOrderKey(h.m_round, h.m_phase, h.m_block, h.m_chunk) + 1);
    if (m_adaptive)
    {
        SampleLateness(peer, h.m_round);
    }
    const bool current = h.m_round == m_round && (m_phase < 0 || h.m_phase >= uint32_t(m_phase));
    if (h.IsEndMarker() || !(current || h.m_round == m_round + 1))
    {
        m_lateOrEarly += h.IsEndMarker() ? 0 : 1;
        UpdatePeer(peer); // a marker only settles the peer's earlier chunks
        return;
    }
    const PhasePlan& plan = m_plans[h.m_phase];
    const int32_t e = Find(plan, peer, h.m_block);
    Staging& s = m_staging[h.m_round % 2][h.m_phase];
    if (e < 0 || s.seen[plan.chunkOffset[e] + h.m_chunk])
    {
        ++m_lateOrEarly; // not expected from this peer, or a duplicate
        return;
    }
    s.seen[plan.chunkOffset[e] + h.m_chunk] = 1;
    const size_t offset
        = plan.dataOffset[e] + (h.m_offset - m_partition->BlockSlice(h.m_block).offset);
    if (h.m_round == m_round)
    {
        std::memcpy(m_data[h.m_phase].data() + offset, data, h.m_count * sizeof(float));
    }
    else
    {
        m_ahead.push_back({h.m_phase, offset, m_aheadData.size(), h.m_count});
        m_aheadData.insert(m_aheadData.end(), data, data + h.m_count);
    }
    s.unitSeen[plan.unitOffset[e] + m_partition->UnitOfChunk(h.m_chunk)]++;
    s.from[peer]++;
    if (current && int32_t(h.m_phase) == m_phase)
    {
        m_lastArrival = Simulator::Now();
    }
    if (m_phase < 0 && h.m_round == m_round)
    {
        OnNextRoundActivity(); // a peer has begun the round this worker has yet to start
    }
    UpdatePeer(peer); // last: it may end the phase, and with it the round
}

void
BlockExchangeSync::DoDispose()
{
    m_deadline.Cancel();
    m_done = DoneCallback();
    SyncAlgorithm::DoDispose();
}

} // namespace ns3
