/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ring-allreduce-sync.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RingAllreduceSync");

NS_OBJECT_ENSURE_REGISTERED(RingAllreduceSync);

TypeId
RingAllreduceSync::GetTypeId()
{
    static TypeId tid = TypeId("ns3::RingAllreduceSync")
                            .SetParent<StreamSync>()
                            .SetGroupName("DistributedLearning")
                            .AddConstructor<RingAllreduceSync>();
    return tid;
}

RingAllreduceSync::RingAllreduceSync() = default;

RingAllreduceSync::~RingAllreduceSync() = default;

double
RingAllreduceSync::ComputeStep(int batchSize, float lr)
{
    NS_LOG_FUNCTION(this << batchSize << lr);
    m_lr = lr;
    return m_replica->ComputeGradient(batchSize);
}

void
RingAllreduceSync::SendStep(uint8_t phase, uint32_t step, uint32_t block)
{
    const dl::Slice s = m_partition->BlockSlice(block);
    ModelBlockHeader h;
    h.m_phase = phase;
    h.m_kind = ModelBlockHeader::GRADIENT;
    h.m_source = uint16_t(m_self);
    h.m_round = m_round;
    h.m_block = block;
    h.m_chunk = step; // the step, so that the receiver can check the ring's order
    h.m_chunkCount = m_workers - 1;
    h.m_offset = s.offset;
    h.m_count = s.count;
    m_sendBlock.resize(s.count);
    m_replica->Gradient().Read(s, m_sendBlock.data());
    m_stream->Send((m_self + 1) % m_workers, h, m_sendBlock.data());
}

void
RingAllreduceSync::StartExchange(uint32_t round, DoneCallback done)
{
    NS_LOG_FUNCTION(this << round);
    m_round = round;
    m_done = done;
    m_active = true;
    m_phase = 0;
    m_step = 0;
    if (m_workers == 1)
    {
        Finish();
        return;
    }
    // Reduce-scatter step 0: my own block index goes first.
    SendStep(0, 0, m_self);
    Pump();
}

void
RingAllreduceSync::Receive(const ModelBlockHeader& h, const float* data)
{
    Message m;
    m.header = h;
    m.data.assign(data, data + h.m_count);
    m_inbox.push_back(std::move(m));
    Pump();
}

void
RingAllreduceSync::Pump()
{
    const uint32_t n = m_workers;
    while (m_active && !m_inbox.empty())
    {
        const Message& m = m_inbox.front();
        const ModelBlockHeader& h = m.header;
        NS_ABORT_MSG_UNLESS(h.m_round == m_round && h.m_phase == m_phase && h.m_chunk == m_step,
                            "ring order broken at worker " << m_self);
        const dl::Slice block{h.m_offset, h.m_count};
        if (m_phase == 0)
        {
            m_replica->Gradient().Add(block, m.data.data()); // reduce
        }
        else
        {
            m_replica->Gradient().Write(block, m.data.data()); // gather the reduced block
        }
        const uint32_t received = h.m_block;
        m_inbox.pop_front();
        if (++m_step < n - 1)
        {
            SendStep(m_phase, m_step, received); // pass it on
            continue;
        }
        // A phase is over: its n - 1 blocks all arrived (TCP loses none; it pays in time).
        m_phaseEndTrace(m_round, uint8_t(m_phase), n - 1, n - 1, false);
        if (m_phase == 1)
        {
            Finish();
            return;
        }
        // Reduce-scatter over: I hold the full sum of the block I just completed.
        m_phase = 1;
        m_step = 0;
        SendStep(1, 0, received);
    }
}

void
RingAllreduceSync::Finish()
{
    m_active = false;
    m_replica->Gradient().Scale(1.0f / float(m_workers));
    m_replica->ApplyGradient(m_lr);
    m_done();
}

void
RingAllreduceSync::DoDispose()
{
    m_inbox.clear();
    m_done = DoneCallback();
    StreamSync::DoDispose();
}

} // namespace ns3
