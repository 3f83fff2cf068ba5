/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef RESULTS_TABLE_H
#define RESULTS_TABLE_H

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup dl-job
 * One results row: the columns of the module documentation's "dl-train" section.
 */
struct ResultsRow
{
    double epoch;                 //!< epochs completed
    uint32_t round;               //!< rounds completed
    double simTime;               //!< simulated seconds when the last worker ended the round
    double simCompute;            //!< of which computing: mean over workers
    double simComm;               //!< the rest: communication and waiting
    double trainLoss;             //!< mean worker minibatch loss over the rounds since the last row
    double globalTrainLoss;       //!< averaged model: loss on the fixed training subset
    double replicaTrainLoss;      //!< mean over replicas of their loss on that subset
    double testLoss;              //!< averaged model: test loss
    double testAccuracy;          //!< averaged model: test accuracy
    double replicaTestAccuracy;   //!< mean over replicas of their own test accuracy
    uint32_t replicasEvaluated;   //!< replicas that mean is over (ReplicaSample)
    double replicaTestAccuracySe; //!< its standard error (0 when every replica counts)
    uint32_t liveWorkers;         //!< workers that ended the round (the others were down)
    double consensusDistance;     //!< mean_i ||x_i - mean(x)||^2
    double arrivalRate;           //!< units arrived / expected in those rounds' phases
    uint64_t packetsSent;         //!< model-block packets the workers sent up to their round end
    uint64_t packetsDropped;      //!< packets dropped in the network before simTime
    uint64_t packetsLate;         //!< packets received late or early, up to the round end
    double wallTime;              //!< wall-clock seconds since the monitor began watching
};

/**
 * \ingroup dl-job
 * The results table of one job: its rows, the label columns every row repeats (algorithm,
 * workers, loss rate, seed), and the CSV they make. What writes the rows, apart from what
 * measures them (RoundMonitor) and what evaluates the models (ModelEvaluator).
 */
class ResultsTable
{
  public:
    /**
     * The label columns that come from the job.
     * \param workers the job's worker count
     * \param seed the job's seed
     */
    void SetJobLabels(uint32_t workers, uint64_t seed);

    /**
     * The label columns that come from the installation.
     * \param algorithm the algorithm's name
     * \param lossRate the configured loss rate
     */
    void SetLabels(const std::string& algorithm, double lossRate);

    /** \return the algorithm label */
    const std::string& GetAlgorithm() const
    {
        return m_algorithm;
    }

    /** \param row a row to append */
    void Add(const ResultsRow& row);

    /** \return the rows so far */
    const std::vector<ResultsRow>& GetRows() const
    {
        return m_rows;
    }

    /**
     * \param i a row's index
     * \param dropped its packets_dropped value (known only at the end, in runs over ranks)
     */
    void SetPacketsDropped(size_t i, uint64_t dropped);

    /** \return the CSV header line (no newline) */
    static std::string Header();

    /** \return \p r as a CSV line with this table's labels (no newline) */
    std::string Line(const ResultsRow& r) const;

    /**
     * Write the table atomically: to "<path>.tmp", then rename over \p path (a special file
     * such as /dev/null or a FIFO is written directly).
     * \return false (with errno set) if the file could not be written; nothing is left behind
     */
    bool Write(const std::string& path) const;

  private:
    std::string m_algorithm;        //!< label column
    uint32_t m_workers{0};          //!< label column
    double m_lossRate{0.0};         //!< label column
    uint64_t m_seed{0};             //!< label column
    std::vector<ResultsRow> m_rows; //!< the table
};

} // namespace ns3

#endif // RESULTS_TABLE_H
