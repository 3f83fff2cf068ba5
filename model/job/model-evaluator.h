/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MODEL_EVALUATOR_H
#define MODEL_EVALUATOR_H

#include "results-table.h"
#include "training-job.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup dl-job
 * What evaluates the models of a results row: the averaged model and a sample of the
 * replicas, on the job's test set and its fixed training subset, each distinct model once and
 * on the job's threads (results gathered by index, so the same for any thread count); and
 * whether a row shows a diverged run. RoundMonitor gives it the replicas of an evaluation
 * round; it knows nothing of rounds, ranks or the network.
 */
class ModelEvaluator
{
  public:
    /** \param job the job whose backend, data and threads evaluate */
    explicit ModelEvaluator(Ptr<TrainingJob> job);

    /**
     * \param replicas replicas a row evaluates: all if there are at most this many (0: always
     *        all), else this many, evenly spaced by index
     */
    void SetReplicaSample(uint32_t replicas);

    /**
     * \param maxLoss a loss above this (or not finite) is divergence
     * \param maxConsensus a consensus distance above this (or not finite) is divergence
     */
    void SetDivergenceLimits(double maxLoss, double maxConsensus);

    /**
     * Fill \p r's evaluated columns: test loss and accuracy and training-subset loss of the
     * averaged model \p mean, and the replicas' mean test accuracy, training loss, the sample
     * size and its standard error (finite population).
     * \param r the row
     * \param replicas every live replica's parameters
     * \param mean their average
     */
    void EvaluateRow(ResultsRow& r, const std::vector<const float*>& replicas,
                     const float* mean) const;

    /**
     * Evaluate each model on the test set and on the training subset, each distinct one once.
     * \param models the parameter vectors
     * \param onTest their results on the test set, by index
     * \param onTrain their results on the training subset, by index
     */
    void EvaluateModels(const std::vector<const float*>& models,
                        std::vector<dl::EvalResult>& onTest,
                        std::vector<dl::EvalResult>& onTrain) const;

    /** \return why \p r shows a diverged run (non-finite or absurd values), or empty */
    std::string DivergenceOf(const ResultsRow& r) const;

  private:
    Ptr<TrainingJob> m_job;       //!< backend, data, threads
    uint32_t m_replicaSample{16}; //!< replicas a row evaluates (0: all)
    double m_maxLoss{1e6};        //!< divergence: largest credible loss
    double m_maxConsensus{1e12};  //!< divergence: largest credible consensus distance
};

} // namespace ns3

#endif // MODEL_EVALUATOR_H
