/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef SHARED_BUFFER_QUEUE_DISC_H
#define SHARED_BUFFER_QUEUE_DISC_H

#include "ns3/queue-disc.h"

namespace ns3
{

/**
 * \ingroup dl-fabric
 * Strict-priority bands that share one port buffer, as a datacenter switch shares its buffer
 * among a port's classes: band 0 is always served first, and a packet of a band that finds the
 * buffer full pushes out the oldest packet of the lowest-priority band below its own that holds
 * one (a packet with none below it is dropped). So a lower band (the droppable learning class)
 * may use the whole buffer while the higher ones leave it free, and gets only what they leave:
 * unlike a PrioQueueDisc of per-band FIFOs, it never holds more than MaxSize in all, and the
 * higher class never loses a packet while a lower one holds buffer.
 *
 * Packets are put in bands by the queue disc's packet filters (e.g. a DscpClassFilter); a
 * packet no filter classifies, or classified beyond the last band, goes to band 0. A
 * pushed-out packet counts as dequeued and then dropped after dequeue ("Pushed out"), as ns-3's
 * FqCoDelQueueDisc counts the packets it drops from a fat flow: the Drop trace sees it.
 */
class SharedBufferQueueDisc : public QueueDisc
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    SharedBufferQueueDisc();
    ~SharedBufferQueueDisc() override;

    static constexpr const char* LIMIT_EXCEEDED_DROP = "Buffer full"; //!< an arrival dropped
    static constexpr const char* PUSHED_OUT_DROP = "Pushed out";      //!< a queued packet dropped

  private:
    bool DoEnqueue(Ptr<QueueDiscItem> item) override;
    Ptr<QueueDiscItem> DoDequeue() override;
    Ptr<const QueueDiscItem> DoPeek() override;
    bool CheckConfig() override;
    void InitializeParams() override;

    /// \return the band of \p item
    uint32_t BandOf(Ptr<QueueDiscItem> item);

    uint32_t m_bands; //!< number of bands
};

} // namespace ns3

#endif // SHARED_BUFFER_QUEUE_DISC_H
