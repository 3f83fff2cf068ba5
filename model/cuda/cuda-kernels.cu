/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "cuda-kernels.h"

#include <cuda_runtime.h>

#include <cmath>

namespace dl
{
namespace cuda
{
namespace
{

constexpr int THREADS = 256;

/// Blocks to cover n items with THREADS threads each.
unsigned
Blocks(size_t n)
{
    return unsigned((n + THREADS - 1) / THREADS);
}

__global__ void
AddRowBiasKernel(float* y, const float* bias, int rows, int cols)
{
    const size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < size_t(rows) * cols)
    {
        y[i] += bias[i % cols];
    }
}

__global__ void
ColumnSumsKernel(const float* dy, float* db, int rows, int cols)
{
    const int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j < cols)
    {
        float acc = 0.0f;
        for (int s = 0; s < rows; ++s)
        {
            acc += dy[size_t(s) * cols + j];
        }
        db[j] = acc;
    }
}

__global__ void
ReluForwardKernel(const float* in, float* out, size_t n)
{
    const size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < n)
    {
        out[i] = fmaxf(in[i], 0.0f);
    }
}

__global__ void
ReluBackwardKernel(const float* out, const float* gradOut, float* gradIn, size_t n)
{
    const size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < n)
    {
        gradIn[i] = out[i] > 0.0f ? gradOut[i] : 0.0f;
    }
}

// One thread per element of cols: [row = (c*k + ky)*k + kx][s * spatial + oy * outW + ox].
__global__ void
Im2ColKernel(const float* in, float* cols, ConvShape g, int batch)
{
    const size_t spatial = size_t(g.outH) * g.outW;
    const size_t width = size_t(batch) * spatial;
    const size_t patch = size_t(g.c) * g.kernel * g.kernel;
    const size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= patch * width)
    {
        return;
    }
    const int row = int(i / width);
    const size_t col = i % width;
    const int s = int(col / spatial);
    const int p = int(col % spatial);
    const int oy = p / g.outW;
    const int ox = p % g.outW;
    const int kx = row % g.kernel;
    const int ky = (row / g.kernel) % g.kernel;
    const int c = row / (g.kernel * g.kernel);
    const int iy = oy + ky - g.padding;
    const int ix = ox + kx - g.padding;
    const bool inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
    cols[i] = inside ? in[((size_t(s) * g.c + c) * g.h + iy) * g.w + ix] : 0.0f;
}

// One thread per input element: gathers every column entry that read it, in the CPU's
// (c, ky, kx) order, so no atomics and a fixed summation order.
__global__ void
Col2ImKernel(const float* cols, float* gradIn, ConvShape g, int batch)
{
    const size_t spatial = size_t(g.outH) * g.outW;
    const size_t width = size_t(batch) * spatial;
    const size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= size_t(batch) * g.c * g.h * g.w)
    {
        return;
    }
    const int ix = int(i % g.w);
    const int iy = int((i / g.w) % g.h);
    const int c = int((i / (size_t(g.w) * g.h)) % g.c);
    const int s = int(i / (size_t(g.w) * g.h * g.c));
    float acc = 0.0f;
    for (int ky = 0; ky < g.kernel; ++ky)
    {
        const int oy = iy - ky + g.padding;
        if (oy < 0 || oy >= g.outH)
        {
            continue;
        }
        for (int kx = 0; kx < g.kernel; ++kx)
        {
            const int ox = ix - kx + g.padding;
            if (ox < 0 || ox >= g.outW)
            {
                continue;
            }
            const int row = (c * g.kernel + ky) * g.kernel + kx;
            acc += cols[size_t(row) * width + size_t(s) * spatial + oy * g.outW + ox];
        }
    }
    gradIn[i] = acc;
}

/// For activation index i = (s * outC + c) * spatial + p: the index of the same value in the
/// GEMM layout [c][s * spatial + p].
__device__ size_t
GemmIndex(size_t i, int outC, int spatial, int batch)
{
    const size_t p = i % spatial;
    const size_t c = (i / spatial) % outC;
    const size_t s = i / (size_t(spatial) * outC);
    return c * batch * spatial + s * spatial + p;
}

__global__ void
ChannelsToSamplesKernel(const float* yt, const float* bias, float* out, int outC, int spatial,
                        int batch)
{
    const size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < size_t(batch) * outC * spatial)
    {
        out[i] = yt[GemmIndex(i, outC, spatial, batch)] + bias[(i / spatial) % outC];
    }
}

__global__ void
SamplesToChannelsKernel(const float* dy, float* dyt, int outC, int spatial, int batch)
{
    const size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < size_t(batch) * outC * spatial)
    {
        dyt[GemmIndex(i, outC, spatial, batch)] = dy[i];
    }
}

// One block per row; a fixed-shape tree reduction, so the result does not depend on timing.
__global__ void
RowSumsKernel(const float* x, float* sums, size_t cols)
{
    __shared__ float part[THREADS];
    const float* row = x + size_t(blockIdx.x) * cols;
    float acc = 0.0f;
    for (size_t j = threadIdx.x; j < cols; j += THREADS)
    {
        acc += row[j];
    }
    part[threadIdx.x] = acc;
    __syncthreads();
    for (int stride = THREADS / 2; stride > 0; stride /= 2)
    {
        if (int(threadIdx.x) < stride)
        {
            part[threadIdx.x] += part[threadIdx.x + stride];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0)
    {
        sums[blockIdx.x] = part[0];
    }
}

__global__ void
MaxPoolForwardKernel(const float* in, float* out, int32_t* argmax, PoolShape g, int batch)
{
    const size_t outSize = size_t(g.c) * g.outH * g.outW;
    const size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= size_t(batch) * outSize)
    {
        return;
    }
    const int ox = int(i % g.outW);
    const int oy = int((i / g.outW) % g.outH);
    const int c = int((i / (size_t(g.outW) * g.outH)) % g.c);
    const size_t s = i / outSize;
    const float* x = in + s * size_t(g.c) * g.h * g.w;
    int best = (c * g.h + oy * g.size) * g.w + ox * g.size;
    for (int dy = 0; dy < g.size; ++dy)
    {
        for (int dx = 0; dx < g.size; ++dx)
        {
            const int idx = (c * g.h + oy * g.size + dy) * g.w + ox * g.size + dx;
            if (x[idx] > x[best])
            {
                best = idx;
            }
        }
    }
    out[i] = x[best];
    argmax[i] = best;
}

// Windows do not overlap (stride = size), so each input has at most one writer.
__global__ void
MaxPoolBackwardKernel(const float* gradOut, const int32_t* argmax, float* gradIn, PoolShape g,
                      int batch)
{
    const size_t outSize = size_t(g.c) * g.outH * g.outW;
    const size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < size_t(batch) * outSize)
    {
        const size_t s = i / outSize;
        gradIn[s * size_t(g.c) * g.h * g.w + argmax[i]] += gradOut[i];
    }
}

__global__ void
SoftmaxCrossEntropyKernel(const float* logits, const int32_t* labels, int batch, int classes,
                          float* gradLogits, double* loss, int32_t* hit)
{
    const int s = blockIdx.x * blockDim.x + threadIdx.x;
    if (s >= batch)
    {
        return;
    }
    const float* z = logits + size_t(s) * classes;
    int best = 0;
    for (int k = 1; k < classes; ++k)
    {
        best = z[k] > z[best] ? k : best;
    }
    hit[s] = best == labels[s] ? 1 : 0;
    const double zmax = z[best];
    double sum = 0.0;
    for (int k = 0; k < classes; ++k)
    {
        sum += exp(double(z[k]) - zmax);
    }
    const double logSum = log(sum) + zmax;
    loss[s] = logSum - double(z[labels[s]]);
    if (gradLogits != nullptr)
    {
        float* g = gradLogits + size_t(s) * classes;
        for (int k = 0; k < classes; ++k)
        {
            const double p = exp(double(z[k]) - logSum);
            g[k] = float((p - (k == labels[s] ? 1.0 : 0.0)) / batch);
        }
    }
}

__global__ void
SgdUpdateKernel(float* x, float* m, const float* g, size_t n, float lr, float momentum,
                float weightDecay)
{
    const size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < n)
    {
        const float v = momentum * m[i] + g[i] + weightDecay * x[i];
        m[i] = v;
        x[i] -= lr * v;
    }
}

__global__ void
ScaleKernel(float* x, size_t n, float factor)
{
    const size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < n)
    {
        x[i] *= factor;
    }
}

__global__ void
AddKernel(float* x, const float* y, size_t n)
{
    const size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < n)
    {
        x[i] += y[i];
    }
}

// Sums in the CPU's order (own first, then each copy), then one multiplication by 1/count:
// bit-identical to RobustAverage and MeanOf.
__global__ void
AverageKernel(float* x, const float* copies, int k, size_t n, bool keepOwn)
{
    const size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= n || (keepOwn && k == 0))
    {
        return;
    }
    float acc = keepOwn ? x[i] : 0.0f;
    for (int j = 0; j < k; ++j)
    {
        acc += copies[size_t(j) * n + i];
    }
    const int count = keepOwn ? k + 1 : k;
    x[i] = count > 0 ? acc * (1.0f / float(count)) : 0.0f;
}

} // namespace

void
AddRowBias(float* y, const float* bias, int rows, int cols)
{
    AddRowBiasKernel<<<Blocks(size_t(rows) * cols), THREADS>>>(y, bias, rows, cols);
}

void
ColumnSums(const float* dy, float* db, int rows, int cols)
{
    ColumnSumsKernel<<<Blocks(cols), THREADS>>>(dy, db, rows, cols);
}

void
ReluForward(const float* in, float* out, size_t n)
{
    ReluForwardKernel<<<Blocks(n), THREADS>>>(in, out, n);
}

void
ReluBackward(const float* out, const float* gradOut, float* gradIn, size_t n)
{
    ReluBackwardKernel<<<Blocks(n), THREADS>>>(out, gradOut, gradIn, n);
}

void
Im2Col(const float* in, float* cols, const ConvShape& g, int batch)
{
    const size_t n = size_t(g.c) * g.kernel * g.kernel * batch * g.outH * g.outW;
    Im2ColKernel<<<Blocks(n), THREADS>>>(in, cols, g, batch);
}

void
Col2Im(const float* cols, float* gradIn, const ConvShape& g, int batch)
{
    Col2ImKernel<<<Blocks(size_t(batch) * g.c * g.h * g.w), THREADS>>>(cols, gradIn, g, batch);
}

void
ChannelsToSamples(const float* yt, const float* bias, float* out, int outC, int spatial, int batch)
{
    ChannelsToSamplesKernel<<<Blocks(size_t(batch) * outC * spatial), THREADS>>>(
        yt, bias, out, outC, spatial, batch);
}

void
SamplesToChannels(const float* dy, float* dyt, int outC, int spatial, int batch)
{
    SamplesToChannelsKernel<<<Blocks(size_t(batch) * outC * spatial), THREADS>>>(dy, dyt, outC,
                                                                                 spatial, batch);
}

void
RowSums(const float* dyt, float* db, int rows, size_t cols)
{
    RowSumsKernel<<<rows, THREADS>>>(dyt, db, cols);
}

void
MaxPoolForward(const float* in, float* out, int32_t* argmax, const PoolShape& g, int batch)
{
    MaxPoolForwardKernel<<<Blocks(size_t(batch) * g.c * g.outH * g.outW), THREADS>>>(
        in, out, argmax, g, batch);
}

void
MaxPoolBackward(const float* gradOut, const int32_t* argmax, float* gradIn, const PoolShape& g,
                int batch)
{
    cudaMemsetAsync(gradIn, 0, sizeof(float) * size_t(batch) * g.c * g.h * g.w);
    MaxPoolBackwardKernel<<<Blocks(size_t(batch) * g.c * g.outH * g.outW), THREADS>>>(
        gradOut, argmax, gradIn, g, batch);
}

void
SoftmaxCrossEntropy(const float* logits, const int32_t* labels, int batch, int classes,
                    float* gradLogits, double* loss, int32_t* hit)
{
    SoftmaxCrossEntropyKernel<<<Blocks(batch), THREADS>>>(logits, labels, batch, classes,
                                                          gradLogits, loss, hit);
}

void
SgdUpdate(float* x, float* m, const float* g, size_t n, float lr, float momentum, float weightDecay)
{
    SgdUpdateKernel<<<Blocks(n), THREADS>>>(x, m, g, n, lr, momentum, weightDecay);
}

void
Scale(float* x, size_t n, float factor)
{
    ScaleKernel<<<Blocks(n), THREADS>>>(x, n, factor);
}

void
Add(float* x, const float* y, size_t n)
{
    AddKernel<<<Blocks(n), THREADS>>>(x, y, n);
}

void
Average(float* x, const float* copies, int k, size_t n, bool keepOwn)
{
    AverageKernel<<<Blocks(n), THREADS>>>(x, copies, k, n, keepOwn);
}

} // namespace cuda
} // namespace dl
