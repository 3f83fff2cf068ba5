/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_DENSE_LAYER_H
#define DL_DENSE_LAYER_H

#include "layer.h"

namespace dl
{

/**
 * \ingroup dl-trainer
 * Fully connected layer y = x W^T + b. Parameters: W [out x in] row-major, then b [out].
 * Init: He-normal for W (it usually feeds a ReLU), zero bias.
 */
class DenseLayer : public Layer
{
  public:
    /**
     * \param input input sample shape (flattened)
     * \param outputs number of output units
     */
    DenseLayer(Shape input, int outputs);

    /**
     * The same dense layer applied at every step of a sequence (the output layer of a
     * recurrent model): input 1 x T x K, output 1 x T x \p outputs, one weight matrix.
     * \param input 1 x T x K
     * \param outputs output units per step
     * \param perStep true (the tag that selects this form)
     */
    DenseLayer(Shape input, int outputs, bool perStep);

    /** \return the steps per sample (1 unless per step) */
    int Steps() const
    {
        return m_rows;
    }

    /** \return the number of output units */
    int Outputs() const
    {
        return m_out;
    }

    std::unique_ptr<Layer> Clone() const override
    {
        return std::make_unique<DenseLayer>(*this);
    }

    std::string Describe() const override;
    Shape OutputShape() const override;
    size_t ParamCount() const override;
    void Init(float* params, std::mt19937_64& rng) const override;
    void Forward(const float* params, const float* in, float* out, int batch) override;
    void Backward(const float* params, const float* in, const float* out, const float* gradOut,
                  float* gradParams, float* gradIn, int batch) override;

  private:
    int m_in;      //!< input features (per step)
    int m_out;     //!< output units (per step)
    int m_rows{1}; //!< steps per sample, each its own row
};

} // namespace dl

#endif // DL_DENSE_LAYER_H
