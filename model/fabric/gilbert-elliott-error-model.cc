/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "gilbert-elliott-error-model.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/string.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("GilbertElliottErrorModel");

NS_OBJECT_ENSURE_REGISTERED(GilbertElliottErrorModel);

TypeId
GilbertElliottErrorModel::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::GilbertElliottErrorModel")
              .SetParent<ErrorModel>()
              .SetGroupName("DistributedLearning")
              .AddConstructor<GilbertElliottErrorModel>()
              .AddAttribute(
                  "PGoodToBad", "Probability of moving from the Good to the Bad state, per packet.",
                  DoubleValue(0.0), MakeDoubleAccessor(&GilbertElliottErrorModel::m_pGoodToBad),
                  MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("PBadToGood",
                            "Probability of moving from the Bad to the Good state, per packet "
                            "(1 / mean burst length).",
                            DoubleValue(0.25),
                            MakeDoubleAccessor(&GilbertElliottErrorModel::m_pBadToGood),
                            MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("LossGood", "Drop probability in the Good state.", DoubleValue(0.0),
                            MakeDoubleAccessor(&GilbertElliottErrorModel::m_lossGood),
                            MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("LossBad", "Drop probability in the Bad state.", DoubleValue(1.0),
                            MakeDoubleAccessor(&GilbertElliottErrorModel::m_lossBad),
                            MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("RanVar",
                            "The uniform [0, 1) random variable driving transitions and drops.",
                            StringValue("ns3::UniformRandomVariable[Min=0.0|Max=1.0]"),
                            MakePointerAccessor(&GilbertElliottErrorModel::m_ranvar),
                            MakePointerChecker<RandomVariableStream>());
    return tid;
}

GilbertElliottErrorModel::GilbertElliottErrorModel()
{
    NS_LOG_FUNCTION(this);
}

double
GilbertElliottErrorModel::GetMeanLossRate() const
{
    const double sum = m_pGoodToBad + m_pBadToGood;
    const double piBad = sum > 0.0 ? m_pGoodToBad / sum : 0.0;
    return piBad * m_lossBad + (1.0 - piBad) * m_lossGood;
}

void
GilbertElliottErrorModel::SetLossRateAndBurst(double lossRate, double meanBurst)
{
    NS_ABORT_MSG_IF(lossRate < 0.0 || lossRate >= 1.0, "loss rate must lie in [0, 1)");
    NS_ABORT_MSG_IF(meanBurst < 1.0, "mean burst length must be at least 1 packet");
    m_lossGood = 0.0;
    m_lossBad = 1.0;
    m_pBadToGood = 1.0 / meanBurst;
    // pi_B = p_gb / (p_gb + p_bg) = lossRate  =>  p_gb = lossRate * p_bg / (1 - lossRate).
    m_pGoodToBad = std::min(1.0, lossRate * m_pBadToGood / (1.0 - lossRate));
}

int64_t
GilbertElliottErrorModel::AssignStreams(int64_t stream)
{
    m_ranvar->SetStream(stream);
    return 1;
}

bool
GilbertElliottErrorModel::DoCorrupt(Ptr<Packet> p)
{
    // Advance the chain, then decide the drop in the new state.
    const double u = m_ranvar->GetValue();
    m_bad = m_bad ? (u >= m_pBadToGood) : (u < m_pGoodToBad);
    const double loss = m_bad ? m_lossBad : m_lossGood;
    const bool drop = loss >= 1.0 || (loss > 0.0 && m_ranvar->GetValue() < loss);
    NS_LOG_LOGIC("state " << (m_bad ? "bad" : "good") << (drop ? " drop" : " pass"));
    return drop;
}

void
GilbertElliottErrorModel::DoReset()
{
    m_bad = false;
}

} // namespace ns3
