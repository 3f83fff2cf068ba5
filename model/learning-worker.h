/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef LEARNING_WORKER_H
#define LEARNING_WORKER_H

#include "block-transport.h"
#include "sync-algorithm.h"
#include "training-job.h"

#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <memory>

namespace ns3
{

/**
 * \ingroup distributed-learning
 * A training worker on a node. It runs its own round loop in simulated time: local compute with
 * the embedded trainer, a wait for the compute time, then the SyncAlgorithm's exchange over the
 * network; the next round starts when the exchange is over. Workers are not globally clocked.
 */
class LearningWorker : public Application
{
  public:
    /** How the simulated compute time of a step is chosen. */
    enum ComputeTimeMode
    {
        FIXED,   //!< ComputeTime per step: deterministic results
        MEASURED //!< wall time of the step times WallTimeFactor: NOT reproducible
    };

    /**
     * TracedCallback signature for the start of a round.
     * \param worker the worker index
     * \param round the round that starts
     */
    typedef void (*RoundStartTracedCallback)(uint32_t worker, uint32_t round);

    /**
     * TracedCallback signature for the end of a round.
     * \param worker the worker index
     * \param round the round that ended
     * \param loss the mean minibatch loss of the round's local step
     */
    typedef void (*RoundEndTracedCallback)(uint32_t worker, uint32_t round, double loss);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    LearningWorker();
    ~LearningWorker() override;

    /**
     * Bind the worker to its experiment and network (the helper calls this).
     * \param job the shared training job
     * \param index this worker's index
     * \param transport its block transport, already set up
     * \param sync its synchronisation algorithm
     * \param partition the shared cut of the parameter vector
     */
    void Setup(Ptr<TrainingJob> job, uint32_t index, Ptr<BlockTransport> transport,
               Ptr<SyncAlgorithm> sync, std::shared_ptr<const dl::BlockPartition> partition);

    /** \return this worker's index */
    uint32_t GetIndex() const
    {
        return m_index;
    }

    /** \return the worker's replica (after waiting for a local step that is running) */
    dl::Replica& GetReplica()
    {
        m_sync->AwaitCompute();
        return *m_replica;
    }

    /** \return the synchronisation algorithm */
    Ptr<SyncAlgorithm> GetSync() const
    {
        return m_sync;
    }

    /** \return rounds completed */
    uint32_t GetRoundsDone() const
    {
        return m_round;
    }

    /**
     * \return simulated time this worker has spent computing so far, the current round's
     *         step included once it has started (the rest of its time went to communication
     *         and waiting)
     */
    Time GetComputeTime() const
    {
        return m_computeTotal;
    }

    /**
     * Fix the random stream of the ComputeJitter variable, if there is one.
     * \param stream the stream index
     * \return the number of streams used (1, or 0 without jitter)
     */
    int64_t AssignStreams(int64_t stream);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;

    /// Local compute of the current round, then wait the compute time.
    void StartRound();
    /// The compute time is over: start the exchange.
    void BeginExchange();
    /// The exchange is over.
    void EndRound();

    Time m_computeTime;                        //!< FIXED: simulated time per step
    ComputeTimeMode m_computeMode;             //!< how compute time is chosen
    Ptr<RandomVariableStream> m_computeJitter; //!< extra time per step (null: none)
    double m_wallTimeFactor;                   //!< MEASURED: simulated = wall * factor
    Time m_computeTotal;                       //!< simulated compute time so far
    Ptr<TrainingJob> m_job;                    //!< the experiment
    uint32_t m_index{0};                       //!< this worker
    std::unique_ptr<dl::Replica> m_replica;    //!< the model replica
    Ptr<SyncAlgorithm> m_sync;                 //!< the algorithm
    uint32_t m_round{0};                       //!< current round
    double m_loss{0.0};                        //!< this round's minibatch loss
    bool m_running{false};                     //!< between start and stop
    EventId m_event;                           //!< pending compute-done or next-round event

    TracedCallback<uint32_t, uint32_t> m_roundStartTrace;       //!< worker, round
    TracedCallback<uint32_t, uint32_t, double> m_roundEndTrace; //!< worker, round, loss
};

} // namespace ns3

#endif // LEARNING_WORKER_H
