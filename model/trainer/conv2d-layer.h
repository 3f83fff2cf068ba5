/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_CONV2D_LAYER_H
#define DL_CONV2D_LAYER_H

#include "direct-conv.h"
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
     * \param stride step between output pixels, in input pixels
     * \param bias whether each filter has a bias (a convolution followed by batch norm needs
     *        none: the norm's shift takes its place)
     */
    Conv2dLayer(Shape input, int outChannels, int kernel, int padding, int stride = 1,
                bool bias = true);

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

    /** \return the step between output pixels */
    int Stride() const
    {
        return m_stride;
    }

    /** \return whether each filter has a bias */
    bool HasBias() const
    {
        return m_bias;
    }

    /**
     * Compute with the im2col GEMMs even where the direct path applies (DirectConv: stride 1,
     * padding under the kernel side). The GEMMs are the reference the tests check it against.
     */
    void UseReference(bool reference)
    {
        m_useDirect = !reference && DirectConv::Applies(m_kernel, m_padding, m_stride);
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
    /// Where a kernel reads: the input's size and how the kernel walks over it.
    struct Geometry
    {
        int channels; //!< input channels
        int height;   //!< input height
        int width;    //!< input width
        int kernel;   //!< kernel side
        int padding;  //!< zero padding
        int stride;   //!< output pixel step
        int outH;     //!< output height
        int outW;     //!< output width
    };

    /// Unfold one sample of \p g's input into its outH*outW columns of col [(C*k*k) rows,
    /// \p stride apart].
    static void Unfold(const float* in, const Geometry& g, float* col, size_t stride);
    /// Unfold one input sample of this layer (Unfold with the forward geometry).
    void Im2Col(const float* in, float* col, size_t stride) const;
    /// Fold one sample's col gradients (rows \p stride apart) back into its input gradient.
    void Col2Im(const float* col, size_t stride, float* in) const;
    /// Fill m_flipped with the filters as a transposed convolution's: (c, o, k-1-ky, k-1-kx).
    void FlipFilters(const float* params);
    /// The bias gradient of \p batch samples' output gradient (the direct path's)
    void BiasGradient(const float* gradOut, int batch, float* gradBias) const;
    /// The input gradient of \p n samples by the transposed convolution of \p gradOut.
    void TransposedGradIn(const float* gradOut, int n, float* gradIn);

    int m_outChannels;   //!< filters
    int m_kernel;        //!< kernel side
    int m_padding;       //!< zero padding
    int m_stride;        //!< output pixel step
    bool m_bias;         //!< filters have a bias
    int m_outH;          //!< output height
    int m_outW;          //!< output width
    Geometry m_forward;  //!< the input as the forward pass reads it
    DirectConv m_direct; //!< the faster path, where it applies
    bool m_useDirect;    //!< compute with m_direct
    /// The output gradient as the input gradient's pass reads it, for a stride-1 convolution
    /// that keeps the size: dL/dx is then itself a convolution of dL/dy with the filters
    /// turned around: one GEMM O*k*k deep, instead of one only O deep and a scattered col2im.
    /// Unset (kernel 0) for the other convolutions.
    Geometry m_transposed;
    /// Output pixels per GEMM, as a number of samples: one GEMM per sample is too small to
    /// run fast, and with too many the unfolded input falls out of the cache between the
    /// unfolding and the GEMM.
    static constexpr int GROUP_COLUMNS = 4096;
    /// At most this many samples per GEMM.
    static constexpr int MAX_GROUP = 32;

    /// \return the samples per GEMM for this layer's output size
    int Group() const;

    // A group of samples is one GEMM: its columns are (sample, output pixel), so the matrices
    // are [rows x group*Ho*Wo], reordered to and from [batch x C x Ho x Wo]. Backward unfolds
    // the input again rather than keeping a whole batch's columns (patch floats per output
    // pixel: hundreds of megabytes for a residual network).
    FloatBuffer m_cols;    //!< a group's unfolded input [(C*k*k) x group*Ho*Wo]
    FloatBuffer m_y;       //!< a group's outputs, or output gradients, [filters x group*Ho*Wo]
    FloatBuffer m_dcol;    //!< a group's column gradients [(C*k*k) x group*Ho*Wo], or its
                           //!< unfolded output gradients [(O*k*k) x group*Ho*Wo]
    FloatBuffer m_flipped; //!< the filters turned around [C x (O*k*k)] (m_transposed)
    FloatBuffer m_dx;      //!< a group's input gradients [C x group*H*W] (m_transposed)
};

} // namespace dl

#endif // DL_CONV2D_LAYER_H
