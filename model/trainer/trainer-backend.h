/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_TRAINER_BACKEND_H
#define DL_TRAINER_BACKEND_H

#include "dataset.h"
#include "sequential-model.h"

#include <cstdint>
#include <memory>
#include <string>

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

    /** Initialise a parameter buffer from \p seed. */
    virtual void InitParams(float* params, uint64_t seed) = 0;

    /**
     * Gradient of the mean minibatch loss.
     * \param grad receives ParamCount() floats
     * \return the mean minibatch loss
     */
    virtual double LossAndGradient(const float* params, const float* x, const int32_t* y, int batch,
                                   float* grad)
        = 0;

    /** Loss and accuracy of \p params over \p data. */
    virtual EvalResult Evaluate(const float* params, const Dataset& data) = 0;
};

/**
 * \ingroup dl-trainer
 * The reference backend: SequentialModel on Eigen.
 */
class CpuBackend : public TrainerBackend
{
  public:
    /** \param model the model to run (owned) */
    explicit CpuBackend(std::unique_ptr<SequentialModel> model);

    std::string Name() const override;
    size_t ParamCount() const override;
    std::string Summary() const override;
    void InitParams(float* params, uint64_t seed) override;
    double LossAndGradient(const float* params, const float* x, const int32_t* y, int batch,
                           float* grad) override;
    EvalResult Evaluate(const float* params, const Dataset& data) override;

  private:
    std::unique_ptr<SequentialModel> m_model; //!< the model
};

/**
 * \ingroup dl-trainer
 * Make a backend by name ("cpu"; "cuda" when built with CUDA).
 * \throws DataError for an unknown or unavailable backend, naming the reason
 */
std::unique_ptr<TrainerBackend> MakeBackend(const std::string& name,
                                            std::unique_ptr<SequentialModel> model);

} // namespace dl

#endif // DL_TRAINER_BACKEND_H
