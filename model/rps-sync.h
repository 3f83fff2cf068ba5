/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef RPS_SYNC_H
#define RPS_SYNC_H

#include "sync-algorithm.h"

#include "ns3/event-id.h"
#include "ns3/nstime.h"

#include <vector>

#include <memory>

namespace ns3
{

/**
 * \ingroup distributed-learning
 * RPS, the Robust Parameter Server of Yu et al. (ICML 2019). Worker j serves block j. A round:
 * local step v_i = x_i - lr * m_i; scatter block j of v_i to worker j; worker j averages block j
 * over the copies that arrived (its own always counts) and broadcasts the average; every worker
 * takes the average of each unit that arrived and keeps its own v for the rest.
 *
 * A phase ends as soon as every peer is settled: all its chunks for the phase arrived, or a
 * later packet from it did. Every worker sends to a peer in a fixed order (scatter chunks, then
 * broadcast chunks, then the next round), and paths are FIFO, so a chunk overtaken by a later
 * one from the same sender is lost: this is how a worker tells "lost" from "late" without
 * waiting. Otherwise a phase ends when none of its chunks arrived for PhaseTimeout (an idle
 * timeout), except that a peer that has sent nothing of the phase yet is waited for until two
 * (scatter) or three (broadcast) timeouts after the exchange began: it may have started late
 * because it waited out a loss of its own. Workers are not
 * globally clocked: chunks of the next round that arrive early are kept (two round slots);
 * chunks of a phase that is over, or more than one round ahead, are dropped and counted.
 *
 * The two-phase exchange is written once here; AllReduce-SGD reuses it on gradients by
 * overriding the hooks (what is exchanged, what the local compute is, what happens after).
 */
class RpsSync : public SyncAlgorithm
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    RpsSync();
    ~RpsSync() override;

    void Setup(uint32_t self, Ptr<BlockTransport> transport, dl::Replica* replica,
               std::shared_ptr<const dl::BlockPartition> partition) override;
    double ComputeStep(int batchSize, float lr) override;
    void StartExchange(uint32_t round, DoneCallback done) override;

    /** \return the phase deadline in use */
    Time GetPhaseTimeout() const
    {
        return m_phaseTimeout;
    }

  protected:
    void DoDispose() override;
    void Receive(const ModelBlockHeader& header, const float* data) override;

    /** \return the vector the exchange reads and writes (RPS: the parameters) */
    virtual float* ExchangeVector();
    /** \return what the packets carry */
    virtual ModelBlockHeader::Kind ExchangeKind() const;
    /** Called after the broadcast phase has been applied to ExchangeVector(). */
    virtual void ExchangeApplied();

  private:
    /** Chunks received for one round. */
    struct RoundSlot
    {
        std::vector<float> copies;       //!< scatter: [worker][own block floats]
        std::vector<uint8_t> copySeen;   //!< scatter: [worker][own block chunk]
        std::vector<uint32_t> copyUnits; //!< scatter: chunks seen per [worker][own block unit]
        std::vector<uint32_t> copyFrom;  //!< scatter: chunks seen per sending worker
        std::vector<float> averages;     //!< broadcast: flat vector of the owners' averages
        std::vector<uint8_t> avgSeen;    //!< broadcast: per global chunk
        std::vector<uint32_t> avgUnits;  //!< broadcast: chunks seen per global unit
        std::vector<uint32_t> avgFrom;   //!< broadcast: chunks seen per owner
    };

    /** Where this worker is in its round loop. */
    enum State
    {
        IDLE,     //!< computing, or between rounds
        SCATTER,  //!< waiting for copies of its own block
        BROADCAST //!< waiting for the other owners' averages
    };

    void ResetSlot(RoundSlot& slot);
    /// The phase timer fired: end the phase if it has been idle for PhaseTimeout.
    void OnDeadline();
    /// \return true if an unsettled peer has sent nothing of the current phase yet
    bool AnySilentPeer() const;
    /// Start tracking which peers are settled in the phase just begun; may end it at once.
    void BeginSettling();
    /// Re-examine one peer after a packet from it; ends the phase when all peers are settled.
    void UpdatePeer(uint32_t peer);
    /// \return true if nothing more can come from \p peer in the current phase
    bool IsSettled(uint32_t peer) const;
    void EndPhase(bool timedOut);
    void EndScatter(bool timedOut);
    void EndBroadcast(bool timedOut);
    /// Send own block (broadcast) or every other block (scatter) to every other worker.
    void SendPhase(ModelBlockHeader::Phase phase);

    Time m_phaseTimeout;                 //!< deadline of each phase
    Time m_exchangeStart;                //!< when this round's exchange began
    Time m_lastArrival;                  //!< last chunk of the current phase (idle-timeout base)
    uint32_t m_round{0};                 //!< the round in progress (or next to start)
    State m_state{IDLE};                 //!< the phase in progress
    RoundSlot m_slots[2];                //!< chunks of rounds m_round and m_round + 1 (by parity)
    std::vector<uint64_t> m_lastKey;     //!< per peer: 1 + latest (round, phase, chunk) received
    std::vector<uint8_t> m_settled;      //!< per peer: settled in the current phase
    uint32_t m_settledCount{0};          //!< peers settled in the current phase
    EventId m_deadline;                  //!< the phase timer
    DoneCallback m_done;                 //!< to call when the round's exchange is over
    std::vector<const float*> m_arrived; //!< scratch: arrived copies of one unit
};

} // namespace ns3

#endif // RPS_SYNC_H
