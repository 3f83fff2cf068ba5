/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "allreduce-sync.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("AllreduceSync");

NS_OBJECT_ENSURE_REGISTERED(AllreduceSync);

TypeId
AllreduceSync::GetTypeId()
{
    static TypeId tid = TypeId("ns3::AllreduceSync")
                            .SetParent<RpsSync>()
                            .SetGroupName("DistributedLearning")
                            .AddConstructor<AllreduceSync>();
    return tid;
}

AllreduceSync::AllreduceSync() = default;

AllreduceSync::~AllreduceSync() = default;

uint32_t
AllreduceSync::GetMinWorkers() const
{
    return 2; // sharing gradients needs someone to share them with (RPS alone is "local")
}

double
AllreduceSync::ComputeStep(int batchSize, float lr)
{
    NS_LOG_FUNCTION(this << batchSize << lr);
    m_lr = lr; // the step itself waits for the averaged gradient
    return m_replica->ComputeGradient(batchSize);
}

dl::FlatVector&
AllreduceSync::ExchangeVector()
{
    return m_replica->Gradient();
}

ModelBlockHeader::Kind
AllreduceSync::ExchangeKind(uint32_t phase) const
{
    return ModelBlockHeader::GRADIENT;
}

void
AllreduceSync::ExchangeApplied()
{
    m_replica->ApplyGradient(m_lr);
}

} // namespace ns3
