/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "model-evaluator.h"

#include "ns3/abort.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <future>

namespace ns3
{

ModelEvaluator::ModelEvaluator(Ptr<TrainingJob> job)
    : m_job(job)
{
    NS_ABORT_MSG_UNLESS(job, "ModelEvaluator: no job");
}

void
ModelEvaluator::SetReplicaSample(uint32_t replicas)
{
    m_replicaSample = replicas;
}

void
ModelEvaluator::SetDivergenceLimits(double maxLoss, double maxConsensus)
{
    m_maxLoss = maxLoss;
    m_maxConsensus = maxConsensus;
}

void
ModelEvaluator::EvaluateModels(const std::vector<const float*>& models,
                               std::vector<dl::EvalResult>& onTest,
                               std::vector<dl::EvalResult>& onTrain) const
{
    dl::TrainerBackend& backend = m_job->GetBackend();
    const size_t count = backend.ParamCount();
    // Models equal to the bit (the replicas of every exact algorithm, and of any without loss)
    // give equal results: each distinct one is evaluated once.
    std::vector<size_t> first(models.size());
    for (size_t j = 0; j < models.size(); ++j)
    {
        first[j] = j;
        for (size_t i = 0; i < j && first[j] == j; ++i)
        {
            if (first[i] == i && std::memcmp(models[i], models[j], count * sizeof(float)) == 0)
            {
                first[j] = i;
            }
        }
    }
    // The evaluations are independent, so they run on the job's threads; results are gathered
    // by index, the same whatever thread ran which.
    onTest.assign(models.size(), dl::EvalResult{});
    onTrain.assign(models.size(), dl::EvalResult{});
    std::vector<std::future<void>> done;
    for (size_t j = 0; j < models.size(); ++j)
    {
        if (first[j] != j)
        {
            continue;
        }
        done.push_back(m_job->GetThreadPool().Submit(
            [&, j] { onTest[j] = backend.Evaluate(models[j], m_job->GetTestSet()); }));
        done.push_back(m_job->GetThreadPool().Submit(
            [&, j] { onTrain[j] = backend.Evaluate(models[j], m_job->GetTrainEvalSet()); }));
    }
    for (std::future<void>& d : done)
    {
        d.wait(); // every task reads the caller's vectors: none may still run if one threw
    }
    for (std::future<void>& d : done)
    {
        d.get();
    }
    for (size_t j = 0; j < models.size(); ++j)
    {
        onTest[j] = onTest[first[j]];
        onTrain[j] = onTrain[first[j]];
    }
}

void
ModelEvaluator::EvaluateRow(ResultsRow& r, const std::vector<const float*>& replicas,
                            const float* mean) const
{
    // Each replica costs a pass over the test set and the training subset: at hundreds of
    // workers a row would cost more than the rounds between rows. A fixed, evenly spaced
    // sample estimates the replicas' mean, with its standard error (finite population).
    const size_t n = replicas.size();
    const size_t k = m_replicaSample == 0 ? n : std::min<size_t>(n, m_replicaSample);
    // Evaluation j: the averaged model (j = 0) or sampled replica j - 1, on the test set and on
    // the training subset.
    std::vector<const float*> evaluated{mean};
    for (size_t j = 0; j < k; ++j)
    {
        evaluated.push_back(replicas[j * n / k]);
    }
    std::vector<dl::EvalResult> onTest;
    std::vector<dl::EvalResult> onTrain;
    EvaluateModels(evaluated, onTest, onTrain);
    r.testLoss = onTest[0].loss;
    r.testAccuracy = onTest[0].accuracy;
    r.globalTrainLoss = onTrain[0].loss;
    std::vector<double> accuracies;
    double accuracySum = 0.0;
    double trainLossSum = 0.0;
    for (size_t j = 1; j <= k; ++j)
    {
        accuracies.push_back(onTest[j].accuracy);
        accuracySum += onTest[j].accuracy;
        trainLossSum += onTrain[j].loss;
    }
    r.replicaTestAccuracy = accuracySum / double(k);
    r.replicaTrainLoss = trainLossSum / double(k);
    r.replicasEvaluated = uint32_t(k);
    r.replicaTestAccuracySe = 0.0;
    if (k < n && k > 1)
    {
        double ss = 0.0;
        for (double a : accuracies)
        {
            ss += (a - r.replicaTestAccuracy) * (a - r.replicaTestAccuracy);
        }
        const double var = ss / double(k - 1);
        r.replicaTestAccuracySe = std::sqrt(var / double(k) * (1.0 - double(k) / double(n)));
    }
}

std::string
ModelEvaluator::DivergenceOf(const ResultsRow& r) const
{
    // Divergence is reported, never written as numbers: non-finite values, and finite ones no
    // converging run reaches (a cross-entropy of 1e6 needs logits of that size).
    const auto absurd = [](double v, double limit) { return !std::isfinite(v) || v > limit; };
    if (!absurd(r.trainLoss, m_maxLoss) && !absurd(r.testLoss, m_maxLoss)
        && !absurd(r.globalTrainLoss, m_maxLoss) && !absurd(r.replicaTrainLoss, m_maxLoss)
        && !absurd(r.consensusDistance, m_maxConsensus))
    {
        return "";
    }
    char what[384];
    std::snprintf(what, sizeof(what),
                  "training diverged: after round %u train loss %g, test loss %g, global "
                  "train loss %g, replica train loss %g, consensus distance %g (limits: "
                  "loss %g, consensus %g)",
                  r.round, r.trainLoss, r.testLoss, r.globalTrainLoss, r.replicaTrainLoss,
                  r.consensusDistance, m_maxLoss, m_maxConsensus);
    return what;
}

} // namespace ns3
