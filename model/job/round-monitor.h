/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef ROUND_MONITOR_H
#define ROUND_MONITOR_H

#include "job-drop-counter.h"
#include "job-stopper.h"
#include "learning-worker.h"
#include "results-table.h"
#include "training-job.h"

#include "ns3/event-id.h"
#include "ns3/net-device-container.h"
#include "ns3/nstime.h"
#include "ns3/object.h"

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup dl-job
 * Watches an experiment through trace sinks only (nothing inside the workers) and produces the
 * results table of dl-train: one row per evaluation point, with the columns of the module
 * documentation's "dl-train" section (doc/job.rst). At an evaluation round every
 * worker's replica is snapshotted as it ends that round; when the last worker has ended it, the
 * averaged model and each replica are evaluated on the test set. A non-finite loss or parameter
 * stops the simulation and is reported as a divergence instead of being written out as numbers.
 *
 * Every value of a row is defined by rounds, not by the order of events that share an instant
 * (the losses and phase arrivals of the rounds since the last row, summed in worker order; each
 * worker's packet counters as it ended the round; drops strictly before the row's time), so a
 * run split over ranks (RankExchange; workers on other ranks are null in the vector given to
 * Watch) gives the same rows as the sequential run: each rank sends its workers' ends of each
 * round to rank 0, which evaluates. Call Finish after Simulator::Run on every rank.
 */
class RoundMonitor : public Object
{
  public:
    /** One results row (ResultsTable's). */
    using Row = ResultsRow;

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    RoundMonitor();
    ~RoundMonitor() override;

    /**
     * Connect to every worker's traces. The workers and seed columns come from here.
     * \param job the experiment
     * \param workers the workers, index i at position i
     */
    void Watch(Ptr<TrainingJob> job, const std::vector<Ptr<LearningWorker>>& workers);

    /**
     * Count the job's packets lost on these devices and their nodes' traffic-control layers,
     * once each, where they were lost (JobDropCounter: error models, device queues, queue discs,
     * stopped device queues; on CSMA only at the NIC a frame was addressed to). Other traffic's
     * drops, and other jobs', are told apart by the JobTag and never counted. Call after Watch.
     */
    void WatchDevices(const NetDeviceContainer& devices);

    /**
     * Values of the algorithm and loss_rate columns (DistributedLearningHelper::CreateMonitor
     * sets them from its algorithm and the loss helper).
     */
    void SetLabels(const std::string& algorithm, double lossRate);

    /** \return the rows so far */
    const std::vector<Row>& GetRows() const
    {
        return m_table.GetRows();
    }

    /** \return the results table (its rows, labels and CSV) */
    const ResultsTable& GetTable() const
    {
        return m_table;
    }

    /** \return the counter behind packets_dropped (its Drop trace says where each was lost) */
    Ptr<JobDropCounter> GetDropCounter() const
    {
        return m_drops;
    }

    /** \return true if a non-finite loss or parameter was seen */
    bool HasDiverged() const
    {
        return !m_stopper.GetDivergence().empty();
    }

    /** \return a one-line description of the divergence, empty if none */
    const std::string& GetDivergence() const
    {
        return m_stopper.GetDivergence();
    }

    /** \return the job's packets dropped on the watched devices so far (every rank's, after
     *  Finish) */
    uint64_t GetPacketsDropped() const
    {
        return m_drops->GetDropped() + m_droppedElsewhere;
    }

    /** \return why the run stopped before its last round (the Deadline, or events that ran out
     *  before it: after Finish), empty if it did not */
    const std::string& GetIncomplete() const
    {
        return m_stopper.GetIncomplete();
    }

    /** \return rounds fully completed (by every worker) */
    uint32_t GetRoundsCompleted() const
    {
        return m_roundsCompleted;
    }

    /**
     * Write the table (ResultsTable::Write: atomically, or directly to a special file).
     * \return false (with errno set) if the file could not be written
     */
    bool WriteCsv(const std::string& path) const
    {
        return m_table.Write(path);
    }

    /**
     * Complete the table once Simulator::Run has returned: in a run over several ranks
     * (RankExchange), a collective call on every rank: rank 0 gathers the rounds it has not yet
     * received, the packets dropped on every rank, and every rank learns the outcome
     * (HasDiverged, GetIncomplete, GetRoundsCompleted). Only rank 0 has rows. In any run, a
     * job that did not complete its last round (the events ran out, e.g. a crashed worker's
     * collective stalled, or a Stop came first) is reported by GetIncomplete.
     */
    void Finish();

  protected:
    void DoDispose() override;

  private:
    /// One worker's end of one round, as the rows need it.
    struct WorkerEnd
    {
        double loss{0.0};       //!< its minibatch loss
        int64_t endTime{0};     //!< simulated time it ended the round (time steps)
        double compute{0.0};    //!< its simulated compute seconds so far (evaluation rounds)
        uint64_t sent{0};       //!< model-block packets it had sent (evaluation rounds)
        uint64_t late{0};       //!< packets it had received late or early (evaluation rounds)
        bool ended{false};      //!< it ended the round (else it was down)
        dl::FloatBuffer params; //!< its replica (evaluation rounds)
    };

    /// One round, as far as this rank knows it: its own workers, and at rank 0 the others'.
    struct RoundRecord
    {
        std::vector<WorkerEnd> ends; //!< by worker index (the ones this rank has)
        uint32_t localDone{0};       //!< this rank's workers that ended the round
        uint32_t parts{0};           //!< ranks whose workers are all in (complete at GetSize)
        uint64_t unitsExpected{0};   //!< units the round's phases expected
        uint64_t unitsArrived{0};    //!< of which arrived
    };

    void OnRoundEnd(uint32_t worker, uint32_t round, double loss);
    void OnCrash(uint32_t worker, uint32_t round);
    void OnRejoin(uint32_t worker, uint32_t round);
    /// \return this rank's workers that are down for all of \p round
    uint32_t AbsentIn(uint32_t round) const;
    /// Hand on, in order, every round each of this rank's workers has ended or missed.
    void ShipCompleteRounds();
    /// A worker (the trace context) could not send: fatal before the first round has ended.
    void OnSendError(std::string worker, uint32_t peer, Socket::SocketErrno error);
    /// \return true if no packet reached any of this rank's workers' block transports
    bool NothingReceived() const;
    void OnPhaseEnd(uint32_t round, uint8_t phase, uint32_t expected, uint32_t arrived,
                    bool timedOut);
    bool IsEvalRound(uint32_t round) const;
    /// This rank's workers have all ended \p round: hand its part to rank 0 (or keep it there).
    void ShipRound(uint32_t round);
    /// Add a part received from another rank.
    void MergePart(uint32_t from, std::vector<uint8_t> bytes);
    /// Emit the rows of the rounds every rank has completed, in order.
    void CompleteRounds();
    void EmitRow(uint32_t round, RoundRecord& record);
    /// Distributed runs: read the other ranks' messages, stop when the outcome is known.
    void Poll();
    /// StopWhenDone and Deadline live in the stopper: their attribute accessors.
    void SetStopWhenDone(bool stop)
    {
        m_stopper.SetStopWhenDone(stop);
    }

    bool GetStopWhenDone() const
    {
        return m_stopper.GetStopWhenDone();
    }

    void SetDeadline(Time deadline)
    {
        m_stopper.SetDeadline(deadline);
    }

    Time GetDeadline() const
    {
        return m_stopper.GetDeadline();
    }

    /// At the Deadline: \return why the run is late (rounds left, workers down), or empty
    std::string Overdue() const;
    /// \return "; stalled: worker W crashed at T s and is still down, ..." per worker down
    std::string Stalled() const;
    /// Finish's collective part over ranks.
    void GatherRanks();

    uint32_t m_evalEvery;                       //!< rounds between rows (0: once per epoch)
    uint32_t m_replicaSample;                   //!< replicas a row evaluates (0: all)
    bool m_progress;                            //!< print a progress line per row on stderr
    Time m_pollInterval;                        //!< distributed runs: between message checks
    EventId m_pollEvent;                        //!< the next message check
    double m_maxLoss;                           //!< divergence: largest credible loss
    double m_maxConsensus;                      //!< divergence: largest credible consensus
    Ptr<TrainingJob> m_job;                     //!< the experiment
    std::vector<Ptr<LearningWorker>> m_workers; //!< the workers (null: on another rank)
    uint32_t m_localWorkers{0};                 //!< the non-null ones
    std::map<uint32_t, RoundRecord> m_rounds;   //!< rounds not yet complete everywhere
    uint32_t m_localRoundsCompleted{0};         //!< rounds ended by every worker of this rank
    std::vector<uint32_t> m_partsReceived;      //!< rank 0: rounds received from each rank
    double m_lossSum{0.0};                      //!< minibatch losses since the last row
    uint64_t m_lossCount{0};                    //!< their number
    uint64_t m_unitsExpected{0};                //!< units expected since the last row
    uint64_t m_unitsArrived{0};                 //!< units arrived since the last row
    Ptr<JobDropCounter> m_drops{CreateObject<JobDropCounter>()}; //!< this rank's drops
    uint64_t m_droppedElsewhere{0};  //!< the other ranks' drops (known after Finish)
    std::vector<int64_t> m_rowTimes; //!< each row's end time (time steps)
    ResultsTable m_table;            //!< the rows, their labels, the CSV
    JobStopper m_stopper;            //!< when the simulation stops, and why a run is short
    uint32_t m_roundsCompleted{0};   //!< rounds ended by every worker

    /// A crashed worker's rounds: it misses [from, until) (until is known when it rejoins).
    struct Absence
    {
        uint32_t worker;            //!< the worker
        uint32_t from;              //!< the first round it misses
        uint32_t until{UINT32_MAX}; //!< the round it rejoined with
        double crashTime;           //!< when it crashed (simulated seconds)
    };
    std::vector<Absence> m_absences;                   //!< this rank's workers' crashes
    std::chrono::steady_clock::time_point m_wallStart; //!< Watch() time
};

} // namespace ns3

#endif // ROUND_MONITOR_H
