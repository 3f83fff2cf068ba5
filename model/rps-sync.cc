/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "rps-sync.h"

#include "ns3/slice-ops.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <cstring>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RpsSync");

NS_OBJECT_ENSURE_REGISTERED(RpsSync);

TypeId
RpsSync::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::RpsSync")
              .SetParent<SyncAlgorithm>()
              .SetGroupName("DistributedLearning")
              .AddConstructor<RpsSync>()
              .AddAttribute(
                  "PhaseTimeout",
                  "Idle timeout of each phase: a phase ends when every expected unit "
                  "arrived, or when no chunk of it arrived for this long (the broadcast "
                  "phase waits at least twice this long after the exchange began, since "
                  "an owner that waited out its scatter phase broadcasts late). Zero: the "
                  "helper derives it from the model size and link rate.",
                  TimeValue(Seconds(0)), MakeTimeAccessor(&RpsSync::m_phaseTimeout),
                  MakeTimeChecker(Seconds(0)));
    return tid;
}

RpsSync::RpsSync() = default;

RpsSync::~RpsSync() = default;

void
RpsSync::Setup(uint32_t self, Ptr<BlockTransport> transport, dl::Replica* replica,
               std::shared_ptr<const dl::BlockPartition> partition)
{
    SyncAlgorithm::Setup(self, transport, replica, partition);
    NS_ABORT_MSG_IF(m_phaseTimeout.IsZero() && m_workers > 1, "RpsSync: PhaseTimeout not set");
    m_lastKey.assign(m_workers, 0);
    m_settled.assign(m_workers, 0);
    for (RoundSlot& slot : m_slots)
    {
        slot.copies.resize(size_t(m_workers) * m_partition->BlockSlice(self).count);
        slot.copySeen.resize(size_t(m_workers) * m_partition->Chunks(self));
        slot.copyUnits.resize(size_t(m_workers) * m_partition->Units(self));
        slot.copyFrom.resize(m_workers);
        slot.averages.resize(m_partition->ParamCount());
        slot.avgSeen.resize(m_partition->TotalChunks());
        slot.avgUnits.resize(m_partition->TotalUnits());
        slot.avgFrom.resize(m_workers);
        ResetSlot(slot);
    }
}

double
RpsSync::ComputeStep(int batchSize, float lr)
{
    return m_replica->LocalStep(batchSize, lr);
}

float*
RpsSync::ExchangeVector()
{
    return m_replica->Params().data();
}

ModelBlockHeader::Kind
RpsSync::ExchangeKind() const
{
    return ModelBlockHeader::MODEL;
}

void
RpsSync::ExchangeApplied()
{
}

namespace
{

/// Position of a packet in a sender's transmission order (round, then phase, then chunk).
uint64_t
SendOrderKey(uint32_t round, uint8_t phase, uint32_t chunk)
{
    return (uint64_t(round) << 32) | (uint64_t(phase) << 28) | chunk;
}

} // namespace

void
RpsSync::ResetSlot(RoundSlot& slot)
{
    // Only the arrival records need clearing: values are read only where a chunk was seen.
    std::fill(slot.copySeen.begin(), slot.copySeen.end(), 0);
    std::fill(slot.copyUnits.begin(), slot.copyUnits.end(), 0);
    std::fill(slot.copyFrom.begin(), slot.copyFrom.end(), 0);
    std::fill(slot.avgSeen.begin(), slot.avgSeen.end(), 0);
    std::fill(slot.avgUnits.begin(), slot.avgUnits.end(), 0);
    std::fill(slot.avgFrom.begin(), slot.avgFrom.end(), 0);
}

void
RpsSync::SendPhase(ModelBlockHeader::Phase phase)
{
    // Staggered order (self+1, self+2, ...): at any moment each worker receives from one
    // sender, so a synchronised scatter is not an incast by construction.
    for (uint32_t k = 1; k < m_workers; ++k)
    {
        const uint32_t dst = (m_self + k) % m_workers;
        const uint32_t block = phase == ModelBlockHeader::SCATTER ? dst : m_self;
        m_transport->SendBlock(dst, phase, ExchangeKind(), m_round, block, ExchangeVector());
    }
}

void
RpsSync::StartExchange(uint32_t round, DoneCallback done)
{
    NS_LOG_FUNCTION(this << round);
    NS_ASSERT(m_state == IDLE && round == m_round);
    m_done = done;
    m_exchangeStart = Simulator::Now();
    SendPhase(ModelBlockHeader::SCATTER);
    m_state = SCATTER;
    m_lastArrival = m_exchangeStart;
    m_deadline = Simulator::Schedule(m_phaseTimeout, &RpsSync::OnDeadline, this);
    BeginSettling();
}

bool
RpsSync::IsSettled(uint32_t peer) const
{
    const RoundSlot& slot = m_slots[m_round % 2];
    if (m_state == SCATTER)
    {
        const uint32_t chunks = m_partition->Chunks(m_self);
        return slot.copyFrom[peer] == chunks
               || m_lastKey[peer] > SendOrderKey(m_round, ModelBlockHeader::SCATTER, chunks - 1);
    }
    const uint32_t chunks = m_partition->Chunks(peer);
    return slot.avgFrom[peer] == chunks
           || m_lastKey[peer] > SendOrderKey(m_round, ModelBlockHeader::BROADCAST, chunks - 1);
}

void
RpsSync::BeginSettling()
{
    m_settledCount = 0;
    for (uint32_t w = 0; w < m_workers; ++w)
    {
        m_settled[w] = w != m_self && IsSettled(w);
        m_settledCount += m_settled[w];
    }
    if (m_settledCount == m_workers - 1)
    {
        EndPhase(false);
    }
}

void
RpsSync::UpdatePeer(uint32_t peer)
{
    if (m_state == IDLE || m_settled[peer] || !IsSettled(peer))
    {
        return;
    }
    m_settled[peer] = 1;
    if (++m_settledCount == m_workers - 1)
    {
        EndPhase(false);
    }
}

bool
RpsSync::AnySilentPeer() const
{
    const RoundSlot& slot = m_slots[m_round % 2];
    for (uint32_t w = 0; w < m_workers; ++w)
    {
        if (w == m_self || m_settled[w])
        {
            continue;
        }
        const bool silent
            = m_state == SCATTER
                  ? m_lastKey[w] <= SendOrderKey(m_round, ModelBlockHeader::SCATTER, 0)
                  : slot.avgFrom[w] == 0
                        && m_lastKey[w] <= SendOrderKey(m_round, ModelBlockHeader::BROADCAST, 0);
        if (silent)
        {
            return true;
        }
    }
    return false;
}

void
RpsSync::OnDeadline()
{
    // An idle timeout: arrivals only record their time; the timer re-arms itself here, so the
    // packet path schedules nothing. A peer that has sent nothing of the phase yet may be late
    // rather than lost (it waited out a loss of its own), so it gets a longer allowance: two
    // timeouts from the exchange start for its copies, three for its broadcast.
    Time until = m_lastArrival + m_phaseTimeout;
    if (AnySilentPeer())
    {
        until = std::max(until, m_exchangeStart + m_phaseTimeout * (m_state == SCATTER ? 2 : 3));
    }
    if (Simulator::Now() < until)
    {
        m_deadline = Simulator::Schedule(until - Simulator::Now(), &RpsSync::OnDeadline, this);
        return;
    }
    EndPhase(true);
}

void
RpsSync::EndPhase(bool timedOut)
{
    m_deadline.Cancel();
    if (m_state == SCATTER)
    {
        EndScatter(timedOut);
    }
    else if (m_state == BROADCAST)
    {
        EndBroadcast(timedOut);
    }
}

void
RpsSync::EndScatter(bool timedOut)
{
    NS_LOG_FUNCTION(this << m_round << timedOut);
    const RoundSlot& slot = m_slots[m_round % 2];
    const uint32_t units = m_partition->Units(m_self);
    const uint32_t blockOffset = m_partition->BlockSlice(m_self).offset;
    const uint32_t blockCount = m_partition->BlockSlice(m_self).count;
    float* vec = ExchangeVector();
    uint32_t arrived = 0;
    for (uint32_t u = 0; u < units; ++u)
    {
        const dl::Slice s = m_partition->UnitSlice(m_self, u);
        const uint32_t need = m_partition->ChunksInUnit(m_self, u);
        m_arrived.clear();
        for (uint32_t w = 0; w < m_workers; ++w)
        {
            if (w == m_self)
            {
                continue;
            }
            if (slot.copyUnits[size_t(w) * units + u] == need)
            {
                m_arrived.push_back(slot.copies.data() + size_t(w) * blockCount
                                    + (s.offset - blockOffset));
            }
            else
            {
                m_unitLostTrace(m_round, ModelBlockHeader::SCATTER, m_self, u);
            }
        }
        arrived += uint32_t(m_arrived.size());
        dl::RobustAverage(vec + s.offset, m_arrived, s.count);
    }
    m_phaseEndTrace(m_round, ModelBlockHeader::SCATTER, (m_workers - 1) * units, arrived, timedOut);

    SendPhase(ModelBlockHeader::BROADCAST);
    m_state = BROADCAST;
    m_lastArrival = Simulator::Now();
    m_deadline = Simulator::Schedule(m_phaseTimeout, &RpsSync::OnDeadline, this);
    BeginSettling();
}

void
RpsSync::EndBroadcast(bool timedOut)
{
    NS_LOG_FUNCTION(this << m_round << timedOut);
    RoundSlot& slot = m_slots[m_round % 2];
    float* vec = ExchangeVector();
    uint32_t expected = 0;
    uint32_t arrived = 0;
    for (uint32_t b = 0; b < m_workers; ++b)
    {
        if (b == m_self)
        {
            continue;
        }
        const uint32_t units = m_partition->Units(b);
        expected += units;
        for (uint32_t u = 0; u < units; ++u)
        {
            if (slot.avgUnits[m_partition->UnitBase(b) + u] == m_partition->ChunksInUnit(b, u))
            {
                const dl::Slice s = m_partition->UnitSlice(b, u);
                std::memcpy(vec + s.offset, slot.averages.data() + s.offset,
                            s.count * sizeof(float));
                ++arrived;
            }
            else
            {
                m_unitLostTrace(m_round, ModelBlockHeader::BROADCAST, b, u); // keep own
            }
        }
    }
    m_phaseEndTrace(m_round, ModelBlockHeader::BROADCAST, expected, arrived, timedOut);
    ExchangeApplied();
    ResetSlot(slot);
    m_state = IDLE;
    ++m_round;
    m_done();
}

void
RpsSync::Receive(const ModelBlockHeader& h, const float* data)
{
    const uint32_t peer = h.m_source;
    if (peer == m_self)
    {
        ++m_lateOrEarly;
        return;
    }
    m_lastKey[peer] = std::max(m_lastKey[peer], SendOrderKey(h.m_round, h.m_phase, h.m_chunk) + 1);
    // Accept chunks of a phase not yet over in this round, or of the next round.
    const bool current
        = h.m_round == m_round && !(h.m_phase == ModelBlockHeader::SCATTER && m_state == BROADCAST);
    if (h.IsEndMarker())
    {
        UpdatePeer(peer); // nothing to store: it only settles the peer's earlier chunks
        return;
    }
    if (!(current || h.m_round == m_round + 1) || h.m_kind != ExchangeKind())
    {
        NS_LOG_LOGIC("worker " << m_self << " in round " << m_round << " drops " << h);
        ++m_lateOrEarly;
        UpdatePeer(peer);
        return;
    }
    RoundSlot& slot = m_slots[h.m_round % 2];
    if (h.m_phase == ModelBlockHeader::SCATTER)
    {
        const uint32_t chunks = m_partition->Chunks(m_self);
        const size_t seen = size_t(peer) * chunks + h.m_chunk;
        if (h.m_block != m_self || slot.copySeen[seen])
        {
            ++m_lateOrEarly; // not ours to serve, or a duplicate
            return;
        }
        slot.copySeen[seen] = 1;
        const dl::Slice block = m_partition->BlockSlice(m_self);
        std::memcpy(slot.copies.data() + size_t(peer) * block.count + (h.m_offset - block.offset),
                    data, h.m_count * sizeof(float));
        slot.copyUnits[size_t(peer) * m_partition->Units(m_self)
                       + m_partition->UnitOfChunk(h.m_chunk)]++;
        slot.copyFrom[peer]++;
    }
    else
    {
        const uint32_t chunk = m_partition->ChunkBase(h.m_block) + h.m_chunk;
        if (h.m_block != peer || slot.avgSeen[chunk])
        {
            ++m_lateOrEarly; // only the owner broadcasts its block; or a duplicate
            return;
        }
        slot.avgSeen[chunk] = 1;
        std::memcpy(slot.averages.data() + h.m_offset, data, h.m_count * sizeof(float));
        slot.avgUnits[m_partition->UnitBase(h.m_block) + m_partition->UnitOfChunk(h.m_chunk)]++;
        slot.avgFrom[peer]++;
    }
    if (current)
    {
        m_lastArrival = std::max(m_lastArrival, Simulator::Now());
    }
    UpdatePeer(peer); // last: it may end the phase, and with it the round
}

void
RpsSync::DoDispose()
{
    m_deadline.Cancel();
    m_done = DoneCallback();
    SyncAlgorithm::DoDispose();
}

} // namespace ns3
