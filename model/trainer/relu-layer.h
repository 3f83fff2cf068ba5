/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_RELU_LAYER_H
#define DL_RELU_LAYER_H

#include "layer.h"

namespace dl
{

/**
 * \ingroup dl-trainer
 * Element-wise max(0, x); no parameters.
 */
class ReluLayer : public Layer
{
  public:
    /** \param input input sample shape (kept as output shape) */
    explicit ReluLayer(Shape input);

    std::unique_ptr<Layer> Clone() const override
    {
        return std::make_unique<ReluLayer>(*this);
    }

    std::string Describe() const override;
    Shape OutputShape() const override;
    void Forward(const float* params, const float* in, float* out, int batch) override;
    void Backward(const float* params, const float* in, const float* out, const float* gradOut,
                  float* gradParams, float* gradIn, int batch) override;
};

} // namespace dl

#endif // DL_RELU_LAYER_H
