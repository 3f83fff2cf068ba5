/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "rps-sync.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RpsSync");

NS_OBJECT_ENSURE_REGISTERED(RpsSync);

TypeId
RpsSync::GetTypeId()
{
    static TypeId tid = TypeId("ns3::RpsSync")
                            .SetParent<BlockExchangeSync>()
                            .SetGroupName("DistributedLearning")
                            .AddConstructor<RpsSync>();
    return tid;
}

RpsSync::RpsSync() = default;

RpsSync::~RpsSync() = default;

double
RpsSync::ComputeStep(int batchSize, float lr)
{
    NS_LOG_FUNCTION(this << batchSize << lr);
    return m_replica->LocalStep(batchSize, lr);
}

uint32_t
RpsSync::GetMinWorkers() const
{
    return 1; // one worker: local SGD, the reference every multi-worker run is compared with
}

dl::FlatVector&
RpsSync::ExchangeVector()
{
    return m_replica->Params();
}

ModelBlockHeader::Kind
RpsSync::ExchangeKind(uint32_t phase) const
{
    return ModelBlockHeader::MODEL;
}

uint32_t
RpsSync::GetPhaseCount() const
{
    return 2;
}

std::vector<BlockExchangeSync::Expectation>
RpsSync::GetExpectations(uint32_t phase) const
{
    std::vector<Expectation> expect;
    for (uint32_t w = 0; w < m_workers; ++w)
    {
        if (w != m_self)
        {
            // Scatter: every worker's copy of my block. Broadcast: each owner's average.
            expect.push_back(Expectation{w, phase == ModelBlockHeader::SCATTER ? m_self : w});
        }
    }
    return expect;
}

void
RpsSync::SendPhase(uint32_t phase)
{
    NS_LOG_FUNCTION(this << phase);
    // Staggered order (self+1, self+2, ...): at any moment each worker receives from one
    // sender, so a synchronised scatter is not an incast by construction.
    for (uint32_t k = 1; k < m_workers; ++k)
    {
        const uint32_t dst = (m_self + k) % m_workers;
        Send(dst, phase, phase == ModelBlockHeader::SCATTER ? dst : m_self, ExchangeVector());
    }
}

void
RpsSync::CombinePhase(uint32_t phase)
{
    NS_LOG_FUNCTION(this << phase);
    NS_LOG_INFO("worker " << m_self << " round " << GetRound() << ": "
                          << (phase == ModelBlockHeader::SCATTER
                                  ? "averages its block over the copies that arrived"
                                  : "takes the owners' averages that arrived"));
    dl::FlatVector& vec = ExchangeVector();
    if (phase == ModelBlockHeader::SCATTER)
    {
        // Robust average of my block over the copies that arrived, my own included.
        for (uint32_t u = 0; u < m_partition->Units(m_self); ++u)
        {
            vec.AverageWith(m_partition->UnitSlice(m_self, u), ArrivedCopies(phase, m_self, u));
        }
        return;
    }
    // Take each owner's average where it arrived; keep my own elsewhere.
    for (uint32_t b = 0; b < m_workers; ++b)
    {
        for (uint32_t u = 0; b != m_self && u < m_partition->Units(b); ++u)
        {
            if (const float* avg = ArrivedUnit(phase, b, b, u))
            {
                vec.Write(m_partition->UnitSlice(b, u), avg);
            }
        }
    }
}

} // namespace ns3
