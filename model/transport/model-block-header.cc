/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "model-block-header.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ModelBlockHeader");

NS_OBJECT_ENSURE_REGISTERED(ModelBlockHeader);

ModelBlockHeader::ModelBlockHeader() = default;

TypeId
ModelBlockHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::ModelBlockHeader")
                            .SetParent<Header>()
                            .SetGroupName("DistributedLearning")
                            .AddConstructor<ModelBlockHeader>();
    return tid;
}

TypeId
ModelBlockHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

void
ModelBlockHeader::Print(std::ostream& os) const
{
    os << "v" << unsigned(m_version) << " round=" << m_round
       << " phase=" << (m_phase == SCATTER ? "scatter" : "broadcast")
       << " kind=" << (m_kind == MODEL ? "model" : "gradient") << " src=" << m_source
       << " block=" << m_block << " chunk=" << m_chunk << "/" << m_chunkCount << " slice=["
       << m_offset << "+" << m_count << ")" << (m_valid ? "" : " INVALID");
}

uint32_t
ModelBlockHeader::GetSerializedSize() const
{
    return SIZE;
}

void
ModelBlockHeader::Serialize(Buffer::Iterator start) const
{
    start.WriteHtonU16(MAGIC);
    start.WriteU8(m_version);
    start.WriteU8(m_phase);
    start.WriteU8(m_kind);
    start.WriteU8(0);
    start.WriteHtonU16(m_source);
    start.WriteHtonU32(m_round);
    start.WriteHtonU32(m_block);
    start.WriteHtonU32(m_chunk);
    start.WriteHtonU32(m_chunkCount);
    start.WriteHtonU32(m_offset);
    start.WriteHtonU32(m_count);
}

uint32_t
ModelBlockHeader::Deserialize(Buffer::Iterator start)
{
    NS_LOG_FUNCTION(this);
    m_valid = false;
    if (start.GetRemainingSize() < SIZE)
    {
        NS_LOG_LOGIC("buffer of " << start.GetRemainingSize() << " bytes is too short");
        return 0;
    }
    const uint16_t magic = start.ReadNtohU16();
    m_version = start.ReadU8();
    m_phase = start.ReadU8();
    m_kind = start.ReadU8();
    start.ReadU8();
    m_source = start.ReadNtohU16();
    m_round = start.ReadNtohU32();
    m_block = start.ReadNtohU32();
    m_chunk = start.ReadNtohU32();
    m_chunkCount = start.ReadNtohU32();
    m_offset = start.ReadNtohU32();
    m_count = start.ReadNtohU32();
    m_wellFormed = magic == MAGIC && m_version == VERSION && m_phase < PHASE_COUNT
                   && m_kind <= GRADIENT && m_chunkCount > 0 && m_chunk <= m_chunkCount;
    m_valid = m_wellFormed && ((m_chunk < m_chunkCount && m_count > 0) || IsEndMarker());
    return SIZE;
}

} // namespace ns3
