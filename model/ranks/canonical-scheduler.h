/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef CANONICAL_SCHEDULER_H
#define CANONICAL_SCHEDULER_H

#include "ns3/scheduler.h"

#include <map>

namespace ns3
{

/**
 * \ingroup dl-ranks
 * An ns-3 Scheduler (Simulator::SetScheduler) whose order of events that share an instant does
 * not depend on how the simulation is split over ranks.
 *
 * ns-3's schedulers run events of one instant in the order they were scheduled. ns-3's
 * distributed simulator schedules another rank's packet when the message reaches this rank, at
 * the end of a window of simulated time, which is later than the sequential run would have: so
 * at an instant where a switch receives packets from two ranks, or a host a packet and a timer,
 * the order, and with it queue order and timing, can depend on the rank count. This scheduler
 * runs the events of an instant in three classes: first the nodes' own events (in the order
 * they were scheduled: a node's own events always are, whatever the ranks), then the events
 * marked late (ArrivalSequencer's: a node's packets of the instant, in port order), then the
 * events of no node (context 0xffffffff: checks, Simulator::Stop). Every packet arrival is
 * scheduled at least a transmission time ahead, so every arrival of an instant is known before
 * that instant begins, on any rank.
 */
class CanonicalScheduler : public Scheduler
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    CanonicalScheduler();
    ~CanonicalScheduler() override;

    /**
     * Run \p event after every other event of its instant and node that is not itself late
     * (call before scheduling it).
     * \param event the event
     */
    static void MarkLate(const EventImpl* event);

    /** \return true while a CanonicalScheduler is the simulator's scheduler */
    static bool IsActive();

    void Insert(const Event& ev) override;
    bool IsEmpty() const override;
    Event PeekNext() const override;
    Event RemoveNext() override;
    void Remove(const Event& ev) override;

  private:
    /// Order: time, class (own, late, of no node), then scheduling order.
    struct Key
    {
        uint64_t ts;  //!< time stamp
        uint8_t cls;  //!< class within the instant
        uint32_t uid; //!< scheduling order

        bool operator<(const Key& o) const
        {
            return ts != o.ts ? ts < o.ts : cls != o.cls ? cls < o.cls : uid < o.uid;
        }
    };

    /// \return \p ev's place in the order
    static Key KeyOf(const Event& ev);

    std::map<Key, Event> m_events; //!< pending events, in order
};

} // namespace ns3

#endif // CANONICAL_SCHEDULER_H
