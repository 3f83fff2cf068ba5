/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "dscp-class-filter.h"

#include "ns3/ipv4-queue-disc-item.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("DscpClassFilter");

NS_OBJECT_ENSURE_REGISTERED(DscpClassFilter);

TypeId
DscpClassFilter::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::DscpClassFilter")
              .SetParent<Ipv4PacketFilter>()
              .SetGroupName("DistributedLearning")
              .AddConstructor<DscpClassFilter>()
              .AddAttribute("Dscp",
                            "DSCP of the droppable class (default 8, CS1, the "
                            "conventional lower-effort class; ToS 0x20).",
                            UintegerValue(8), MakeUintegerAccessor(&DscpClassFilter::m_dscp),
                            MakeUintegerChecker<uint8_t>(0, 63));
    return tid;
}

DscpClassFilter::DscpClassFilter()
{
    NS_LOG_FUNCTION(this);
}

DscpClassFilter::~DscpClassFilter() = default;

int32_t
DscpClassFilter::DoClassify(Ptr<QueueDiscItem> item) const
{
    Ptr<Ipv4QueueDiscItem> ip = DynamicCast<Ipv4QueueDiscItem>(item);
    const uint8_t dscp = ip->GetHeader().GetTos() >> 2;
    NS_LOG_LOGIC("dscp " << int(dscp));
    return dscp == m_dscp ? DROPPABLE_BAND : PRIORITY_BAND;
}

} // namespace ns3
