/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_GLOBAL_AVG_POOL_LAYER_H
#define DL_GLOBAL_AVG_POOL_LAYER_H

#include "layer.h"

namespace dl
{

/**
 * \ingroup dl-trainer
 * The mean of each channel over its pixels: C x H x W in, C x 1 x 1 out; no parameters.
 */
class GlobalAvgPoolLayer : public Layer
{
  public:
    /** \param input input sample shape C x H x W */
    explicit GlobalAvgPoolLayer(Shape input);

    std::unique_ptr<Layer> Clone() const override
    {
        return std::make_unique<GlobalAvgPoolLayer>(*this);
    }

    std::string Describe() const override;
    Shape OutputShape() const override;
    void Forward(const float* params, const float* in, float* out, int batch) override;
    void Backward(const float* params, const float* in, const float* out, const float* gradOut,
                  float* gradParams, float* gradIn, int batch) override;
};

} // namespace dl

#endif // DL_GLOBAL_AVG_POOL_LAYER_H
