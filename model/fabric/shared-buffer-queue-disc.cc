/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "shared-buffer-queue-disc.h"

#include "ns3/drop-tail-queue.h"
#include "ns3/log.h"
#include "ns3/object-factory.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SharedBufferQueueDisc");

NS_OBJECT_ENSURE_REGISTERED(SharedBufferQueueDisc);

TypeId
SharedBufferQueueDisc::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::SharedBufferQueueDisc")
              .SetParent<QueueDisc>()
              .SetGroupName("DistributedLearning")
              .AddConstructor<SharedBufferQueueDisc>()
              .AddAttribute("MaxSize", "The buffer all bands share, in packets or bytes.",
                            QueueSizeValue(QueueSize("200p")),
                            MakeQueueSizeAccessor(&QueueDisc::SetMaxSize, &QueueDisc::GetMaxSize),
                            MakeQueueSizeChecker())
              .AddAttribute("Bands", "Strict-priority bands (0 the highest).", UintegerValue(2),
                            MakeUintegerAccessor(&SharedBufferQueueDisc::m_bands),
                            MakeUintegerChecker<uint32_t>(1, 16));
    return tid;
}

SharedBufferQueueDisc::SharedBufferQueueDisc()
    : QueueDisc(QueueDiscSizePolicy::MULTIPLE_QUEUES) // packets or bytes, as MaxSize says
    , m_bands(2)
{
    NS_LOG_FUNCTION(this);
}

SharedBufferQueueDisc::~SharedBufferQueueDisc()
{
    NS_LOG_FUNCTION(this);
}

uint32_t
SharedBufferQueueDisc::BandOf(Ptr<QueueDiscItem> item)
{
    const int32_t band = Classify(item);
    return band < 0 || uint32_t(band) >= m_bands ? 0 : uint32_t(band);
}

bool
SharedBufferQueueDisc::DoEnqueue(Ptr<QueueDiscItem> item)
{
    NS_LOG_FUNCTION(this << item);
    const uint32_t band = BandOf(item);
    const bool packets = GetMaxSize().GetUnit() == QueueSizeUnit::PACKETS;
    const uint32_t need = packets ? 1 : item->GetSize();
    if (need > GetMaxSize().GetValue())
    {
        DropBeforeEnqueue(item, LIMIT_EXCEEDED_DROP); // larger than the whole buffer: push none out
        return false;
    }
    while (GetCurrentSize().GetValue() + need > GetMaxSize().GetValue())
    {
        // The lowest band below this one that holds a packet gives up its oldest.
        uint32_t victim = m_bands - 1;
        while (victim > band && GetInternalQueue(victim)->IsEmpty())
        {
            --victim;
        }
        if (victim == band)
        {
            NS_LOG_LOGIC("buffer full, nothing below band " << band << " to push out");
            DropBeforeEnqueue(item, LIMIT_EXCEEDED_DROP);
            return false;
        }
        Ptr<QueueDiscItem> out = GetInternalQueue(victim)->Dequeue();
        NS_LOG_LOGIC("band " << band << " pushes out a packet of band " << victim);
        DropAfterDequeue(out, PUSHED_OUT_DROP);
    }
    const bool queued = GetInternalQueue(band)->Enqueue(item);
    NS_ASSERT_MSG(queued, "an internal queue refused a packet the shared buffer had room for");
    return queued;
}

Ptr<QueueDiscItem>
SharedBufferQueueDisc::DoDequeue()
{
    for (uint32_t i = 0; i < GetNInternalQueues(); ++i)
    {
        if (Ptr<QueueDiscItem> item = GetInternalQueue(i)->Dequeue())
        {
            return item;
        }
    }
    return nullptr;
}

Ptr<const QueueDiscItem>
SharedBufferQueueDisc::DoPeek()
{
    for (uint32_t i = 0; i < GetNInternalQueues(); ++i)
    {
        if (Ptr<const QueueDiscItem> item = GetInternalQueue(i)->Peek())
        {
            return item;
        }
    }
    return nullptr;
}

bool
SharedBufferQueueDisc::CheckConfig()
{
    NS_LOG_FUNCTION(this);
    if (GetNQueueDiscClasses() > 0)
    {
        NS_LOG_ERROR("SharedBufferQueueDisc has no classes: its bands are internal queues");
        return false;
    }
    if (GetNInternalQueues() == 0)
    {
        // Each band could hold the whole buffer: only the shared limit in DoEnqueue applies.
        ObjectFactory factory;
        factory.SetTypeId("ns3::DropTailQueue<QueueDiscItem>");
        factory.Set("MaxSize", QueueSizeValue(GetMaxSize()));
        for (uint32_t i = 0; i < m_bands; ++i)
        {
            AddInternalQueue(factory.Create<InternalQueue>());
        }
    }
    if (GetNInternalQueues() != m_bands)
    {
        NS_LOG_ERROR("SharedBufferQueueDisc needs one internal queue per band");
        return false;
    }
    return true;
}

void
SharedBufferQueueDisc::InitializeParams()
{
    NS_LOG_FUNCTION(this);
}

} // namespace ns3
