/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_REPLICA_H
#define DL_REPLICA_H

#include "batch-sampler.h"
#include "random-crop-flip.h"
#include "trainer-backend.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace dl
{

/**
 * \ingroup dl-trainer
 * One worker's model replica: its flat parameter buffer, gradient buffer, optimiser state and
 * minibatch stream over its shard. Blocks and packets are (offset, count) slices of Params().
 */
class Replica
{
  public:
    /**
     * \param backend the compute backend (shared by all replicas; not owned)
     * \param data the dataset the shard indexes (not owned)
     * \param shard this worker's sample indices
     * \param initSeed parameter initialisation seed (equal for all workers: they start equal)
     * \param sampleSeed minibatch shuffling seed (distinct per worker)
     * \param momentum SGD momentum
     * \param weightDecay SGD weight decay
     * \param dropRemainder never step on a short minibatch (BatchSampler)
     * \param augment crop and flip every training picture (RandomCropFlip), seeded from
     *        \p sampleSeed
     */
    Replica(TrainerBackend& backend, const Dataset& data, Shard shard, uint64_t initSeed,
            uint64_t sampleSeed, float momentum, float weightDecay, bool dropRemainder = false,
            bool augment = false);

    /**
     * Draw the next minibatch and compute its gradient into Gradient().
     * \return the mean minibatch loss
     */
    double ComputeGradient(int batchSize);

    /**
     * Apply an SGD step with Gradient() (the local one, or an average written into it). With
     * SetStateInGradient, the model state is first taken from the gradient's state slots.
     */
    void ApplyGradient(float lr);

    /**
     * Let the gradient carry the model state (batch-norm running statistics), so algorithms
     * that exchange gradients average it too: ComputeGradient writes this replica's state
     * into the gradient's state slots (where the true gradient is 0), and ApplyGradient
     * adopts whatever those slots hold then: the average of the copies that were exchanged,
     * or this replica's own. Off, each replica keeps its own state. A model without state is
     * unaffected either way.
     */
    void SetStateInGradient(bool on)
    {
        m_stateInGradient = on;
    }

    /**
     * The local step x <- x - lr * m: ComputeGradient then ApplyGradient, with the gradient in
     * the backend's lane scratch (Gradient() is neither used nor changed).
     */
    double LocalStep(int batchSize, float lr);

    /** \return the parameters, in the backend's memory */
    FlatVector& Params()
    {
        return *m_params;
    }

    /** \return the parameters, in the backend's memory */
    const FlatVector& Params() const
    {
        return *m_params;
    }

    /**
     * \return the last computed (or exchanged) gradient, in the backend's memory (made at the
     *         first use: algorithms that only take local steps never need one)
     */
    FlatVector& Gradient();

    /**
     * Take another replica's parameters (model state included), as a restarted worker does:
     * the momentum restarts from zero, the minibatch stream goes on where it was.
     * \param params ParamCount() floats, host memory
     */
    void Restore(const float* params);
    /** \return the number of samples in this replica's shard */
    size_t ShardSize() const
    {
        return m_sampler.ShardSize();
    }

  private:
    /// Draw the next minibatch; its gradient into \p grad. \return the mean minibatch loss
    double GradientInto(FlatVector& grad, int batchSize);
    /// An SGD step with \p grad.
    void StepWith(const FlatVector& grad, float lr);
    /// Copy the model-state ranges of \p from into \p to.
    void CopyState(const FlatVector& from, FlatVector& to);

    TrainerBackend& m_backend;               //!< compute
    std::unique_ptr<FlatVector> m_params;    //!< flat parameters
    std::unique_ptr<FlatVector> m_grad;      //!< flat gradient (made at first use)
    std::unique_ptr<FlatVector> m_velocity;  //!< SGD momentum
    float m_momentum;                        //!< heavy-ball coefficient
    float m_weightDecay;                     //!< L2 coefficient
    BatchSampler m_sampler;                  //!< minibatch stream
    std::optional<RandomCropFlip> m_augment; //!< set when training pictures are augmented
    bool m_stateInGradient{false};           //!< the gradient carries the model state
    FloatBuffer m_stateScratch;              //!< one state range on its way between vectors
    FloatBuffer m_x;                         //!< minibatch inputs (host)
    std::vector<int32_t> m_y;                //!< minibatch labels (host)
};

} // namespace dl

#endif // DL_REPLICA_H
