/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef LEARNING_WORKER_H
#define LEARNING_WORKER_H

#include "ns3/block-transport.h"
#include "ns3/stream-transport.h"
#include "ns3/sync-algorithm.h"
#include "training-job.h"

#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <memory>
#include <vector>

namespace ns3
{

/**
 * \ingroup dl-job
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
     * TracedCallback signature for a crash or a rejoin.
     * \param worker the worker's index
     * \param round crash: the first round it misses; rejoin: the round it starts with
     */
    typedef void (*MembershipTracedCallback)(uint32_t worker, uint32_t round);

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

    /**
     * The worker's machine crashes: its round stops where it is (a local step in progress is
     * lost), the algorithm forgets the round, and every IPv4 interface of its node goes down,
     * so it neither sends nor receives (packets for it are dropped by its IPv4 layer and counted
     * by the job's drop counter). Fires Crash.
     */
    void Crash();

    /**
     * The crashed worker's machine is back: its interfaces come up and it waits, listening on
     * RecoveryPort, for a model copy from \p donor (whose ServeRejoin must be called at the same
     * time, on the donor's rank). When the copy has arrived it takes the donor's parameters
     * (model state included; momentum restarts from zero) and round, and goes on from there.
     * Fires Rejoin. The algorithm must support it (SyncAlgorithm::Resume).
     * \param donor the worker that sends the copy
     */
    void BeginRejoin(uint32_t donor);

    /**
     * Send a model copy to the restarting worker \p peer over TCP (RecoveryPort), at this
     * worker's next round boundary (at once if its rounds are over): its parameters and the
     * round it is about to start.
     */
    void ServeRejoin(uint32_t peer);

    /** \return true while the worker is crashed (from Crash until its copy arrives) */
    bool IsDown() const
    {
        return m_down;
    }

    /** \return packets (or TCP segments) this worker sent: its algorithm's and its recovery's */
    uint64_t GetPacketsSent() const;

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
    /// The recovery transport (made at first use).
    Ptr<StreamTransport> Recovery();
    /// Send a model copy to every worker waiting for one from this worker.
    void ServeWaiting();
    /// The model copy a rejoin waits for has arrived.
    void FinishRejoin(const ModelBlockHeader& header, const float* data);
    /// Bring every non-loopback IPv4 interface of the node up or down.
    void SetInterfacesUp(bool up);

    Time m_computeTime;                               //!< FIXED: simulated time per step
    ComputeTimeMode m_computeMode;                    //!< how compute time is chosen
    Ptr<RandomVariableStream> m_computeJitter;        //!< extra time per step (null: none)
    double m_wallTimeFactor;                          //!< MEASURED: simulated = wall * factor
    Time m_computeTotal;                              //!< simulated compute time so far
    Ptr<TrainingJob> m_job;                           //!< the experiment
    uint32_t m_index{0};                              //!< this worker
    std::unique_ptr<dl::Replica> m_replica;           //!< the model replica
    Ptr<SyncAlgorithm> m_sync;                        //!< the algorithm
    uint32_t m_round{0};                              //!< current round
    double m_loss{0.0};                               //!< this round's minibatch loss
    bool m_running{false};                            //!< between start and stop
    EventId m_event;                                  //!< pending compute-done or next-round event
    uint16_t m_recoveryPort{0};                       //!< TCP port of model copies for rejoins
    Ptr<StreamTransport> m_recovery;                  //!< their transport (null until needed)
    std::vector<uint32_t> m_serveTo;                  //!< workers waiting for a copy from this one
    bool m_down{false};                               //!< crashed, not yet rejoined
    TracedCallback<uint32_t, uint32_t> m_crashTrace;  //!< worker, first round missed
    TracedCallback<uint32_t, uint32_t> m_rejoinTrace; //!< worker, round it starts with

    TracedCallback<uint32_t, uint32_t> m_roundStartTrace;       //!< worker, round
    TracedCallback<uint32_t, uint32_t, double> m_roundEndTrace; //!< worker, round, loss
};

} // namespace ns3

#endif // LEARNING_WORKER_H
