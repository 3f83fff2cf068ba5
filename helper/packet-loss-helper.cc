/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "packet-loss-helper.h"

#include "ns3/double.h"
#include "ns3/gilbert-elliott-error-model.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/pointer.h"

#include <cmath>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("PacketLossHelper");

PacketLossHelper::PacketLossHelper()
{
    NS_LOG_FUNCTION(this);
}

void
PacketLossHelper::SetModel(const std::string& model, double rate)
{
    NS_LOG_FUNCTION(this << model << rate);
    m_model = model;
    m_rate = rate;
}

void
PacketLossHelper::SetBurstLength(double packets)
{
    m_burstLength = packets;
}

std::string
PacketLossHelper::Check() const
{
    if (m_model != "bernoulli" && m_model != "burst" && m_model != "gilbert-elliott")
    {
        return "unknown loss model '" + m_model
               + "' (expected bernoulli, burst or gilbert-elliott)";
    }
    if (!(m_rate >= 0.0 && m_rate < 1.0))
    {
        std::ostringstream rate;
        rate << m_rate;
        return "the loss rate must lie in [0, 1), got " + rate.str();
    }
    if (!(m_burstLength >= 1.0))
    {
        return "the mean loss burst length must be at least 1 packet";
    }
    return "";
}

Ptr<ErrorModel>
PacketLossHelper::Create() const
{
    const std::string why = Check();
    NS_ABORT_MSG_UNLESS(why.empty(), "PacketLossHelper: " << why);
    if (m_model == "bernoulli")
    {
        Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
        em->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
        em->SetRate(m_rate);
        return em;
    }
    if (m_model == "burst")
    {
        // ns-3's BurstErrorModel draws a burst start for every packet and drops the next
        // BurstSize packets from each start, so a packet survives only if no burst started in
        // the last L packets: loss = 1 - (1 - q)^L, hence q = 1 - (1 - loss)^(1/L).
        Ptr<BurstErrorModel> em = CreateObject<BurstErrorModel>();
        const double length = std::round(m_burstLength);
        em->SetBurstRate(1.0 - std::pow(1.0 - m_rate, 1.0 / length));
        Ptr<ConstantRandomVariable> size = CreateObject<ConstantRandomVariable>();
        size->SetAttribute("Constant", DoubleValue(length));
        em->SetRandomBurstSize(size);
        return em;
    }
    Ptr<GilbertElliottErrorModel> em = CreateObject<GilbertElliottErrorModel>();
    em->SetLossRateAndBurst(m_rate, m_burstLength);
    return em;
}

void
PacketLossHelper::Install(const NetDeviceContainer& devices)
{
    NS_LOG_FUNCTION(this << devices.GetN());
    const std::string why = Check();
    NS_ABORT_MSG_UNLESS(why.empty(), "PacketLossHelper: " << why);
    if (m_rate <= 0.0)
    {
        return;
    }
    for (auto it = devices.Begin(); it != devices.End(); ++it)
    {
        m_installed.push_back(Create());
        NS_ABORT_MSG_UNLESS(
            (*it)->SetAttributeFailSafe("ReceiveErrorModel", PointerValue(m_installed.back())),
            "PacketLossHelper: device "
                << (*it)->GetIfIndex() << " of node " << (*it)->GetNode()->GetId() << " ("
                << (*it)->GetInstanceTypeId().GetName() << ") has no ReceiveErrorModel");
    }
}

int64_t
PacketLossHelper::AssignStreams(int64_t stream)
{
    NS_LOG_FUNCTION(this << stream);
    int64_t used = 0;
    for (const Ptr<ErrorModel>& em : m_installed)
    {
        if (Ptr<RateErrorModel> rate = DynamicCast<RateErrorModel>(em))
        {
            used += rate->AssignStreams(stream + used);
        }
        else if (Ptr<BurstErrorModel> burst = DynamicCast<BurstErrorModel>(em))
        {
            used += burst->AssignStreams(stream + used);
        }
        else if (Ptr<GilbertElliottErrorModel> ge = DynamicCast<GilbertElliottErrorModel>(em))
        {
            used += ge->AssignStreams(stream + used);
        }
    }
    return used;
}

} // namespace ns3
