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
     * Forward pass.
     * \return pointer to the logits [batch x classes], valid until the next call
     */
    const float* Forward(const float* params, const float* x, int batch);

    /**
     * Forward and backward pass on one minibatch.
     * \param grad receives dLoss/dparams (ParamCount() floats, overwritten)
     * \return the mean minibatch loss
     */
    double LossAndGradient(const float* params, const float* x, const int32_t* y, int batch,
                           float* grad);

    /** Loss and accuracy of \p params over \p data, in batches of \p batchSize. */
    EvalResult Evaluate(const float* params, const Dataset& data, int batchSize = 1000);

  private:
    /// Size the activation buffers for \p batch samples.
    void Reserve(int batch);

    Shape m_input;                                //!< input sample shape
    std::vector<std::unique_ptr<Layer>> m_layers; //!< the layers in order
    std::vector<size_t> m_offsets;                //!< parameter offset per layer
    size_t m_paramCount{0};                       //!< total parameters
    std::vector<FloatBuffer> m_acts;              //!< activations: m_acts[l+1] = layer l output
    std::vector<FloatBuffer> m_grads;             //!< gradient w.r.t. each activation
};

} // namespace dl

#endif // DL_SEQUENTIAL_MODEL_H
