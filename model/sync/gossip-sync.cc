/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "gossip-sync.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("GossipSync");

NS_OBJECT_ENSURE_REGISTERED(GossipSync);

TypeId
GossipSync::GetTypeId()
{
    static TypeId tid = TypeId("ns3::GossipSync")
                            .SetParent<BlockExchangeSync>()
                            .SetGroupName("DistributedLearning")
                            .AddConstructor<GossipSync>();
    return tid;
}

GossipSync::GossipSync() = default;

GossipSync::~GossipSync() = default;

double
GossipSync::ComputeStep(int batchSize, float lr)
{
    NS_LOG_FUNCTION(this << batchSize << lr);
    return m_replica->LocalStep(batchSize, lr);
}

ModelBlockHeader::Kind
GossipSync::ExchangeKind(uint32_t phase) const
{
    return ModelBlockHeader::MODEL;
}

uint32_t
GossipSync::GetPhaseCount() const
{
    return 1;
}

std::vector<uint32_t>
GossipSync::Neighbours() const
{
    std::vector<uint32_t> n;
    const uint32_t left = (m_self + m_workers - 1) % m_workers;
    const uint32_t right = (m_self + 1) % m_workers;
    if (left != m_self)
    {
        n.push_back(left);
    }
    if (right != m_self && right != left)
    {
        n.push_back(right);
    }
    return n;
}

std::vector<BlockExchangeSync::Expectation>
GossipSync::GetExpectations(uint32_t phase) const
{
    std::vector<Expectation> expect;
    for (uint32_t peer : Neighbours())
    {
        for (uint32_t b = 0; b < m_partition->Blocks(); ++b)
        {
            expect.push_back(Expectation{peer, b});
        }
    }
    return expect;
}

void
GossipSync::SendPhase(uint32_t phase)
{
    NS_LOG_FUNCTION(this << phase);
    for (uint32_t peer : Neighbours())
    {
        for (uint32_t b = 0; b < m_partition->Blocks(); ++b)
        {
            Send(peer, phase, b, m_replica->Params());
        }
    }
}

void
GossipSync::CombinePhase(uint32_t phase)
{
    NS_LOG_FUNCTION(this << phase);
    dl::FlatVector& x = m_replica->Params();
    for (uint32_t b = 0; b < m_partition->Blocks(); ++b)
    {
        for (uint32_t u = 0; u < m_partition->Units(b); ++u)
        {
            x.AverageWith(m_partition->UnitSlice(b, u), ArrivedCopies(phase, b, u));
        }
    }
}

} // namespace ns3
