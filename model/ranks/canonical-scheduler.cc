/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "canonical-scheduler.h"

#include "ns3/abort.h"
#include "ns3/event-impl.h"
#include "ns3/log.h"

#include <unordered_set>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("CanonicalScheduler");

NS_OBJECT_ENSURE_REGISTERED(CanonicalScheduler);

namespace
{
/// Events marked late and not yet run or removed (one simulator per process).
std::unordered_set<const EventImpl*> g_late;
/// Live CanonicalSchedulers.
uint32_t g_active = 0;
/// Context of the events of no node.
constexpr uint32_t NO_CONTEXT = 0xffffffff;
/// The classes of an instant's events, in the order they run.
enum Class : uint8_t
{
    OWN = 0,    //!< a node's own events, and its packets' arrivals (set aside by a sequencer)
    LATE = 1,   //!< marked late: a node's packets of the instant, handed over
    NO_NODE = 2 //!< events of no node
};
} // namespace

TypeId
CanonicalScheduler::GetTypeId()
{
    static TypeId tid = TypeId("ns3::CanonicalScheduler")
                            .SetParent<Scheduler>()
                            .SetGroupName("DistributedLearning")
                            .AddConstructor<CanonicalScheduler>();
    return tid;
}

CanonicalScheduler::CanonicalScheduler()
{
    NS_LOG_FUNCTION(this);
    ++g_active;
}

CanonicalScheduler::~CanonicalScheduler()
{
    NS_LOG_FUNCTION(this);
    --g_active;
}

void
CanonicalScheduler::MarkLate(const EventImpl* event)
{
    g_late.insert(event);
}

bool
CanonicalScheduler::IsActive()
{
    return g_active > 0;
}

CanonicalScheduler::Key
CanonicalScheduler::KeyOf(const Event& ev)
{
    const uint8_t cls = ev.key.m_context == NO_CONTEXT             ? NO_NODE
                        : !g_late.empty() && g_late.count(ev.impl) ? LATE
                                                                   : OWN;
    return Key{ev.key.m_ts, cls, ev.key.m_uid};
}

void
CanonicalScheduler::Insert(const Event& ev)
{
    const bool fresh = m_events.emplace(KeyOf(ev), ev).second;
    NS_ABORT_MSG_UNLESS(fresh, "CanonicalScheduler: event uid " << ev.key.m_uid << " twice");
}

bool
CanonicalScheduler::IsEmpty() const
{
    return m_events.empty();
}

Scheduler::Event
CanonicalScheduler::PeekNext() const
{
    NS_ASSERT(!m_events.empty());
    return m_events.begin()->second;
}

Scheduler::Event
CanonicalScheduler::RemoveNext()
{
    NS_ASSERT(!m_events.empty());
    const Event ev = m_events.begin()->second;
    if (m_events.begin()->first.cls == LATE)
    {
        g_late.erase(ev.impl); // only late events are in the set: no lookup for the others
    }
    m_events.erase(m_events.begin());
    return ev;
}

void
CanonicalScheduler::Remove(const Event& ev)
{
    const Key key = KeyOf(ev);
    m_events.erase(key);
    if (key.cls == LATE)
    {
        g_late.erase(ev.impl);
    }
}

} // namespace ns3
