/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "job-tag.h"

#include "ns3/log.h"
#include "ns3/packet.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("JobTag");

NS_OBJECT_ENSURE_REGISTERED(JobTag);

TypeId
JobTag::GetTypeId()
{
    static TypeId tid = TypeId("ns3::JobTag")
                            .SetParent<Tag>()
                            .SetGroupName("DistributedLearning")
                            .AddConstructor<JobTag>();
    return tid;
}

TypeId
JobTag::GetInstanceTypeId() const
{
    return GetTypeId();
}

JobTag::JobTag() = default;

JobTag::JobTag(uint64_t job)
    : m_job(job)
{
}

uint32_t
JobTag::GetSerializedSize() const
{
    return sizeof(m_job);
}

void
JobTag::Serialize(TagBuffer buffer) const
{
    buffer.WriteU64(m_job);
}

void
JobTag::Deserialize(TagBuffer buffer)
{
    m_job = buffer.ReadU64();
}

void
JobTag::Print(std::ostream& os) const
{
    os << "job=" << m_job;
}

bool
JobTag::IsFromJob(Ptr<const Packet> packet, uint64_t job)
{
    NS_LOG_FUNCTION(packet << job);
    JobTag tag;
    return packet->PeekPacketTag(tag) && tag.m_job == job;
}

} // namespace ns3
