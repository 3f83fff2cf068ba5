/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_CUDA_KERNELS_H
#define DL_CUDA_KERNELS_H

// Launchers of the CUDA backend's kernels. Plain C++ declarations: only cuda-kernels.cu is
// compiled by nvcc. Every pointer is device memory; every launch goes to the default stream,
// so calls are ordered and a later cudaMemcpy to the host waits for them. Each kernel mirrors
// one CPU reference function named in its comment, element by element.

#include <cstddef>
#include <cstdint>

namespace dl
{
namespace cuda
{

/** y[s][j] += bias[j] for s < rows, j < cols (DenseLayer::Forward's bias). */
void AddRowBias(float* y, const float* bias, int rows, int cols);
/** db[j] = sum over s of dy[s][j], summed in sample order (DenseLayer::Backward's bias). */
void ColumnSums(const float* dy, float* db, int rows, int cols);
/** out = max(in, 0) (ReluLayer::Forward). */
void ReluForward(const float* in, float* out, size_t n);
/** gradIn = out > 0 ? gradOut : 0 (ReluLayer::Backward). */
void ReluBackward(const float* out, const float* gradOut, float* gradIn, size_t n);

/** Geometry of a convolution: what Conv2dLayer holds. */
struct ConvShape
{
    int c, h, w;    //!< input channels, height, width
    int outC;       //!< filters
    int kernel;     //!< kernel side
    int padding;    //!< zero padding
    int outH, outW; //!< output height and width
};

/**
 * Unfold a batch (Conv2dLayer::Im2Col for every sample): cols is [patch][batch * spatial],
 * patch = c * kernel^2, spatial = outH * outW, so that one GEMM serves the whole batch.
 */
void Im2Col(const float* in, float* cols, const ConvShape& g, int batch);
/** Fold column gradients back (Conv2dLayer::Col2Im for every sample), overwriting gradIn. */
void Col2Im(const float* cols, float* gradIn, const ConvShape& g, int batch);
/** out[s][c][p] = yt[c][s * spatial + p] + bias[c]: GEMM layout to activation layout. */
void ChannelsToSamples(const float* yt, const float* bias, float* out, int outC, int spatial,
                       int batch);
/** dyt[c][s * spatial + p] = dy[s][c][p]: activation layout to GEMM layout. */
void SamplesToChannels(const float* dy, float* dyt, int outC, int spatial, int batch);
/** db[c] = sum of row c of dyt (rows of length batch * spatial), in order. */
void RowSums(const float* dyt, float* db, int rows, size_t cols);

/** Geometry of a max pool: what MaxPoolLayer holds. */
struct PoolShape
{
    int c, h, w;    //!< input channels, height, width
    int size;       //!< window side and stride
    int outH, outW; //!< output height and width
};

/** MaxPoolLayer::Forward: out and, per output, the index of the maximum in its sample. */
void MaxPoolForward(const float* in, float* out, int32_t* argmax, const PoolShape& g, int batch);
/** MaxPoolLayer::Backward: gradIn (overwritten) gets each output's gradient at its argmax. */
void MaxPoolBackward(const float* gradOut, const int32_t* argmax, float* gradIn, const PoolShape& g,
                     int batch);

/**
 * SoftmaxCrossEntropy per sample: loss[s] (double), gradLogits (if not null, already divided
 * by batch) and hit[s] = 1 when the arg-max is the label.
 */
void SoftmaxCrossEntropy(const float* logits, const int32_t* labels, int batch, int classes,
                         float* gradLogits, double* loss, int32_t* hit);

/** SgdOptimizer::Update: m = momentum m + g + weightDecay x; x -= lr m. */
void SgdUpdate(float* x, float* m, const float* g, size_t n, float lr, float momentum,
               float weightDecay);
/** x *= factor. */
void Scale(float* x, size_t n, float factor);
/** x += y. */
void Add(float* x, const float* y, size_t n);
/**
 * x = (x + copies[0] + ... + copies[k-1]) / (k + 1) when keepOwn (RobustAverage), else
 * x = (copies[0] + ...) / k, zeros when k = 0 (MeanOf); copies is k rows of n floats.
 */
void Average(float* x, const float* copies, int k, size_t n, bool keepOwn);

} // namespace cuda
} // namespace dl

#endif // DL_CUDA_KERNELS_H
