/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef HASHED_RATE_ERROR_MODEL_H
#define HASHED_RATE_ERROR_MODEL_H

#include "ns3/error-model.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup distributed-learning
 * Bernoulli packet loss, like RateErrorModel per packet, except that the coin for a packet is
 * a hash of the run (seed and run number), the model's stream and the packet's bytes (headers
 * and payload as they arrive), not the next draw of a random sequence. So a packet's fate does
 * not depend on the order in which packets reach the link: packets that arrive at one instant
 * on different links of a switch can be queued in either order, and that order differs between
 * a sequential run and one split over ranks (ns-3's distributed simulator inserts another
 * rank's packets when they reach it). This model, unlike RateErrorModel, loses the same packets
 * on any number of ranks.
 *
 * The price: byte-identical packets on one link share a coin. Model-block packets carry their
 * sender, round and chunk, and ns-3's TCP segments their timestamp option, so none repeats.
 */
class HashedRateErrorModel : public ErrorModel
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    HashedRateErrorModel();

    /** \param rate probability that a packet is lost, in [0, 1] */
    void SetRate(double rate);

    /** \return the probability that a packet is lost */
    double GetRate() const
    {
        return m_rate;
    }

    /**
     * Key this model's coins with a fixed stream number, as for a random variable: models
     * with different streams lose different packets.
     * \param stream the stream
     * \return the number of streams used (1)
     */
    int64_t AssignStreams(int64_t stream);

  protected:
    void NotifyConstructionCompleted() override;

  private:
    bool DoCorrupt(Ptr<Packet> p) override;
    void DoReset() override;

    double m_rate{0.0};           //!< loss probability
    int64_t m_stream{0};          //!< key of this model's coins
    std::vector<uint8_t> m_bytes; //!< the packet being judged, padded to whole words
};

} // namespace ns3

#endif // HASHED_RATE_ERROR_MODEL_H
