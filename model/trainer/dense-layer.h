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
    int m_in;  //!< input features
    int m_out; //!< output units
};

} // namespace dl

#endif // DL_DENSE_LAYER_H
