/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_SEQUENTIAL_MODEL_H
#define DL_SEQUENTIAL_MODEL_H

#include "dataset.h"
#include "layer.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace dl
{

/** Loss and accuracy over a dataset. */
struct EvalResult
{
    double loss{0.0};     //!< mean cross-entropy
    double accuracy{0.0}; //!< fraction of correct arg-max predictions
};

/**
 * \ingroup dl-trainer
 * A stack of layers ending in logits, trained with softmax cross-entropy. All parameters of a
 * replica live in one flat float buffer of ParamCount() floats; layer l reads the slice
 * [LayerOffset(l), LayerOffset(l) + its ParamCount()). The model holds only activation
 * scratch, so one instance serves every replica (calls must not interleave).
 */
class SequentialModel
{
  public:
    /** \param input the shape of one input sample */
    explicit SequentialModel(Shape input);

    /** Append a layer; its input shape must be the current output shape. */
    void Add(std::unique_ptr<Layer> layer);

    /**
     * \return the same layers with their own activation scratch, for another thread (calls
     *         on one model must not interleave; two models may run at once)
     */
    std::unique_ptr<SequentialModel> Clone() const;

    /** \return the total number of parameters */
    size_t ParamCount() const
    {
        return m_paramCount;
    }

    /** \return the input sample shape */
    Shape InputShape() const
    {
        return m_input;
    }

    /** \return the output shape of the last layer (the logits) */
    Shape OutputShape() const;

    /** \return the layers */
    const std::vector<std::unique_ptr<Layer>>& Layers() const
    {
        return m_layers;
    }

    /** \return the offset of layer \p l's parameters in the flat buffer */
    size_t LayerOffset(size_t l) const
    {
        return m_offsets[l];
    }

    /** \return one line per layer, with parameter counts */
    std::string Summary() const;

    /** Initialise all parameters from \p seed (He/Xavier per layer). */
    void Init(float* params, uint64_t seed) const;

    /**
     * \return the [begin, end) ranges of the flat buffer that are trained, in order: all but
     *         the model state (batch-norm running statistics), which the optimizer skips
     */
    const std::vector<std::pair<size_t, size_t>>& TrainableRanges() const
    {
        return m_trainable;
    }

    /**
     * \return the [begin, end) ranges of the flat buffer that are model state (batch-norm
     *         running statistics), in order
     */
    const std::vector<std::pair<size_t, size_t>>& StateRanges() const
    {
        return m_state;
    }

    /** Append the model-state ranges of the flat buffer, shifted by \p offset. */
    void AppendStateRanges(size_t offset, std::vector<std::pair<size_t, size_t>>& ranges) const;

    /** \return the activation floats one sample keeps in a forward pass */
    size_t ActivationFloats() const;

    /** Training (batch statistics) or evaluation mode, for every layer. */
    void SetTraining(bool training);

    /**
     * Forward pass in the current mode.
     * \param x [batch x input size]; must stay valid until Backward
     * \return pointer to the output [batch x output size], valid until the next call
     */
    const float* Forward(const float* params, const float* x, int batch);

    /**
     * Back-propagate through every layer after a Forward.
     * \param gradOut dL/d(output) [batch x output size]
     * \param grad receives dL/dparams (ParamCount() floats, overwritten)
     * \param gradIn receives dL/dx, unless null
     */
    void Backward(const float* params, const float* gradOut, float* grad, float* gradIn, int batch);

    /** After a training Forward, fold its statistics into the model state in \p params. */
    void UpdateState(float* params);

    /**
     * Forward and backward pass on one minibatch in training mode; updates the model state
     * (batch-norm running statistics) in \p params.
     * \param grad receives dLoss/dparams (ParamCount() floats, overwritten)
     * \return the mean minibatch loss
     */
    double LossAndGradient(float* params, const float* x, const int32_t* y, int batch, float* grad);

    /**
     * Loss and accuracy of \p params over \p data in evaluation mode, in batches of at most
     * \p batchSize (fewer for a model whose activations would not fit; the same for a model
     * whatever the data).
     */
    EvalResult Evaluate(const float* params, const Dataset& data, int batchSize = 1000);

  private:
    /// Size the activation buffers for \p batch samples.
    void Reserve(int batch);

    Shape m_input;                                //!< input sample shape
    std::vector<std::unique_ptr<Layer>> m_layers; //!< the layers in order
    std::vector<size_t> m_offsets;                //!< parameter offset per layer
    size_t m_paramCount{0};                       //!< total parameters
    std::vector<FloatBuffer> m_acts;              //!< m_acts[l+1] = layer l output (l+1 < size)
    std::vector<FloatBuffer> m_grads;             //!< gradient w.r.t. each activation
    const float* m_x{nullptr};                    //!< input of the last Forward
    std::vector<std::pair<size_t, size_t>> m_trainable; //!< flat ranges the optimizer updates
    std::vector<std::pair<size_t, size_t>> m_state;     //!< flat ranges of model state
};

} // namespace dl

#endif // DL_SEQUENTIAL_MODEL_H
