/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "ps-udp-sync.h"

#include "ns3/log.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("PsUdpSync");

NS_OBJECT_ENSURE_REGISTERED(PsUdpSync);
NS_OBJECT_ENSURE_REGISTERED(PsUdpServerSync);

namespace
{

/// Both sides: phase 0 carries gradients to the server, phase 1 the model back.
ModelBlockHeader::Kind
PsKind(uint32_t phase)
{
    return phase == 0 ? ModelBlockHeader::GRADIENT : ModelBlockHeader::MODEL;
}

} // namespace

TypeId
PsUdpSync::GetTypeId()
{
    static TypeId tid = TypeId("ns3::PsUdpSync")
                            .SetParent<BlockExchangeSync>()
                            .SetGroupName("DistributedLearning")
                            .AddConstructor<PsUdpSync>();
    return tid;
}

PsUdpSync::PsUdpSync() = default;

PsUdpSync::~PsUdpSync() = default;

uint32_t
PsUdpSync::GetMinWorkers() const
{
    return 1; // the server makes the exchange: one worker is a valid (if trivial) job
}

double
PsUdpSync::ComputeStep(int batchSize, float lr)
{
    NS_LOG_FUNCTION(this << batchSize << lr);
    return m_replica->ComputeGradient(batchSize);
}

uint32_t
PsUdpSync::Server() const
{
    return m_transport->GetPeerCount() - 1;
}

ModelBlockHeader::Kind
PsUdpSync::ExchangeKind(uint32_t phase) const
{
    return PsKind(phase);
}

uint32_t
PsUdpSync::GetPhaseCount() const
{
    return 2;
}

std::vector<BlockExchangeSync::Expectation>
PsUdpSync::GetExpectations(uint32_t phase) const
{
    std::vector<Expectation> expect;
    for (uint32_t b = 0; phase == 1 && b < m_partition->Blocks(); ++b)
    {
        expect.push_back(Expectation{Server(), b});
    }
    return expect;
}

void
PsUdpSync::SendPhase(uint32_t phase)
{
    NS_LOG_FUNCTION(this << phase);
    for (uint32_t b = 0; phase == 0 && b < m_partition->Blocks(); ++b)
    {
        Send(Server(), phase, b, m_replica->Gradient());
    }
}

void
PsUdpSync::CombinePhase(uint32_t phase)
{
    NS_LOG_FUNCTION(this << phase);
    dl::FlatVector& x = m_replica->Params();
    for (uint32_t b = 0; phase == 1 && b < m_partition->Blocks(); ++b)
    {
        for (uint32_t u = 0; u < m_partition->Units(b); ++u)
        {
            if (const float* model = ArrivedUnit(phase, Server(), b, u))
            {
                x.Write(m_partition->UnitSlice(b, u), model);
            }
        }
    }
}

TypeId
PsUdpServerSync::GetTypeId()
{
    static TypeId tid = TypeId("ns3::PsUdpServerSync")
                            .SetParent<BlockExchangeSync>()
                            .SetGroupName("DistributedLearning")
                            .AddConstructor<PsUdpServerSync>();
    return tid;
}

PsUdpServerSync::PsUdpServerSync() = default;

PsUdpServerSync::~PsUdpServerSync() = default;

void
PsUdpServerSync::SetJob(Ptr<TrainingJob> job)
{
    m_job = job;
}

double
PsUdpServerSync::ComputeStep(int, float)
{
    return 0.0; // the server does not train
}

ModelBlockHeader::Kind
PsUdpServerSync::ExchangeKind(uint32_t phase) const
{
    return PsKind(phase);
}

uint32_t
PsUdpServerSync::GetPhaseCount() const
{
    return 2;
}

std::vector<BlockExchangeSync::Expectation>
PsUdpServerSync::GetExpectations(uint32_t phase) const
{
    std::vector<Expectation> expect;
    const uint32_t workers = m_transport->GetPeerCount() - 1;
    for (uint32_t w = 0; phase == 0 && w < workers; ++w)
    {
        for (uint32_t b = 0; b < m_partition->Blocks(); ++b)
        {
            expect.push_back(Expectation{w, b});
        }
    }
    return expect;
}

void
PsUdpServerSync::SendPhase(uint32_t phase)
{
    NS_LOG_FUNCTION(this << phase);
    const uint32_t workers = m_transport->GetPeerCount() - 1;
    for (uint32_t w = 0; phase == 1 && w < workers; ++w)
    {
        for (uint32_t b = 0; b < m_partition->Blocks(); ++b)
        {
            Send(w, phase, b, m_replica->Params());
        }
    }
}

void
PsUdpServerSync::CombinePhase(uint32_t phase)
{
    NS_LOG_FUNCTION(this << phase);
    if (phase != 0)
    {
        return;
    }
    // Average each unit over the gradients that arrived (none: no gradient for that unit).
    dl::FlatVector& g = m_replica->Gradient();
    for (uint32_t b = 0; b < m_partition->Blocks(); ++b)
    {
        for (uint32_t u = 0; u < m_partition->Units(b); ++u)
        {
            g.MeanOf(m_partition->UnitSlice(b, u), ArrivedCopies(phase, b, u));
        }
    }
    m_replica->ApplyGradient(m_job->GetLearningRate(GetRound()));
}

void
PsUdpServerSync::OnNextRoundActivity()
{
    if (!IsExchanging())
    {
        StartExchange(GetRound(), MakeCallback(&PsUdpServerSync::RoundDone, this));
    }
}

void
PsUdpServerSync::RoundDone()
{
}

void
PsUdpServerSync::DoDispose()
{
    m_job = nullptr;
    BlockExchangeSync::DoDispose();
}

} // namespace ns3
