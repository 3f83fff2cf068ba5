/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef BLOCK_EXCHANGE_SYNC_H
#define BLOCK_EXCHANGE_SYNC_H

#include "sync-algorithm.h"

#include "ns3/event-id.h"
#include "ns3/nstime.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup dl-sync
 * The machinery of a round made of phases of unreliable block exchange over UDP, shared by
 * RPS, AllReduce-SGD, gossip and the UDP parameter server. A subclass says, per phase, what it
 * sends and which blocks it expects from which peer, and combines what arrived; this class
 * stages arriving chunks, decides when a phase is over, and reports arrivals.
 *
 * A phase ends as soon as every peer it expects something from is *settled*: all the expected
 * chunks arrived, or a later packet from that peer did. Senders send to a given peer in a fixed
 * order (round, phase, block, chunk; each block followed by an end marker) and paths are FIFO, so
 * a chunk overtaken by a later packet from the same sender is lost, and the marker settles a lost
 * last chunk at once. Otherwise the phase ends after PhaseTimeout without an arrival (an idle
 * timeout), except that a peer that has sent nothing of the phase yet is waited for until
 * (phase + 2) timeouts after the exchange began: it may have started late because it waited out
 * a loss of its own. Chunks of the next round are kept (set aside, and staged when that round
 * begins); chunks of a phase that is over, or more than one round ahead, are dropped and counted.
 *
 * With AdaptiveTimeout, that wait for a silent peer follows the peer's observed lateness instead
 * of a fixed (phase + 2) timeouts: (phase + 1) timeouts plus an estimate of how late the peer's
 * first packet of a round comes after this worker's exchange began (the smoothed lateness plus
 * four times its smoothed deviation, as TCP estimates its retransmission timeout), never less
 * than one timeout -- so it is the fixed rule while peers are on time -- and never more than
 * MaxLateWait. A slow worker is then waited for instead of being left out every round.
 */
class BlockExchangeSync : public SyncAlgorithm
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    BlockExchangeSync();
    ~BlockExchangeSync() override;

    void Setup(uint32_t self, Ptr<BlockTransport> transport, dl::Replica* replica,
               std::shared_ptr<const dl::BlockPartition> partition) override;
    void StartExchange(uint32_t round, DoneCallback done) override;
    void Suspend() override;
    bool CanResume() const override;
    void Resume(uint32_t round) override;

    /** \return the phase idle timeout in use */
    Time GetPhaseTimeout() const
    {
        return m_phaseTimeout;
    }
    /**
     * Wait out phases by \p other's rule: PhaseTimeout, AdaptiveTimeout, MaxLateWait (the
     * parameter server takes its workers').
     * \param other a configured algorithm
     */
    void CopyTimeouts(const BlockExchangeSync& other);
    /**
     * \param peer an endpoint
     * \return how late \p peer's first packet of a round is expected after this worker's
     *         exchange began (smoothed lateness + 4 deviations; zero before any sample)
     */
    Time GetLatenessEstimate(uint32_t peer) const;

  protected:
    /** A block that one peer sends this worker in a phase. */
    struct Expectation
    {
        uint32_t peer;  //!< the sender
        uint32_t block; //!< the block
    };

    /** \return the number of phases of a round (at most ModelBlockHeader::PHASE_COUNT) */
    virtual uint32_t GetPhaseCount() const = 0;
    /**
     * \return the blocks expected in \p phase; for each peer, in the order it sends them
     *         (increasing block index)
     */
    virtual std::vector<Expectation> GetExpectations(uint32_t phase) const = 0;
    /** Send this worker's packets of \p phase (with Send). */
    virtual void SendPhase(uint32_t phase) = 0;
    /** Combine what arrived in \p phase (with ArrivedUnit). */
    virtual void CombinePhase(uint32_t phase) = 0;
    /** \return what the packets of \p phase carry */
    virtual ModelBlockHeader::Kind ExchangeKind(uint32_t phase) const = 0;
    /** Called when the last phase of a round has been combined. */
    virtual void ExchangeApplied();
    /** Called when a packet of the next round arrives while no exchange runs. */
    virtual void OnNextRoundActivity();

    /**
     * Send every chunk of \p block of \p vector to \p dst in \p phase of the current round.
     * A block is read out of the vector's memory (the device's, with a GPU) once per phase,
     * however many peers it goes to: the vector does not change while a phase is being sent.
     */
    void Send(uint32_t dst, uint32_t phase, uint32_t block, const dl::FlatVector& vector);
    /**
     * \return unit \p u of \p block as received from \p peer in \p phase of the current round,
     *         or nullptr unless every chunk of the unit arrived
     */
    const float* ArrivedUnit(uint32_t phase, uint32_t peer, uint32_t block, uint32_t u) const;
    /**
     * \return the copies of unit \p u of \p block that arrived in \p phase of the current
     *         round, from every peer expected to send it, in the order of GetExpectations
     *         (valid until the next call)
     */
    const std::vector<const float*>& ArrivedCopies(uint32_t phase, uint32_t block, uint32_t u);
    /** \return the round in progress (or next to start) */
    uint32_t GetRound() const
    {
        return m_round;
    }
    /** \return true while an exchange runs */
    bool IsExchanging() const
    {
        return m_phase >= 0;
    }

    void DoDispose() override;
    void Receive(const ModelBlockHeader& header, const float* data) override;

  private:
    /** Where the chunks expected in one phase are staged. */
    struct PhasePlan
    {
        std::vector<Expectation> expect; //!< what is expected
        // Lookups are by (peer, block) and by block: compressed rows, since a dense peer x block
        // table per worker is n^3 memory over a job (8 GiB at 1024 workers).
        std::vector<uint32_t> peerStart;  //!< per peer: first entry of byPeer (n + 1 entries)
        std::vector<uint32_t> byPeer;     //!< expectations by peer, blocks increasing
        std::vector<uint32_t> blockStart; //!< per block: first entry of senders (blocks + 1)
        std::vector<uint32_t> senders;    //!< peers expected to send each block, in expect order
        std::vector<size_t> dataOffset;   //!< per expectation: first float in the staging
        std::vector<size_t> chunkOffset;  //!< per expectation: first chunk record
        std::vector<size_t> unitOffset;   //!< per expectation: first unit record
        std::vector<uint32_t> chunksFrom; //!< per peer: chunks expected in all
        std::vector<uint32_t> firstBlock; //!< per peer: first block expected
        std::vector<uint32_t> lastBlock;  //!< per peer: last block expected
        uint32_t peersExpected{0};        //!< peers with at least one expected block
        size_t floats{0};                 //!< staging size
        size_t chunks{0};                 //!< chunk records
        size_t units{0};                  //!< unit records
    };

    /** Which chunks arrived in one phase of one round. */
    struct Staging
    {
        std::vector<uint8_t> seen;      //!< per chunk
        std::vector<uint32_t> unitSeen; //!< chunks seen per unit
        std::vector<uint32_t> from;     //!< chunks seen per peer
    };

    /** A chunk of the next round, set aside until that round is staged. */
    struct Ahead
    {
        uint32_t phase; //!< its phase
        size_t offset;  //!< where it goes in the phase's staged floats
        size_t start;   //!< its first float in m_aheadData
        uint32_t count; //!< its floats
    };

    /// \return the expectation of \p block from \p peer in \p plan, or -1
    static int32_t Find(const PhasePlan& plan, uint32_t peer, uint32_t block);
    void ResetSlot(uint32_t slot);
    /// Stage the chunks of the round that begins now that arrived while it was the next one.
    void StageAhead();
    void BeginPhase(uint32_t phase);
    void EndPhase(bool timedOut);
    void OnDeadline();
    bool IsSettled(uint32_t peer) const;
    /// \return true if \p peer owes this phase something and has sent nothing of it yet
    bool IsSilent(uint32_t peer) const;
    void UpdatePeer(uint32_t peer);
    /// Note how late \p peer's first packet of \p round came (once per peer and round).
    void SampleLateness(uint32_t peer, uint32_t round);
    /// \return how long after the exchange began silent \p peer is waited for in this phase
    Time SilentWait(uint32_t peer) const;

    /// What is known of one peer's lateness (in time steps, integer so results stay exact).
    struct Lateness
    {
        int64_t mean{0};       //!< smoothed lateness
        int64_t deviation{0};  //!< smoothed absolute deviation from it
        uint32_t nextRound{0}; //!< 1 + the latest round sampled (0: none yet)
    };

    Time m_phaseTimeout;                 //!< idle timeout of a phase
    bool m_adaptive{false};              //!< silent-peer wait follows observed lateness
    Time m_maxLateWait;                  //!< bound of the adaptive lateness allowance
    std::vector<Lateness> m_lateness;    //!< per peer, once AdaptiveTimeout is on
    uint32_t m_peers{0};                 //!< endpoints (workers, and a server if any)
    std::vector<PhasePlan> m_plans;      //!< per phase
    std::vector<Staging> m_staging[2];   //!< [round parity][phase]: arrival records
    std::vector<dl::FloatBuffer> m_data; //!< [phase]: the current round's staged floats
    std::vector<Ahead> m_ahead;          //!< the next round's chunks, in arrival order
    std::vector<float> m_aheadData;      //!< their floats (one model copy holds a round's
                                         //!< staging; the next round's is rarely more than a
                                         //!< few chunks, so it is not a second copy)
    uint32_t m_round{0};                 //!< the round in progress (or next to start)
    int32_t m_phase{-1};                 //!< the phase in progress, -1 when none
    Time m_exchangeStart;                //!< when this round's exchange began
    Time m_previousStart;                //!< when the previous round's exchange began
    Time m_lastArrival;                  //!< last chunk of the phase (idle-timeout base)
    std::vector<uint64_t> m_lastKey;     //!< per peer: 1 + latest send-order key received
    std::vector<uint8_t> m_settled;      //!< per peer: settled in the current phase
    uint32_t m_settledCount{0};          //!< peers settled in the current phase
    EventId m_deadline;                  //!< the phase timer
    std::vector<float> m_sendCopy;       //!< host copy of the block being sent (packets copy it)
    int64_t m_sendBlock{-1};             //!< the block in m_sendCopy this phase (-1: none)
    std::vector<const float*> m_arrived; //!< ArrivedCopies' result
    DoneCallback m_done;                 //!< to call when the round's exchange is over
};

} // namespace ns3

#endif // BLOCK_EXCHANGE_SYNC_H
