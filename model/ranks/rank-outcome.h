/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef RANK_OUTCOME_H
#define RANK_OUTCOME_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \ingroup dl-ranks
 * How each rank's part of a run ended, as the ranks tell each other (RankExchange): while the
 * simulation runs, so that every rank stops once all are done or one has failed; and after it,
 * so that every rank reports the same outcome. Each rank's status only ever gets worse. With
 * one rank there is nobody to tell and the calls only keep this rank's status.
 */
class RankOutcome
{
  public:
    /** A rank's part of the run, in increasing severity. */
    enum Status : uint8_t
    {
        RUNNING = 0,    //!< its workers are still training
        DONE = 1,       //!< its workers ended the last round
        INCOMPLETE = 2, //!< a deadline passed first
        DIVERGED = 3    //!< a non-finite or absurd loss or parameter
    };

    /** Ready for RankExchange::GetSize() ranks, all running. */
    RankOutcome();

    /**
     * This rank's part is now \p status, if that is worse than before; the other ranks are
     * told (without waiting).
     * \param status the new status
     */
    void Set(Status status);

    /** \return this rank's status */
    Status Get() const
    {
        return m_latest[m_self];
    }

    /** Read what the other ranks have said so far; never waits. */
    void Poll();

    /** \return the worst status any rank has said so far */
    Status Worst() const;

    /** \return true if every rank has said it is done */
    bool AllDone() const;

    /**
     * Collective, after Simulator::Run on every rank: the worst status of any rank, with the
     * reason the lowest rank that has it gives; reads every status message still unread.
     * \param reason why this rank's part ended as it did (empty when done)
     * \return the outcome and its reason, the same on every rank
     */
    std::pair<Status, std::string> Agree(const std::string& reason);

  private:
    uint32_t m_self;                  //!< this rank
    std::vector<Status> m_latest;     //!< what each rank last said (this rank's own, too)
    std::vector<uint32_t> m_received; //!< status messages read from each rank
    uint32_t m_sent{0};               //!< status messages sent to each other rank
};

} // namespace ns3

#endif // RANK_OUTCOME_H
