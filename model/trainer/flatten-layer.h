/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_FLATTEN_LAYER_H
#define DL_FLATTEN_LAYER_H

#include "layer.h"

namespace dl
{

/**
 * \ingroup dl-trainer
 * Reinterprets a C x H x W sample as a 1 x 1 x (C*H*W) vector. Samples are already stored
 * flat (channel-major), so the data is copied unchanged; only the shape changes.
 */
class FlattenLayer : public Layer
{
  public:
    /** \param input input sample shape */
    explicit FlattenLayer(Shape input);

    std::unique_ptr<Layer> Clone() const override
    {
        return std::make_unique<FlattenLayer>(*this);
    }

    std::string Describe() const override;
    Shape OutputShape() const override;
    void Forward(const float* params, const float* in, float* out, int batch) override;
    void Backward(const float* params, const float* in, const float* out, const float* gradOut,
                  float* gradParams, float* gradIn, int batch) override;
};

} // namespace dl

#endif // DL_FLATTEN_LAYER_H
