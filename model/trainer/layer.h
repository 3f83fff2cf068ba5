/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_LAYER_H
#define DL_LAYER_H

#include "dataset.h"

#include <Eigen/Core>
#include <cstddef>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace dl
{

/// Row-major float matrix view (activations are [batch x features], weights [out x in]).
using MatrixView
    = Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
/// Read-only row-major float matrix view.
using ConstMatrixView
    = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
/// Float vector view.
using VectorView = Eigen::Map<Eigen::VectorXf>;
/// Read-only float vector view.
using ConstVectorView = Eigen::Map<const Eigen::VectorXf>;

/**
 * \ingroup dl-trainer
 * One layer of a sequential model. A layer owns no parameters: it is handed a view into the
 * replica's flat parameter buffer (and gradient buffer) at every call, so one model object
 * serves every replica. Activations are row-major [batch x OutputShape().Size()].
 */
class Layer
{
  public:
    /** \param input the shape of one input sample */
    explicit Layer(Shape input)
        : m_input(input)
    {
    }

    virtual ~Layer() = default;

    /**
     * \return a copy with its own scratch: one per thread that runs the model (a layer's
     *         scratch, e.g. conv2d's unfolded input, is the only state it has)
     */
    virtual std::unique_ptr<Layer> Clone() const = 0;

    /** \return a short description, e.g. "dense 784->256" */
    virtual std::string Describe() const = 0;

    /** \return the shape of one input sample */
    Shape InputShape() const
    {
        return m_input;
    }

    /** \return the shape of one output sample */
    virtual Shape OutputShape() const = 0;

    /**
     * \return the activation floats one sample keeps while the layer runs: its output, and
     *         for a composite layer its inner activations too (sizes evaluation batches)
     */
    virtual size_t ActivationFloats() const
    {
        return size_t(OutputShape().Size());
    }

    /** \return the number of parameters this layer reads from the flat buffer */
    virtual size_t ParamCount() const
    {
        return 0;
    }

    /** Initialise this layer's parameters (He or Xavier, per layer type). */
    virtual void Init(float* /*params*/, std::mt19937_64& /*rng*/) const
    {
    }

    /**
     * out = f(in; params).
     * \param params this layer's slice of the parameter buffer
     * \param in [batch x input size]
     * \param out [batch x output size]
     * \param batch number of samples
     */
    virtual void Forward(const float* params, const float* in, float* out, int batch) = 0;

    /**
     * Back-propagate: given dL/dout, write dL/dparams (overwritten, not accumulated) and, if
     * \p gradIn is not null, dL/din. \p in and \p out are the values of the last Forward.
     */
    virtual void Backward(const float* params, const float* in, const float* out,
                          const float* gradOut, float* gradParams, float* gradIn, int batch)
        = 0;

    /**
     * Switch between training (batch statistics, e.g. batch norm's) and evaluation (the
     * running statistics). Layers without such a difference ignore it.
     */
    virtual void SetTraining(bool training)
    {
        (void)training;
    }

    /**
     * After a training Forward, fold what it measured into the layer's model state (batch
     * norm's running mean and variance), which lives in its slice of the parameter buffer.
     * \param params this layer's slice of the parameter buffer
     */
    virtual void UpdateState(float* params)
    {
        (void)params;
    }

    /**
     * Append the ranges of this layer's slice that are model state, not trained parameters:
     * their gradient is always 0 and the optimizer leaves them alone (no weight decay, no
     * momentum). They still travel with the parameters: an algorithm that averages models
     * averages them too.
     * \param offset where this layer's slice starts in the flat buffer
     * \param ranges receives [begin, end) pairs of flat-buffer indices
     */
    virtual void AppendStateRanges(size_t offset,
                                   std::vector<std::pair<size_t, size_t>>& ranges) const
    {
        (void)offset;
        (void)ranges;
    }

  protected:
    Shape m_input; //!< input sample shape
};

} // namespace dl

#endif // DL_LAYER_H
