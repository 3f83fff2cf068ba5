/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "link-down-error-model.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LinkDownErrorModel");

NS_OBJECT_ENSURE_REGISTERED(LinkDownErrorModel);

TypeId
LinkDownErrorModel::GetTypeId()
{
    static TypeId tid = TypeId("ns3::LinkDownErrorModel")
                            .SetParent<ErrorModel>()
                            .SetGroupName("DistributedLearning")
                            .AddConstructor<LinkDownErrorModel>();
    return tid;
}

LinkDownErrorModel::LinkDownErrorModel() = default;

LinkDownErrorModel::~LinkDownErrorModel() = default;

void
LinkDownErrorModel::SetSaved(Ptr<ErrorModel> saved)
{
    m_saved = saved;
}

Ptr<ErrorModel>
LinkDownErrorModel::GetSaved() const
{
    return m_saved;
}

bool
LinkDownErrorModel::DoCorrupt(Ptr<Packet> p)
{
    NS_LOG_FUNCTION(this << p);
    return IsEnabled(); // ns-3's error models check it themselves
}

void
LinkDownErrorModel::DoReset()
{
}

void
LinkDownErrorModel::DoDispose()
{
    m_saved = nullptr;
    ErrorModel::DoDispose();
}

} // namespace ns3
