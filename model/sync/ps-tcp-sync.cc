/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ps-tcp-sync.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("PsTcpSync");

NS_OBJECT_ENSURE_REGISTERED(PsTcpSync);

TypeId
PsTcpSync::GetTypeId()
{
    static TypeId tid = TypeId("ns3::PsTcpSync")
                            .SetParent<StreamSync>()
                            .SetGroupName("DistributedLearning")
                            .AddConstructor<PsTcpSync>();
    return tid;
}

PsTcpSync::PsTcpSync() = default;

PsTcpSync::~PsTcpSync() = default;

uint32_t
PsTcpSync::GetMinWorkers() const
{
    return 1; // the server makes the exchange: one worker is a valid (if trivial) job
}

double
PsTcpSync::ComputeStep(int batchSize, float lr)
{
    NS_LOG_FUNCTION(this << batchSize << lr);
    return m_replica->ComputeGradient(batchSize);
}

void
PsTcpSync::SendVector(Ptr<StreamTransport> stream, const dl::BlockPartition& partition,
                      uint32_t self, uint32_t dst, uint32_t round, ModelBlockHeader::Kind kind,
                      const dl::FloatBuffer& vector)
{
    for (uint32_t b = 0; b < partition.Blocks(); ++b)
    {
        const dl::Slice s = partition.BlockSlice(b);
        if (s.count == 0)
        {
            continue;
        }
        ModelBlockHeader h;
        h.m_phase = kind == ModelBlockHeader::GRADIENT ? ModelBlockHeader::SCATTER
                                                       : ModelBlockHeader::BROADCAST;
        h.m_kind = kind;
        h.m_source = uint16_t(self);
        h.m_round = round;
        h.m_block = b;
        h.m_offset = s.offset;
        h.m_count = s.count;
        stream->Send(dst, h, vector.data() + s.offset);
    }
}

void
PsTcpSync::StartExchange(uint32_t round, DoneCallback done)
{
    NS_LOG_FUNCTION(this << round);
    m_round = round;
    m_done = done;
    m_blocksIn = 0;
    SendVector(m_stream, *m_partition, m_self, m_transport->GetPeerCount() - 1, round,
               ModelBlockHeader::GRADIENT, m_replica->Gradient().ToHost());
}

void
PsTcpSync::Receive(const ModelBlockHeader& h, const float* data)
{
    NS_ABORT_MSG_UNLESS(h.m_round == m_round && h.m_kind == ModelBlockHeader::MODEL,
                        "worker " << m_self << ": unexpected message from the server");
    m_replica->Params().Write(dl::Slice{h.m_offset, h.m_count}, data);
    const uint32_t nonEmpty = m_partition->NonEmptyBlocks();
    if (++m_blocksIn == nonEmpty)
    {
        // The round's one phase at a worker: the server's blocks, all of them (TCP).
        m_phaseEndTrace(m_round, ModelBlockHeader::BROADCAST, nonEmpty, nonEmpty, false);
        m_done();
    }
}

void
PsTcpSync::DoDispose()
{
    m_done = DoneCallback();
    StreamSync::DoDispose();
}

} // namespace ns3
