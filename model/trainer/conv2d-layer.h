/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_CONV2D_LAYER_H
#define DL_CONV2D_LAYER_H

#include "layer.h"

#include <vector>

namespace dl
{

/**
 * \ingroup dl-trainer
 * 2-D convolution, stride 1, square kernel, zero padding, computed as im2col + GEMM.
 * Parameters: W [outChannels x (inChannels*k*k)] row-major, then b [outChannels].
 * Init: He-normal (fan-in inChannels*k*k), zero bias.
 */
class Conv2dLayer : public Layer
{
  public:
    /**
     * \param input input sample shape C x H x W
     * \param outChannels number of filters
     * \param kernel kernel side
     * \param padding zero padding on each side
     */
    Conv2dLayer(Shape input, int outChannels, int kernel, int padding);

    /** \return the number of filters */
    int OutChannels() const
    {
        return m_outChannels;
    }

    /** \return the kernel side */
    int Kernel() const
    {
        return m_kernel;
    }

    /** \return the zero padding on each side */
    int Padding() const
    {
        return m_padding;
    }

    std::string Describe() const override;
    Shape OutputShape() const override;
    size_t ParamCount() const override;
    void Init(float* params, std::mt19937_64& rng) const override;
    void Forward(const float* params, const float* in, float* out, int batch) override;
    void Backward(const float* params, const float* in, const float* out, const float* gradOut,
                  float* gradParams, float* gradIn, int batch) override;

  private:
    /// Unfold one input sample into col [(C*k*k) x (Ho*Wo)].
    void Im2Col(const float* in, float* col) const;
    /// Fold col gradients back, accumulating into one input sample's gradient.
    void Col2Im(const float* col, float* in) const;

    int m_outChannels;  //!< filters
    int m_kernel;       //!< kernel side
    int m_padding;      //!< zero padding
    int m_outH;         //!< output height
    int m_outW;         //!< output width
    FloatBuffer m_cols; //!< im2col of the last forward batch, reused by Backward
    FloatBuffer m_dcol; //!< scratch for one sample's column gradient
};

} // namespace dl

#endif // DL_CONV2D_LAYER_H
