/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_DIRECT_CONV_H
#define DL_DIRECT_CONV_H

#include "dataset.h"

#include <vector>

namespace dl
{

/**
 * \ingroup dl-trainer
 * A stride-1 convolution computed directly from the input, without unfolding it (Conv2dLayer's
 * faster path; its im2col GEMMs are the reference this is tested against).
 *
 * Why: a residual network's filters are 16 to 64 deep, so the unfolded GEMMs are thin, and the
 * unfolding, the GEMM's packing of it and the reordering cost as much as the arithmetic.
 *
 * How: each input channel is copied once into a zero-bordered plane, \c Wp = W + 2*padding
 * wide. On that plane, the input pixel under kernel tap (ky, kx) of output q = oy*Wp + ox is
 * q + ky*Wp + kx: every tap is a constant shift of one flat array. Outputs are computed for the
 * whole grid of outH x Wp positions (the k-1 extra columns per row are discarded), a few
 * vectors of positions times a few filters at a time in registers, the filters' weights
 * broadcast. The input gradient is the same computation on the zero-bordered output gradient
 * with the filters turned around; the weight gradient sums output gradient times shifted input
 * over the grid. Sums run in an order fixed by the batch and by the instruction set the build
 * targets (the vectors' width): one build gives the same bits for a seed (doc/trainer.rst,
 * "Convolutions on the CPU").
 */
class DirectConv
{
  public:
    DirectConv() = default;

    /**
     * \param input input sample shape C x H x W
     * \param outChannels filters
     * \param kernel kernel side
     * \param padding zero padding on each side, at most kernel - 1 (Applies)
     */
    DirectConv(Shape input, int outChannels, int kernel, int padding);

    /** \return whether a convolution of this stride and padding can run here */
    static bool Applies(int kernel, int padding, int stride)
    {
        return stride == 1 && padding >= 0 && padding < kernel;
    }

    /**
     * out = conv(in) (+ bias), for \p batch samples.
     * \param weights [out][in][ky][kx]
     * \param bias one per filter, or null
     */
    void Forward(const float* weights, const float* bias, const float* in, float* out, int batch);

    /**
     * The gradients of Forward. \p gradWeights is overwritten; \p gradIn too, unless null.
     */
    void Backward(const float* weights, const float* in, const float* gradOut, float* gradWeights,
                  float* gradIn, int batch);

  private:
    /// One side of the computation: planes of \p channels, each bordered for the kernel.
    struct Planes
    {
        int channels{0};  //!< planes
        int height{0};    //!< unbordered height
        int width{0};     //!< unbordered width
        int border{0};    //!< zeros on each side
        int wide{0};      //!< bordered width
        size_t stride{0}; //!< floats from one plane to the next (the grid's reach and slack)

        /// Copy one sample's [channels][height][width] into \p planes (their borders stay 0)
        void Fill(const float* sample, float* planes) const;
    };

    /// The output grid: \p rows x Planes::wide positions per filter, in whole vectors.
    struct Grid
    {
        int rows{0};      //!< output rows
        int cols{0};      //!< output columns kept per row
        int wide{0};      //!< grid positions per row (the input planes' width)
        int vectors{0};   //!< vectors covering rows * wide positions
        size_t stride{0}; //!< floats from one filter's grid to the next
    };

    /// out[f] = sum over c, t of w[f][c][t] * in[c] shifted by tap t, over the grid (the
    /// filters in blocks of FILTER_BLOCK, weights packed as PackFilters writes them)
    void Correlate(const float* planes, size_t planeStride, int channels, const float* packed,
                   int filters, const std::vector<int>& taps, const Grid& grid, float* out) const;
    /// Pack weights w[f][c][t] (flip: taps reversed, and in/out swapped) for Correlate
    void PackFilters(const float* weights, bool turned, std::vector<float>& packed) const;
    /// Copy the grid's kept columns of \p filters planes to a [filters][rows][cols] sample
    static void Crop(const float* grid, const Grid& g, int filters, const float* bias, float* out);

    Shape m_input;                   //!< input sample shape
    int m_outChannels{0};            //!< filters
    int m_kernel{0};                 //!< kernel side
    Planes m_in;                     //!< the input, bordered by the padding
    Planes m_gradOut;                //!< the output gradient, bordered by kernel - 1 - padding
    Grid m_outGrid;                  //!< the output over m_in's planes
    Grid m_inGrid;                   //!< the input gradient over m_gradOut's planes
    std::vector<int> m_inTaps;       //!< tap offsets on m_in's planes
    std::vector<int> m_gradTaps;     //!< tap offsets on m_gradOut's planes
    std::vector<float> m_planes;     //!< scratch: some samples' bordered input planes
    std::vector<float> m_gradGrid;   //!< scratch: some samples' output gradients, gridded
    std::vector<float> m_gradPlanes; //!< scratch: one sample's bordered output gradient
    std::vector<float> m_grid;       //!< scratch: one sample's Correlate output
    std::vector<float> m_packed;     //!< scratch: packed filters
};

} // namespace dl

#endif // DL_DIRECT_CONV_H
