/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_MAX_POOL_LAYER_H
#define DL_MAX_POOL_LAYER_H

#include "layer.h"

#include <cstdint>
#include <vector>

namespace dl
{

/**
 * \ingroup dl-trainer
 * Max pooling over non-overlapping size x size windows (stride = size); trailing rows or
 * columns that do not fill a window are dropped. No parameters.
 */
class MaxPoolLayer : public Layer
{
  public:
    /**
     * \param input input sample shape C x H x W
     * \param size window side and stride
     */
    MaxPoolLayer(Shape input, int size);

    /** \return the window side (and stride) */
    int Size() const
    {
        return m_size;
    }

    std::unique_ptr<Layer> Clone() const override
    {
        return std::make_unique<MaxPoolLayer>(*this);
    }

    std::string Describe() const override;
    Shape OutputShape() const override;
    void Forward(const float* params, const float* in, float* out, int batch) override;
    void Backward(const float* params, const float* in, const float* out, const float* gradOut,
                  float* gradParams, float* gradIn, int batch) override;

  private:
    int m_size;                    //!< window side and stride
    Shape m_output;                //!< output sample shape
    std::vector<int32_t> m_argmax; //!< input index (within the sample) of each output's max
};

} // namespace dl

#endif // DL_MAX_POOL_LAYER_H
