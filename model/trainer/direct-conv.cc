/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "direct-conv.h"

#include <algorithm>
#include <cstring>

namespace dl
{

namespace
{

// The vectors and the blocks of them kept in registers follow the instruction set the build
// targets: a vector wider than its registers would change how functions pass it (GCC's
// -Wpsabi) and spill every block. AVX-512 has 32 registers of 16 floats; AVX 16 of 8; SSE
// (and other machines) 16 of 4. A build for another instruction set sums in other groups, so
// its last bits differ; one build gives the same bits for a seed.
#if defined(__AVX512F__)
/// Floats per vector.
constexpr int LANES = 16;
/// Vectors of output positions computed together by Correlate.
constexpr int VECTOR_BLOCK = 4;
/// Filters whose weight gradients are summed together (with TAP_BLOCK taps each).
constexpr int GRAD_FILTER_BLOCK = 2;
#elif defined(__AVX__)
constexpr int LANES = 8;
constexpr int VECTOR_BLOCK = 2;
constexpr int GRAD_FILTER_BLOCK = 1;
#else
constexpr int LANES = 4;
constexpr int VECTOR_BLOCK = 2;
constexpr int GRAD_FILTER_BLOCK = 1;
#endif
/// A vector of LANES floats (GCC's vector extension: the compiler picks the instructions).
typedef float Vec __attribute__((vector_size(LANES * sizeof(float))));

/// Filters computed together by Correlate: their weights are broadcast against shared loads.
constexpr int FILTER_BLOCK = 4;
/// Taps whose weight gradients are summed together (a 3x3 kernel's nine).
constexpr int TAP_BLOCK = 9;
/// Floats of bordered input and gridded output gradient per weight-gradient pass: a few
/// samples' worth, so that the pass reads them from the cache rather than memory.
constexpr size_t GRAD_CHUNK_FLOATS = 128 * 1024;

Vec
Load(const float* p)
{
    Vec v;
    std::memcpy(&v, p, sizeof(v));
    return v;
}

void
Store(float* p, const Vec& v)
{
    std::memcpy(p, &v, sizeof(v));
}

/// Keep \p v in a register: left to itself, the compiler folds a vector used by several
/// multiply-adds into each of them as a memory operand, and unaligned loads then cost twice.
void
InRegister(Vec& v)
{
#if defined(__x86_64__) || defined(__i386__)
    asm("" : "+v"(v)); // an empty instruction that takes v in a vector register
#else
    (void)v;
#endif
}

/// \return the sum of \p v's lanes, in lane order
float
Sum(const Vec& v)
{
    float s = 0;
    for (int i = 0; i < LANES; ++i)
    {
        s += v[i];
    }
    return s;
}

size_t
RoundUp(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

/// FILTER_BLOCK filters x NV vectors of positions: y[j][v] = sum over c, t of w[c][t][j] *
/// x[c][v + taps[t]], planes \p planeStride apart, outputs \p yStride apart.
template<int NV>
void
CorrelateBlock(const float* x, size_t planeStride, int channels, const float* w, const int* taps,
               int nTaps, float* y, size_t yStride)
{
    Vec acc[FILTER_BLOCK][NV];
    for (auto& row : acc)
    {
        for (auto& a : row)
        {
            a = Vec{};
        }
    }
    for (int c = 0; c < channels; ++c, x += planeStride)
    {
        for (int t = 0; t < nTaps; ++t, w += FILTER_BLOCK)
        {
            const float* at = x + taps[t];
            Vec xv[NV];
            for (int v = 0; v < NV; ++v)
            {
                xv[v] = Load(at + v * LANES);
            }
            for (int j = 0; j < FILTER_BLOCK; ++j)
            {
                for (int v = 0; v < NV; ++v)
                {
                    acc[j][v] += w[j] * xv[v]; // the scalar is broadcast
                }
            }
        }
    }
    for (int j = 0; j < FILTER_BLOCK; ++j)
    {
        for (int v = 0; v < NV; ++v)
        {
            Store(y + j * yStride + v * LANES, acc[j][v]);
        }
    }
}

/// Where the weight gradient's sums read: \p samples samples' output gradients on the output
/// grid (\p gridFloats apart; filters \p gridStride apart, in \p vectors vectors) and bordered
/// input planes (\p planeFloats apart; channels \p planeStride apart).
struct GradSource
{
    const float* grads;  //!< gridded output gradients
    size_t gridFloats;   //!< from one sample's to the next
    size_t gridStride;   //!< from one filter's to the next
    int vectors;         //!< vectors per filter
    const float* planes; //!< bordered inputs
    size_t planeFloats;  //!< from one sample's to the next
    size_t planeStride;  //!< from one channel's to the next
    int samples;         //!< samples
};

/// dw[j][t] += the sum over the source's samples and grid of gradient f+j times input channel
/// c shifted by taps[t], for NF filters and TAP_BLOCK taps (\p keep of them written to \p dw,
/// \p dwStride apart per filter).
template<int NF>
void
WeightGradBlock(const GradSource& src, int f, int c, const int* taps, int keep, float* dw,
                size_t dwStride)
{
    Vec acc[NF][TAP_BLOCK] = {};
    for (int s = 0; s < src.samples; ++s)
    {
        const float* g = src.grads + s * src.gridFloats + f * src.gridStride;
        const float* x = src.planes + s * src.planeFloats + c * src.planeStride;
        for (int v = 0; v < src.vectors; ++v, x += LANES)
        {
            Vec gv[NF];
            for (int j = 0; j < NF; ++j)
            {
                gv[j] = Load(g + j * src.gridStride + v * LANES);
            }
            for (int t = 0; t < TAP_BLOCK; ++t)
            {
                Vec xt = Load(x + taps[t]);
                InRegister(xt);
                for (int j = 0; j < NF; ++j)
                {
                    acc[j][t] += gv[j] * xt;
                }
            }
        }
    }
    for (int j = 0; j < NF; ++j)
    {
        for (int t = 0; t < keep; ++t)
        {
            dw[j * dwStride + t] += Sum(acc[j][t]);
        }
    }
}

} // namespace

void
DirectConv::Planes::Fill(const float* sample, float* planes) const
{
    for (int c = 0; c < channels; ++c)
    {
        for (int y = 0; y < height; ++y)
        {
            std::memcpy(planes + c * stride + size_t(y + border) * wide + border,
                        sample + (size_t(c) * height + y) * width, sizeof(float) * width);
        }
    }
}

DirectConv::DirectConv(Shape input, int outChannels, int kernel, int padding)
    : m_input(input)
    , m_outChannels(outChannels)
    , m_kernel(kernel)
{
    const int outH = input.h + 2 * padding - kernel + 1;
    const int outW = input.w + 2 * padding - kernel + 1;
    // Planes bordered by b, read over a grid of rows x cols outputs: the taps' offsets, the
    // grid's whole vectors, and how far they reach into a plane.
    auto lay = [kernel](int channels, int h, int w, int b, int rows, int cols, Planes& planes,
                        Grid& grid, std::vector<int>& taps) {
        planes = Planes{channels, h, w, b, w + 2 * b, 0};
        grid = Grid{rows, cols, planes.wide, 0, 0};
        grid.vectors = int((size_t(rows) * grid.wide + LANES - 1) / LANES);
        grid.stride = size_t(grid.vectors) * LANES;
        const size_t reach = grid.stride + size_t(kernel - 1) * (planes.wide + 1);
        planes.stride = RoundUp(std::max(reach, size_t(h + 2 * b) * planes.wide), LANES);
        taps.clear();
        for (int ky = 0; ky < kernel; ++ky)
        {
            for (int kx = 0; kx < kernel; ++kx)
            {
                taps.push_back(ky * planes.wide + kx);
            }
        }
    };
    lay(input.c, input.h, input.w, padding, outH, outW, m_in, m_outGrid, m_inTaps);
    lay(outChannels, outH, outW, kernel - 1 - padding, input.h, input.w, m_gradOut, m_inGrid,
        m_gradTaps);
}

void
DirectConv::PackFilters(const float* weights, bool turned, std::vector<float>& packed) const
{
    const int taps = m_kernel * m_kernel;
    const int filters = turned ? m_input.c : m_outChannels;
    const int channels = turned ? m_outChannels : m_input.c;
    const int blocks = (filters + FILTER_BLOCK - 1) / FILTER_BLOCK;
    packed.assign(size_t(blocks) * channels * taps * FILTER_BLOCK, 0.0f);
    for (int f = 0; f < filters; ++f)
    {
        for (int c = 0; c < channels; ++c)
        {
            for (int t = 0; t < taps; ++t)
            {
                // Turned: the input gradient's filter f is the forward's input channel f, over
                // the forward's filters c, taps in reverse (the kernel rotated half a turn).
                const float w = turned ? weights[(size_t(c) * m_input.c + f) * taps + taps - 1 - t]
                                       : weights[(size_t(f) * m_input.c + c) * taps + t];
                const int block = f / FILTER_BLOCK;
                packed[((size_t(block) * channels + c) * taps + t) * FILTER_BLOCK
                       + f % FILTER_BLOCK]
                    = w;
            }
        }
    }
}

void
DirectConv::Correlate(const float* planes, size_t planeStride, int channels, const float* packed,
                      int filters, const std::vector<int>& taps, const Grid& grid, float* out) const
{
    const int nTaps = int(taps.size());
    const size_t blockFloats = size_t(channels) * nTaps * FILTER_BLOCK;
    // Positions outer, filters inner: a few vectors' input stays in the cache for all filters.
    for (int v = 0; v < grid.vectors; v += VECTOR_BLOCK)
    {
        const float* x = planes + size_t(v) * LANES;
        for (int f = 0; f < filters; f += FILTER_BLOCK)
        {
            const float* w = packed + size_t(f / FILTER_BLOCK) * blockFloats;
            float* y = out + size_t(f) * grid.stride + size_t(v) * LANES;
            switch (std::min(VECTOR_BLOCK, grid.vectors - v))
            {
                case 4:
                    CorrelateBlock<4>(x, planeStride, channels, w, taps.data(), nTaps, y,
                                      grid.stride);
                    break;
                case 3:
                    CorrelateBlock<3>(x, planeStride, channels, w, taps.data(), nTaps, y,
                                      grid.stride);
                    break;
                case 2:
                    CorrelateBlock<2>(x, planeStride, channels, w, taps.data(), nTaps, y,
                                      grid.stride);
                    break;
                default:
                    CorrelateBlock<1>(x, planeStride, channels, w, taps.data(), nTaps, y,
                                      grid.stride);
            }
        }
    }
}

void
DirectConv::Crop(const float* grid, const Grid& g, int filters, const float* bias, float* out)
{
    for (int f = 0; f < filters; ++f)
    {
        const float b = bias != nullptr ? bias[f] : 0.0f;
        for (int y = 0; y < g.rows; ++y)
        {
            const float* from = grid + f * g.stride + size_t(y) * g.wide;
            float* to = out + (size_t(f) * g.rows + y) * g.cols;
            for (int x = 0; x < g.cols; ++x)
            {
                to[x] = from[x] + b;
            }
        }
    }
}

void
DirectConv::Forward(const float* weights, const float* bias, const float* in, float* out, int batch)
{
    PackFilters(weights, false, m_packed);
    const int filters = int(RoundUp(m_outChannels, FILTER_BLOCK));
    // Borders are written once, as zeros, and never again: Fill writes only the inside.
    m_planes.resize(std::max(m_planes.size(), m_in.channels * m_in.stride));
    m_grid.resize(filters * m_outGrid.stride);
    const size_t outSize = size_t(m_outChannels) * m_outGrid.rows * m_outGrid.cols;
    for (int s = 0; s < batch; ++s)
    {
        m_in.Fill(in + size_t(s) * m_input.Size(), m_planes.data());
        Correlate(m_planes.data(), m_in.stride, m_input.c, m_packed.data(), filters, m_inTaps,
                  m_outGrid, m_grid.data());
        Crop(m_grid.data(), m_outGrid, m_outChannels, bias, out + s * outSize);
    }
}

void
DirectConv::Backward(const float* weights, const float* in, const float* gradOut,
                     float* gradWeights, float* gradIn, int batch)
{
    const int taps = m_kernel * m_kernel;
    const size_t outSize = size_t(m_outChannels) * m_outGrid.rows * m_outGrid.cols;
    const size_t inFloats = m_input.c * m_in.stride;
    const size_t gridFloats = m_outChannels * m_outGrid.stride;
    std::fill(gradWeights, gradWeights + size_t(m_outChannels) * m_input.c * taps, 0.0f);
    // Weight gradient, a chunk of samples at a time: their bordered input and their output
    // gradient on the output grid (its extra columns zero, so they add nothing). The chunk
    // follows the layer's shape only, so the order of the sums follows the batch alone; both
    // scratch layouts keep their zeros, as a slot is always filled the same way.
    const int chunk = int(std::clamp<size_t>(GRAD_CHUNK_FLOATS / (inFloats + gridFloats), 1, 64));
    m_planes.resize(std::max(m_planes.size(), chunk * inFloats));
    m_gradGrid.resize(chunk * gridFloats);
    const Planes gridded{m_outChannels,  m_outGrid.rows,  m_outGrid.cols, 0,
                         m_outGrid.wide, m_outGrid.stride};
    for (int s0 = 0; s0 < batch; s0 += chunk)
    {
        const GradSource src{
            m_gradGrid.data(), gridFloats, m_outGrid.stride, m_outGrid.vectors,
            m_planes.data(),   inFloats,   m_in.stride,      std::min(chunk, batch - s0)};
        for (int s = 0; s < src.samples; ++s)
        {
            m_in.Fill(in + size_t(s0 + s) * m_input.Size(), m_planes.data() + s * inFloats);
            gridded.Fill(gradOut + (s0 + s) * outSize, m_gradGrid.data() + s * gridFloats);
        }
        for (int f = 0; f < m_outChannels; f += GRAD_FILTER_BLOCK)
        {
            for (int c = 0; c < m_input.c; ++c)
            {
                for (int t0 = 0; t0 < taps; t0 += TAP_BLOCK)
                {
                    // A short last block repeats its first tap; the repeats are not kept.
                    int block[TAP_BLOCK];
                    for (int t = 0; t < TAP_BLOCK; ++t)
                    {
                        block[t] = m_inTaps[t0 + t < taps ? t0 + t : t0];
                    }
                    const int keep = std::min(TAP_BLOCK, taps - t0);
                    float* dw = gradWeights + (size_t(f) * m_input.c + c) * taps + t0;
                    const size_t dwStride = size_t(m_input.c) * taps;
                    if (m_outChannels - f >= GRAD_FILTER_BLOCK)
                    {
                        WeightGradBlock<GRAD_FILTER_BLOCK>(src, f, c, block, keep, dw, dwStride);
                    }
                    else
                    {
                        WeightGradBlock<1>(src, f, c, block, keep, dw, dwStride);
                    }
                }
            }
        }
    }
    if (gradIn == nullptr)
    {
        return;
    }
    // Input gradient: the output gradient, bordered, correlated with the turned filters.
    PackFilters(weights, true, m_packed);
    const int filters = int(RoundUp(m_input.c, FILTER_BLOCK));
    m_gradPlanes.resize(std::max(m_gradPlanes.size(), m_gradOut.channels * m_gradOut.stride));
    m_grid.resize(std::max(m_grid.size(), filters * m_inGrid.stride));
    for (int s = 0; s < batch; ++s)
    {
        m_gradOut.Fill(gradOut + s * outSize, m_gradPlanes.data());
        Correlate(m_gradPlanes.data(), m_gradOut.stride, m_outChannels, m_packed.data(), filters,
                  m_gradTaps, m_inGrid, m_grid.data());
        Crop(m_grid.data(), m_inGrid, m_input.c, nullptr, gradIn + size_t(s) * m_input.Size());
    }
}

} // namespace dl
