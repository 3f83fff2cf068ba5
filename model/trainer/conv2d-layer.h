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

    std::unique_ptr<Layer> Clone() const override
    {
        return std::make_unique<Conv2dLayer>(*this);
    }

    std::string Describe() const override;
    Shape OutputShape() const override;
    size_t ParamCount() const override;
    void Init(float* params, std::mt19937_64& rng) const override;
    void Forward(const float* params, const float* in, float* out, int batch) override;
    void Backward(const float* params, const float* in, const float* out, const float* gradOut,
                  float* gradParams, float* gradIn, int batch) override;

  private:
    /// Unfold one input sample into its Ho*Wo columns of col [(C*k*k) rows, \p stride apart].
    void Im2Col(const float* in, float* col, size_t stride) const;
    /// Fold one sample's col gradients (rows \p stride apart) back into its input gradient.
    void Col2Im(const float* col, size_t stride, float* in) const;

    int m_outChannels; //!< filters
    int m_kernel;      //!< kernel side
    int m_padding;     //!< zero padding
    int m_outH;        //!< output height
    int m_outW;        //!< output width
    /// Samples per GEMM: one GEMM per sample is too small to run fast, one per 1000-sample
    /// evaluation batch falls out of cache.
    static constexpr int GROUP = 32;

    // A group of samples is one GEMM: its columns are (sample, output pixel), so the matrices
    // are [rows x GROUP*Ho*Wo], reordered to and from [batch x C x Ho x Wo].
    FloatBuffer m_cols; //!< im2col of the last forward batch, group after group (for Backward)
    FloatBuffer m_y;    //!< a group's outputs, or output gradients, [filters x GROUP*Ho*Wo]
    FloatBuffer m_dcol; //!< a group's column gradients [(C*k*k) x GROUP*Ho*Wo]
};

} // namespace dl

#endif // DL_CONV2D_LAYER_H
