/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_TRAINER_BACKEND_H
#define DL_TRAINER_BACKEND_H

#include "dataset.h"
#include "flat-vector.h"
#include "sequential-model.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dl
{

/**
 * \ingroup dl-trainer
 * The compute seam: everything device-specific a replica needs. The CPU (Eigen) backend is
 * the reference; faster backends are checked against it on the same inputs.
 */
class TrainerBackend
{
  public:
    virtual ~TrainerBackend() = default;

    /** \return "cpu", "cuda", ... */
    virtual std::string Name() const = 0;

    /** \return the number of parameters of the model */
    virtual size_t ParamCount() const = 0;

    /** \return a human-readable layer summary */
    virtual std::string Summary() const = 0;

    /** \return a zero-filled vector of \p size floats in this backend's memory */
    virtual std::unique_ptr<FlatVector> NewVector(size_t size) const = 0;

    /** Initialise \p params from \p seed (the same values on every backend). */
    virtual void InitParams(FlatVector& params, uint64_t seed) = 0;

    /**
     * Gradient of the mean minibatch loss.
     * \param params ParamCount() parameters (this backend's memory)
     * \param x host inputs [batch x input size]
     * \param y host labels
     * \param batch number of samples
     * \param grad receives ParamCount() floats (this backend's memory)
     * \return the mean minibatch loss
     */
    virtual double LossAndGradient(FlatVector& params, const float* x, const int32_t* y, int batch,
                                   FlatVector& grad)
        = 0;

    /**
     * \return the [begin, end) ranges of the parameter vector that are model state (batch-norm
     *         running statistics): not trained, never decayed (SequentialModel::StateRanges)
     */
    virtual const std::vector<std::pair<size_t, size_t>>& StateRanges() const = 0;

    /** One SGD step (SgdOptimizer's rule) on this backend's vectors; skips the model state. */
    virtual void SgdStep(FlatVector& params, FlatVector& velocity, const FlatVector& grad, float lr,
                         float momentum, float weightDecay)
        = 0;

    /** Loss and accuracy over \p data of the host parameter array \p params (a measurement). */
    virtual EvalResult Evaluate(const float* params, const Dataset& data) = 0;

    /**
     * Prepare for up to \p lanes threads at once, each calling on its own lane
     * (ThreadPool::CurrentLane()).
     * \return the lanes the backend will serve: \p lanes, or 1 if it is not thread-safe (the
     *         caller then runs everything on one thread)
     */
    unsigned SetLanes(unsigned lanes);

    /**
     * \return a ParamCount()-float vector of the calling thread's lane, for a gradient that is
     *         used at once (a local SGD step): replicas that never exchange gradients need no
     *         gradient vector of their own
     */
    FlatVector& LaneGradient();

  protected:
    /** \return the lanes served, given \p lanes wanted (default: one; the backend is not
     *          thread-safe) */
    virtual unsigned DoSetLanes(unsigned lanes)
    {
        (void)lanes;
        return 1;
    }

  private:
    std::vector<std::unique_ptr<FlatVector>> m_laneGradients{1}; //!< per lane, made at first use
};

/**
 * \ingroup dl-trainer
 * The reference backend: SequentialModel on Eigen, vectors in host memory.
 */
class CpuBackend : public TrainerBackend
{
  public:
    /** \param model the model to run (owned) */
    explicit CpuBackend(std::unique_ptr<SequentialModel> model);

    std::string Name() const override;
    size_t ParamCount() const override;
    std::string Summary() const override;
    std::unique_ptr<FlatVector> NewVector(size_t size) const override;
    const std::vector<std::pair<size_t, size_t>>& StateRanges() const override;
    void InitParams(FlatVector& params, uint64_t seed) override;
    double LossAndGradient(FlatVector& params, const float* x, const int32_t* y, int batch,
                           FlatVector& grad) override;
    void SgdStep(FlatVector& params, FlatVector& velocity, const FlatVector& grad, float lr,
                 float momentum, float weightDecay) override;
    EvalResult Evaluate(const float* params, const Dataset& data) override;

  protected:
    unsigned DoSetLanes(unsigned lanes) override;

  private:
    /// \return the model (scratch) of the calling thread's lane
    SequentialModel& Model();

    /// One model per lane: the same layers, each with its own activation scratch.
    std::vector<std::unique_ptr<SequentialModel>> m_models;
};

} // namespace dl

#endif // DL_TRAINER_BACKEND_H
