/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "optireduce-sync.h"

#include "ns3/hadamard-transform.h"
#include "ns3/seed-mixer.h"

#include "ns3/boolean.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("OptiReduceSync");

NS_OBJECT_ENSURE_REGISTERED(OptiReduceSync);

TypeId
OptiReduceSync::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::OptiReduceSync")
              .SetParent<AllreduceSync>()
              .SetGroupName("DistributedLearning")
              .AddConstructor<OptiReduceSync>()
              .AddAttribute("Seed",
                            "Seed of the Hadamard transform's random signs (the same at every "
                            "worker of a job: the transformed copies must add up).",
                            UintegerValue(1), MakeUintegerAccessor(&OptiReduceSync::m_seed),
                            MakeUintegerChecker<uint64_t>());
    return tid;
}

OptiReduceSync::OptiReduceSync() = default;

OptiReduceSync::~OptiReduceSync() = default;

void
OptiReduceSync::Setup(uint32_t self, Ptr<BlockTransport> transport, dl::Replica* replica,
                      std::shared_ptr<const dl::BlockPartition> partition)
{
    // Bounded time: phases end at the adaptive deadline, whatever the default says.
    SetAttribute("AdaptiveTimeout", BooleanValue(true));
    AllreduceSync::Setup(self, transport, replica, partition);
    m_block.resize(m_partition->LargestBlock());
}

void
OptiReduceSync::StartExchange(uint32_t round, DoneCallback done)
{
    TransformGradient(round, false);
    AllreduceSync::StartExchange(round, done);
}

void
OptiReduceSync::ExchangeApplied()
{
    TransformGradient(GetRound(), true);
    AllreduceSync::ExchangeApplied();
}

void
OptiReduceSync::TransformGradient(uint32_t round, bool inverse)
{
    NS_LOG_FUNCTION(this << round << inverse);
    dl::FlatVector& gradient = ExchangeVector();
    for (uint32_t b = 0; b < m_partition->Blocks(); ++b)
    {
        const dl::Slice s = m_partition->BlockSlice(b);
        const uint64_t seed
            = dl::MixSeed(m_seed, dl::SeedStream::HADAMARD_SIGNS, (uint64_t(round) << 32) | b);
        gradient.Read(s, m_block.data());
        if (inverse)
        {
            dl::InverseRandomizedHadamard(m_block.data(), s.count, seed);
        }
        else
        {
            dl::RandomizedHadamard(m_block.data(), s.count, seed);
        }
        gradient.Write(s, m_block.data());
    }
}

} // namespace ns3
