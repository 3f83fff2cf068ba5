/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef RING_ALLREDUCE_SYNC_H
#define RING_ALLREDUCE_SYNC_H

#include "stream-sync.h"

#include <deque>

namespace ns3
{

/**
 * \ingroup dl-sync
 * The standard reliable ring AllReduce of gradients over TCP: reduce-scatter then all-gather,
 * 2(n-1) steps, each worker sending one block (1/n of the vector) to its right neighbour per
 * step. Every worker ends with the exact average of the n gradients whatever the loss; loss
 * shows up as TCP retransmission time. Then each worker takes its SGD step.
 */
class RingAllreduceSync : public StreamSync
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    RingAllreduceSync();
    ~RingAllreduceSync() override;

    double ComputeStep(int batchSize, float lr) override;
    void StartExchange(uint32_t round, DoneCallback done) override;

  protected:
    void DoDispose() override;
    void Receive(const ModelBlockHeader& header, const float* data) override;

  private:
    /** A message from the left neighbour, kept until the ring reaches its step. */
    struct Message
    {
        ModelBlockHeader header; //!< which round, phase, step and block
        dl::FloatBuffer data;    //!< the block
    };

    /// Send block \p block of the gradient to the right neighbour as step \p step of \p phase.
    void SendStep(uint8_t phase, uint32_t step, uint32_t block);
    /// Process queued messages while they are the next expected step.
    void Pump();
    /// The ring is complete: average and step.
    void Finish();

    std::deque<Message> m_inbox;    //!< received, not yet processed
    std::vector<float> m_sendBlock; //!< the block being sent, in host memory
    uint32_t m_round{0};            //!< round in progress
    bool m_active{false};           //!< an exchange runs
    uint8_t m_phase{0};             //!< 0: reduce-scatter, 1: all-gather
    uint32_t m_step{0};             //!< step within the phase
    float m_lr{0.0f};               //!< learning rate of the round
    DoneCallback m_done;            //!< to call when the round's exchange is over
};

} // namespace ns3

#endif // RING_ALLREDUCE_SYNC_H
