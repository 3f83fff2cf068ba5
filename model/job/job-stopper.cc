/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "job-stopper.h"

#include "ns3/log.h"
#include "ns3/rank-exchange.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("JobStopper");

void
JobStopper::Start(Callback<std::string> overdue)
{
    m_overdue = overdue;
    m_incomplete.clear();
    m_divergence.clear();
    m_outcome = RankOutcome();
    m_deadlineEvent.Cancel();
    m_deadlineEvent = Simulator::ScheduleNow(&JobStopper::ArmDeadline, this);
}

void
JobStopper::SetDeadline(Time deadline)
{
    m_deadline = deadline;
}

void
JobStopper::SetStopWhenDone(bool stop)
{
    m_stopWhenDone = stop;
}

void
JobStopper::ArmDeadline()
{
    if (m_deadline.IsStrictlyPositive())
    {
        // A job started after its deadline is overdue at once (ns-3 takes no negative delay).
        m_deadlineEvent = Simulator::Schedule(Max(m_deadline - Simulator::Now(), Seconds(0)),
                                              &JobStopper::OnDeadline, this);
    }
}

void
JobStopper::OnDeadline()
{
    const std::string late = m_overdue.IsNull() ? "" : m_overdue();
    if (!late.empty())
    {
        Fail(late);
    }
}

void
JobStopper::Fail(const std::string& why)
{
    if (!IsOver())
    {
        m_incomplete = why;
        NS_LOG_WARN(why);
        SetStatus(RankOutcome::INCOMPLETE);
    }
}

void
JobStopper::Diverge(const std::string& what)
{
    if (m_divergence.empty())
    {
        m_divergence = what;
        NS_LOG_WARN("diverged: " << what);
        SetStatus(RankOutcome::DIVERGED);
    }
}

void
JobStopper::LocalDone()
{
    SetStatus(RankOutcome::DONE);
}

void
JobStopper::AllRoundsDone()
{
    if (m_stopWhenDone && !RankExchange::IsDistributed())
    {
        // The experiment is over. Without this the simulation runs on for as long as TCP
        // keeps closing connections: under loss a worker's FIN can be retransmitted for
        // hours of simulated time (seen with ps over tcp at 5% loss). A distributed run
        // stops once every rank has said so (PollRanks).
        Simulator::Stop();
    }
}

void
JobStopper::SetStatus(RankOutcome::Status status)
{
    m_outcome.Set(status);
    if (status >= RankOutcome::INCOMPLETE)
    {
        Simulator::Stop();
    }
}

bool
JobStopper::PollRanks()
{
    m_outcome.Poll();
    const bool failed = m_outcome.Worst() >= RankOutcome::INCOMPLETE;
    if (!failed && !m_outcome.AllDone())
    {
        return false;
    }
    // Every rank's workers have ended (or one rank failed): the outcome is known. Ranks that
    // finished earlier kept forwarding the others' packets until now.
    if (m_stopWhenDone || failed)
    {
        Simulator::Stop();
    }
    return true;
}

void
JobStopper::Agree()
{
    const auto [status, reason]
        = m_outcome.Agree(m_divergence.empty() ? m_incomplete : m_divergence);
    m_divergence = status == RankOutcome::DIVERGED ? reason : "";
    m_incomplete = status == RankOutcome::INCOMPLETE ? reason : "";
}

void
JobStopper::EndedShort(const std::string& why)
{
    if (!IsOver())
    {
        m_incomplete = why;
    }
}

void
JobStopper::Cancel()
{
    m_deadlineEvent.Cancel();
}

} // namespace ns3
