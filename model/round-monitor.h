/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef ROUND_MONITOR_H
#define ROUND_MONITOR_H

#include "learning-worker.h"
#include "training-job.h"

#include "ns3/event-id.h"
#include "ns3/net-device-container.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/packet.h"
#include "ns3/queue-item.h"

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup distributed-learning
 * Watches an experiment through trace sinks only (nothing inside the workers) and produces the
 * results table of dl-train: one row per evaluation point, in the column spelling of
 * DESIGN.md. At an evaluation round every worker's replica is snapshotted as it ends that
 * round; when the last worker has ended it, the averaged model and each replica are evaluated
 * on the test set. A non-finite loss or parameter stops the simulation and is reported as a
 * divergence instead of being written out as numbers.
 */
class RoundMonitor : public Object
{
  public:
    /** One results row. */
    struct Row
    {
        double epoch;                 //!< epochs completed
        uint32_t round;               //!< rounds completed
        double simTime;               //!< simulated seconds when the last worker ended the round
        double simCompute;            //!< of which computing: mean over workers
        double simComm;               //!< the rest: communication and waiting
        double trainLoss;             //!< mean worker minibatch loss since the last row
        double globalTrainLoss;       //!< averaged model: loss on the fixed training subset
        double replicaTrainLoss;      //!< mean over replicas of their loss on that subset
        double testLoss;              //!< averaged model: test loss
        double testAccuracy;          //!< averaged model: test accuracy
        double replicaTestAccuracy;   //!< mean over replicas of their own test accuracy
        uint32_t replicasEvaluated;   //!< replicas that mean is over (ReplicaSample)
        double replicaTestAccuracySe; //!< its standard error (0 when every replica counts)
        double consensusDistance;     //!< mean_i ||x_i - mean(x)||^2
        double arrivalRate;           //!< units arrived / expected since the last row
        uint64_t packetsSent;         //!< model-block packets sent so far
        uint64_t packetsDropped;      //!< packets dropped in the network so far
        uint64_t packetsLate;         //!< packets received after their phase ended, so far
        double wallTime;              //!< wall-clock seconds since Watch()
    };

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
     * Count the job's packets dropped on these devices: by a receive error model (PhyRxDrop),
     * a full device queue (TxQueue) or a full root queue disc. Any device type; a device
     * without those traces counts nothing. Other traffic's drops, and other jobs', are told
     * apart by the JobTag and never counted. Call after Watch.
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
        return m_rows;
    }

    /** \return true if a non-finite loss or parameter was seen */
    bool HasDiverged() const
    {
        return !m_divergence.empty();
    }

    /** \return a one-line description of the divergence, empty if none */
    const std::string& GetDivergence() const
    {
        return m_divergence;
    }

    /** \return the job's packets dropped on the watched devices so far */
    uint64_t GetPacketsDropped() const
    {
        return m_dropped;
    }

    /** \return why the run stopped before its last round (the Deadline), empty if it did not */
    const std::string& GetIncomplete() const
    {
        return m_incomplete;
    }

    /** \return rounds fully completed (by every worker) */
    uint32_t GetRoundsCompleted() const
    {
        return m_roundsCompleted;
    }

    /** \return the CSV header line (no newline) */
    static std::string CsvHeader();

    /** \return row \p r as a CSV line (no newline) */
    std::string CsvLine(const Row& r) const;

    /**
     * Write the table atomically: to "<path>.tmp", then rename over \p path (a special file
     * such as /dev/null or a FIFO is written directly).
     * \return false (with errno set) if the file could not be written
     */
    bool WriteCsv(const std::string& path) const;

  protected:
    void DoDispose() override;

  private:
    void OnRoundEnd(uint32_t worker, uint32_t round, double loss);
    void OnPhaseEnd(uint32_t round, uint8_t phase, uint32_t expected, uint32_t arrived,
                    bool timedOut);
    void OnDrop(Ptr<const Packet> packet);
    void OnQueueDiscDrop(Ptr<const QueueDiscItem> item);
    bool IsEvalRound(uint32_t round) const;
    void EmitRow(uint32_t round);
    void Diverge(const std::string& what);
    /// Schedule the deadline check (at the simulation's start: Deadline may be set late).
    void ArmDeadline();
    void OnDeadline();

    uint32_t m_evalEvery;                       //!< rounds between rows (0: once per epoch)
    uint32_t m_replicaSample;                   //!< replicas a row evaluates (0: all)
    bool m_progress;                            //!< print a progress line per row on stderr
    bool m_stopWhenDone;                        //!< Simulator::Stop after the last round
    Time m_deadline;                            //!< the last round must end by then
    EventId m_deadlineEvent;                    //!< the deadline check
    std::string m_incomplete;                   //!< why the run is incomplete, if it is
    double m_maxLoss;                           //!< divergence: largest credible loss
    double m_maxConsensus;                      //!< divergence: largest credible consensus
    Ptr<TrainingJob> m_job;                     //!< the experiment
    std::vector<Ptr<LearningWorker>> m_workers; //!< the workers
    std::string m_algorithm;                    //!< label column
    double m_lossRate{0.0};                     //!< label column
    uint64_t m_seed{0};                         //!< label column
    std::map<uint32_t, std::vector<dl::FloatBuffer>> m_snapshots; //!< eval round -> replicas
    std::map<uint32_t, double> m_computeAt;     //!< eval round -> workers' compute seconds, summed
    std::map<uint32_t, uint32_t> m_workersDone; //!< round -> workers that ended it
    double m_lossSum{0.0};                      //!< minibatch losses since the last row
    uint64_t m_lossCount{0};                    //!< their number
    uint64_t m_unitsExpected{0};                //!< units expected since the last row
    uint64_t m_unitsArrived{0};                 //!< units arrived since the last row
    uint64_t m_dropped{0};                      //!< network drops so far
    uint32_t m_roundsCompleted{0};              //!< rounds ended by every worker
    std::vector<Row> m_rows;                    //!< the table
    std::string m_divergence;                   //!< why the run diverged, if it did
    std::chrono::steady_clock::time_point m_wallStart; //!< Watch() time
};

} // namespace ns3

#endif // ROUND_MONITOR_H
