/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "hashed-rate-error-model.h"

#include "hash-mix.h"

#include "ns3/double.h"
#include "ns3/integer.h"
#include "ns3/log.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/packet.h"

#include <cstring>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("HashedRateErrorModel");

NS_OBJECT_ENSURE_REGISTERED(HashedRateErrorModel);

namespace
{
/// Streams of models nobody assigned one: in creation order, which every rank shares.
int64_t g_nextAutomaticStream = int64_t(1) << 62;
} // namespace

TypeId
HashedRateErrorModel::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::HashedRateErrorModel")
            .SetParent<ErrorModel>()
            .SetGroupName("DistributedLearning")
            .AddConstructor<HashedRateErrorModel>()
            .AddAttribute("ErrorRate",
                          "Probability that a packet is lost.",
                          DoubleValue(0.0),
                          MakeDoubleAccessor(&HashedRateErrorModel::m_rate),
                          MakeDoubleChecker<double>(0.0, 1.0))
            .AddAttribute("Stream",
                          "Key of this model's coins (AssignStreams sets it; by default one "
                          "of its own, in creation order).",
                          IntegerValue(-1),
                          MakeIntegerAccessor(&HashedRateErrorModel::m_stream),
                          MakeIntegerChecker<int64_t>());
    return tid;
}

HashedRateErrorModel::HashedRateErrorModel()
{
    NS_LOG_FUNCTION(this);
}

void
HashedRateErrorModel::SetRate(double rate)
{
    NS_ABORT_MSG_UNLESS(rate >= 0.0 && rate <= 1.0, "loss rate " << rate << " is not in [0, 1]");
    m_rate = rate;
}

void
HashedRateErrorModel::NotifyConstructionCompleted()
{
    if (m_stream < 0)
    {
        m_stream = g_nextAutomaticStream++;
    }
    ErrorModel::NotifyConstructionCompleted();
}

int64_t
HashedRateErrorModel::AssignStreams(int64_t stream)
{
    m_stream = stream;
    return 1;
}

bool
HashedRateErrorModel::DoCorrupt(Ptr<Packet> p)
{
    if (m_rate <= 0.0)
    {
        return false;
    }
    uint64_t key = dlhash::Mix(RngSeedManager::GetSeed());
    key = dlhash::Mix(key ^ RngSeedManager::GetRun());
    key = dlhash::Mix(key ^ uint64_t(m_stream));
    const uint32_t size = p->GetSize();
    m_bytes.resize(size + 8);
    p->CopyData(m_bytes.data(), size);
    std::memset(m_bytes.data() + size, 0, 8); // not the previous packet's bytes
    for (uint32_t at = 0; at < size; at += 8)
    {
        uint64_t word;
        std::memcpy(&word, m_bytes.data() + at, 8); // the tail is padded with zeros
        key = dlhash::Mix(key ^ word);
    }
    key = dlhash::Mix(key ^ size);
    const bool lost = dlhash::ToUnit(key) < m_rate;
    NS_LOG_LOGIC("stream " << m_stream << ", packet of " << size << " bytes: "
                           << (lost ? "lost" : "kept"));
    return lost;
}

void
HashedRateErrorModel::DoReset()
{
}

} // namespace ns3
