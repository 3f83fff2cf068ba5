/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef JOB_STOPPER_H
#define JOB_STOPPER_H

#include "ns3/callback.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/rank-outcome.h"

#include <string>

namespace ns3
{

/**
 * \ingroup dl-job
 * What decides that a job's simulation stops, and says why a run is not complete: the first
 * failure (a deadline passed, a network that carries nothing) or divergence stops the
 * simulation and its reason stands; the end of the last round stops it when StopWhenDone; over
 * ranks, every rank learns every other's outcome (RankOutcome) and they agree on one. It knows
 * nothing of rows or models: RoundMonitor tells it what happened.
 */
class JobStopper
{
  public:
    /**
     * Begin a run: forget any outcome, and check the deadline once the simulation runs (armed
     * then, so that a deadline set before Simulator::Run counts).
     * \param overdue called at the deadline: why the run is late, or empty if it is not
     */
    void Start(Callback<std::string> overdue);

    /** \param deadline simulated time by which the run must be over (0: none) */
    void SetDeadline(Time deadline);
    /** \return the deadline */
    Time GetDeadline() const
    {
        return m_deadline;
    }

    /** \param stop stop the simulation when the last round ends (else the script stops it) */
    void SetStopWhenDone(bool stop);
    /** \return whether the last round's end stops the simulation */
    bool GetStopWhenDone() const
    {
        return m_stopWhenDone;
    }

    /** Report the run incomplete for \p why and stop (the first reason stands). */
    void Fail(const std::string& why);

    /** Report the run diverged for \p what and stop (unless already over). */
    void Diverge(const std::string& what);

    /** This rank's workers have all ended the last round: tell the other ranks. */
    void LocalDone();

    /** Every rank's last round is complete (one-rank runs): stop if StopWhenDone. */
    void AllRoundsDone();

    /**
     * Runs over ranks: read the other ranks' outcomes; once every rank is done or one failed,
     * stop (when StopWhenDone, or on a failure).
     * \return true once the outcome is known (no further polls are needed)
     */
    bool PollRanks();

    /** Runs over ranks, from Finish on every rank: agree on one outcome and its reason. */
    void Agree();

    /** The simulation ended before the last round, for \p why: incomplete, unless over. */
    void EndedShort(const std::string& why);

    /** \return true if the run failed or diverged */
    bool IsOver() const
    {
        return !m_incomplete.empty() || !m_divergence.empty();
    }

    /** \return why the run is incomplete, empty if it is not */
    const std::string& GetIncomplete() const
    {
        return m_incomplete;
    }

    /** \return why the run diverged, empty if it did not */
    const std::string& GetDivergence() const
    {
        return m_divergence;
    }

    /** Cancel the deadline. */
    void Cancel();

  private:
    /// Schedule the deadline check (at the simulation's start).
    void ArmDeadline();
    /// At the deadline: fail if the run is overdue.
    void OnDeadline();
    /// This rank's part has ended (or failed): tell the others, stop if it failed.
    void SetStatus(RankOutcome::Status status);

    Time m_deadline;                 //!< the run must be over by then (0: no deadline)
    Callback<std::string> m_overdue; //!< why the run is late at the deadline, or empty
    bool m_stopWhenDone{true};       //!< stop when the last round ends
    EventId m_deadlineEvent;         //!< the deadline check
    std::string m_incomplete;        //!< why the run is incomplete, if it is
    std::string m_divergence;        //!< why the run diverged, if it did
    RankOutcome m_outcome;           //!< how each rank's part of the run ended
};

} // namespace ns3

#endif // JOB_STOPPER_H
