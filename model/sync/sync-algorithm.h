/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef SYNC_ALGORITHM_H
#define SYNC_ALGORITHM_H

#include "ns3/block-partition.h"
#include "ns3/block-transport.h"
#include "ns3/replica.h"
#include "ns3/thread-pool.h"

#include "ns3/callback.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <future>
#include <memory>

/**
 * \defgroup dl-sync Synchronisation algorithms
 * \ingroup distributed-learning
 * The SyncAlgorithm contract and its kinds: RPS, AllReduce-SGD, OptiReduce-style,
 * gossip, the parameter server (UDP and TCP) and ring AllReduce; their short names.
 */

namespace ns3
{

/**
 * \ingroup dl-sync
 * How workers synchronise their replicas each round. The LearningWorker runs the round loop
 * (local compute, then exchange); a SyncAlgorithm decides what the local compute is, what each
 * phase sends to whom, and how arrivals are combined. It sees the network only through its
 * BlockTransport, and it only decides *what arrived when*: the arithmetic is the replica's
 * dl::FlatVector slice operations, which run where the vector lives (host or GPU).
 */
class SyncAlgorithm : public Object
{
  public:
    /** Called when a round's exchange is over. */
    typedef Callback<void> DoneCallback;

    /**
     * TracedCallback signature for the end of a phase.
     * \param round the round
     * \param phase ModelBlockHeader::Phase
     * \param expected aggregation units this worker expected in the phase
     * \param arrived units that arrived complete before the phase ended
     * \param timedOut true if the phase ended at its deadline
     */
    typedef void (*PhaseEndTracedCallback)(uint32_t round, uint8_t phase, uint32_t expected,
                                           uint32_t arrived, bool timedOut);

    /**
     * TracedCallback signature for an aggregation unit that did not arrive.
     * \param round the round
     * \param phase ModelBlockHeader::Phase
     * \param block the block
     * \param unit the unit within the block
     */
    typedef void (*UnitLostTracedCallback)(uint32_t round, uint8_t phase, uint32_t block,
                                           uint32_t unit);

    /**
     * TracedCallback signature for a send the node refused.
     * \param peer the worker it was for
     * \param error the socket's errno (Socket::ERROR_NOROUTETOHOST: no route)
     */
    typedef void (*SendErrorTracedCallback)(uint32_t peer, Socket::SocketErrno error);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    SyncAlgorithm();
    ~SyncAlgorithm() override;

    /**
     * Bind to a worker.
     * \param self the worker's index
     * \param transport its block transport (the algorithm installs the receive callback)
     * \param replica its replica (not owned)
     * \param partition the shared cut of the vector
     */
    virtual void Setup(uint32_t self, Ptr<BlockTransport> transport, dl::Replica* replica,
                       std::shared_ptr<const dl::BlockPartition> partition);

    /**
     * The local compute of a round (at simulated time of its start).
     * \return the mean minibatch loss
     */
    virtual double ComputeStep(int batchSize, float lr) = 0;

    /**
     * Run ComputeStep on \p pool while the simulation goes on. Until AwaitCompute, the replica
     * belongs to the task: every chunk that arrives for this worker first waits for it, so
     * each arrival sees the replica exactly as if the step had run at once.
     */
    void BeginCompute(dl::ThreadPool& pool, int batchSize, float lr);

    /**
     * Wait for the step BeginCompute started (at once if none is running).
     * \return its mean minibatch loss
     */
    double AwaitCompute();

    /** Run the exchange of \p round; call \p done when it is over. */
    virtual void StartExchange(uint32_t round, DoneCallback done) = 0;

    /**
     * \return the fewest workers the algorithm works with (2; 1 where one worker alone is
     *         meaningful, e.g. RPS as local SGD)
     */
    virtual uint32_t GetMinWorkers() const;

    /** \return the block transport (UDP) of the worker */
    Ptr<BlockTransport> GetTransport() const
    {
        return m_transport;
    }

    /** \return packets (or TCP segments) this worker's algorithm has sent */
    virtual uint64_t GetPacketsSent() const;

    /** Stop: close whatever the algorithm opened (the worker's round loop is over). */
    virtual void Stop();

    /**
     * The worker crashed: drop the round in progress (its timers, what it staged, its done
     * callback). Nothing is sent or closed: the machine is gone. The base class does nothing.
     */
    virtual void Suspend();

    /**
     * \return true if a crashed worker can come back (Resume): the base class says no (a
     *         reliable collective over TCP, whose connections the crash broke, stalls)
     */
    virtual bool CanResume() const;

    /**
     * The crashed worker is back with a replica copied from a peer: go on with \p round as if
     * every earlier one had been exchanged here. Only if CanResume.
     * \param round the round the worker starts with
     */
    virtual void Resume(uint32_t round);

    /** \return packets that arrived too late (phase over) or too early (round too far ahead) */
    uint64_t GetLateOrEarlyPackets() const
    {
        return m_lateOrEarly;
    }

  protected:
    void DoDispose() override;

    /** Handle a valid chunk from the transport. */
    virtual void Receive(const ModelBlockHeader& header, const float* data) = 0;

    /** The transports' receive callback: waits for a running local step, then Receive. */
    void Deliver(const ModelBlockHeader& header, const float* data);

    /** A transport's send was refused: fire SendError (the base connects the block transport's;
     *  a subclass with transports of its own connects theirs here too). */
    void NotifySendError(uint32_t peer, Socket::SocketErrno error);

    uint32_t m_self{0};                                    //!< this worker
    uint32_t m_workers{1};                                 //!< number of workers
    Ptr<BlockTransport> m_transport;                       //!< the network
    dl::Replica* m_replica{nullptr};                       //!< the replica
    std::shared_ptr<const dl::BlockPartition> m_partition; //!< the cut of the vector
    uint64_t m_lateOrEarly{0};                             //!< packets outside the accepted window
    std::future<void> m_compute;                           //!< the running local step, if any
    double m_computeLoss{0.0};                             //!< its minibatch loss

    /// End of a phase: round, phase, expected units, arrived units, timed out.
    TracedCallback<uint32_t, uint8_t, uint32_t, uint32_t, bool> m_phaseEndTrace;
    /// A unit lost: round, phase, block, unit.
    TracedCallback<uint32_t, uint8_t, uint32_t, uint32_t> m_unitLostTrace;
    /// A send refused: peer, errno.
    TracedCallback<uint32_t, Socket::SocketErrno> m_sendErrorTrace;
};

} // namespace ns3

#endif // SYNC_ALGORITHM_H
