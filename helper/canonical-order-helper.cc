/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "canonical-order-helper.h"

#include "ns3/abort.h"
#include "ns3/arrival-sequencer.h"
#include "ns3/canonical-scheduler.h"
#include "ns3/log.h"
#include "ns3/object-factory.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("CanonicalOrderHelper");

void
CanonicalOrderHelper::EnableScheduler()
{
    ObjectFactory factory;
    factory.SetTypeId(CanonicalScheduler::GetTypeId());
    Simulator::SetScheduler(factory);
}

void
CanonicalOrderHelper::Install(NodeContainer nodes) const
{
    NS_ABORT_MSG_UNLESS(CanonicalScheduler::IsActive(),
                        "CanonicalOrderHelper::Install: call EnableScheduler first");
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        CreateObject<ArrivalSequencer>()->Install(*it);
    }
}

} // namespace ns3
