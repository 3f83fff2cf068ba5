/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef GILBERT_ELLIOTT_ERROR_MODEL_H
#define GILBERT_ELLIOTT_ERROR_MODEL_H

#include "ns3/error-model.h"
#include "ns3/random-variable-stream.h"

namespace ns3
{

/**
 * \ingroup dl-fabric
 * Gilbert-Elliott two-state packet loss: a Markov chain over Good and Bad states, advanced once
 * per packet, that drops a packet with probability LossGood in Good and LossBad in Bad. Losses
 * come in bursts of mean length about 1/PBadToGood. The long-run loss rate is
 *   pi_B * LossBad + (1 - pi_B) * LossGood,  pi_B = PGoodToBad / (PGoodToBad + PBadToGood).
 */
class GilbertElliottErrorModel : public ErrorModel
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    GilbertElliottErrorModel();

    /** \return the long-run fraction of packets dropped */
    double GetMeanLossRate() const;

    /**
     * Choose PGoodToBad so that, with LossGood = 0 and LossBad = 1 (the classic Gilbert
     * model), the long-run loss rate is \p lossRate and bursts last \p meanBurst packets.
     * \param lossRate target loss in [0, 1)
     * \param meanBurst mean burst length in packets (>= 1)
     */
    void SetLossRateAndBurst(double lossRate, double meanBurst);

    /**
     * Assign a fixed random variable stream number.
     * \param stream first stream index
     * \return the number of streams used
     */
    int64_t AssignStreams(int64_t stream);

    /** \return true while in the Bad state */
    bool IsBad() const
    {
        return m_bad;
    }

  private:
    bool DoCorrupt(Ptr<Packet> p) override;
    void DoReset() override;

    double m_pGoodToBad;                //!< P(Good -> Bad) per packet
    double m_pBadToGood;                //!< P(Bad -> Good) per packet
    double m_lossGood;                  //!< drop probability in Good
    double m_lossBad;                   //!< drop probability in Bad
    bool m_bad{false};                  //!< current state
    Ptr<RandomVariableStream> m_ranvar; //!< uniform [0, 1) source
};

} // namespace ns3

#endif // GILBERT_ELLIOTT_ERROR_MODEL_H
