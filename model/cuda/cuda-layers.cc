/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "cuda-layers.h"

#include "conv2d-layer.h"
#include "dense-layer.h"
#include "flatten-layer.h"
#include "max-pool-layer.h"
#include "relu-layer.h"

namespace dl
{
namespace cuda
{
namespace
{

/// Row-major C[m x n] = op(A) op(B) through column-major cuBLAS: computes C^T = op(B)^T op(A)^T.
/// transA/transB say whether A ([m x k] or, transposed, [k x m]) and B are used transposed.
void
RowMajorGemm(bool transA, bool transB, int m, int n, int k, const float* a, const float* b,
             float* c, float beta = 0.0f)
{
    const float alpha = 1.0f;
    const int lda = transA ? m : k; // row length of A as stored
    const int ldb = transB ? k : n;
    CheckBlas(cublasSgemm(CudaContext::Get().Blas(), transB ? CUBLAS_OP_T : CUBLAS_OP_N,
                          transA ? CUBLAS_OP_T : CUBLAS_OP_N, n, m, k, &alpha, b, ldb, a, lda,
                          &beta, c, n),
              "sgemm");
}

} // namespace

CudaLayer::CudaLayer(const Layer& cpu)
    : Layer(cpu.InputShape())
    , m_cpu(cpu)
{
}

std::string
CudaLayer::Describe() const
{
    return m_cpu.Describe();
}

Shape
CudaLayer::OutputShape() const
{
    return m_cpu.OutputShape();
}

size_t
CudaLayer::ParamCount() const
{
    return m_cpu.ParamCount();
}

CudaDenseLayer::CudaDenseLayer(const Layer& cpu)
    : CudaLayer(cpu)
    , m_in(cpu.InputShape().Size())
    , m_out(cpu.OutputShape().Size())
{
}

void
CudaDenseLayer::Forward(const float* params, const float* in, float* out, int batch)
{
    RowMajorGemm(false, true, batch, m_out, m_in, in, params, out); // [b x in] [out x in]^T
    AddRowBias(out, params + size_t(m_out) * m_in, batch, m_out);
    CheckLaunch("dense forward");
}

void
CudaDenseLayer::Backward(const float* params, const float* in, const float* /*out*/,
                         const float* gradOut, float* gradParams, float* gradIn, int batch)
{
    RowMajorGemm(true, false, m_out, m_in, batch, gradOut, in, gradParams); // dy^T x
    ColumnSums(gradOut, gradParams + size_t(m_out) * m_in, batch, m_out);
    if (gradIn != nullptr)
    {
        RowMajorGemm(false, false, batch, m_in, m_out, gradOut, params, gradIn); // dy W
    }
    CheckLaunch("dense backward");
}

CudaReluLayer::CudaReluLayer(const Layer& cpu)
    : CudaLayer(cpu)
{
}

void
CudaReluLayer::Forward(const float* /*params*/, const float* in, float* out, int batch)
{
    ReluForward(in, out, size_t(batch) * m_input.Size());
    CheckLaunch("relu forward");
}

void
CudaReluLayer::Backward(const float* /*params*/, const float* /*in*/, const float* out,
                        const float* gradOut, float* /*gradParams*/, float* gradIn, int batch)
{
    if (gradIn != nullptr)
    {
        ReluBackward(out, gradOut, gradIn, size_t(batch) * m_input.Size());
        CheckLaunch("relu backward");
    }
}

CudaFlattenLayer::CudaFlattenLayer(const Layer& cpu)
    : CudaLayer(cpu)
{
}

void
CudaFlattenLayer::Forward(const float* /*params*/, const float* in, float* out, int batch)
{
    Check(cudaMemcpy(out, in, sizeof(float) * size_t(batch) * m_input.Size(),
                     cudaMemcpyDeviceToDevice),
          "flatten");
}

void
CudaFlattenLayer::Backward(const float* /*params*/, const float* /*in*/, const float* /*out*/,
                           const float* gradOut, float* /*gradParams*/, float* gradIn, int batch)
{
    if (gradIn != nullptr)
    {
        Check(cudaMemcpy(gradIn, gradOut, sizeof(float) * size_t(batch) * m_input.Size(),
                         cudaMemcpyDeviceToDevice),
              "flatten");
    }
}

CudaConv2dLayer::CudaConv2dLayer(const Layer& cpu)
    : CudaLayer(cpu)
{
    const auto& conv = dynamic_cast<const Conv2dLayer&>(cpu);
    const Shape in = cpu.InputShape();
    const Shape out = cpu.OutputShape();
    m_g = ConvShape{in.c,          in.h,           in.w,  conv.OutChannels(),
                    conv.Kernel(), conv.Padding(), out.h, out.w};
}

void
CudaConv2dLayer::Forward(const float* params, const float* in, float* out, int batch)
{
    const int patch = m_g.c * m_g.kernel * m_g.kernel;
    const int spatial = m_g.outH * m_g.outW;
    const int width = batch * spatial;
    m_cols.Reserve(size_t(patch) * width);
    m_gemm.Reserve(size_t(m_g.outC) * width);
    Im2Col(in, m_cols.Data(), m_g, batch);
    RowMajorGemm(false, false, m_g.outC, width, patch, params, m_cols.Data(), m_gemm.Data());
    ChannelsToSamples(m_gemm.Data(), params + size_t(m_g.outC) * patch, out, m_g.outC, spatial,
                      batch);
    CheckLaunch("conv2d forward");
}

void
CudaConv2dLayer::Backward(const float* params, const float* /*in*/, const float* /*out*/,
                          const float* gradOut, float* gradParams, float* gradIn, int batch)
{
    const int patch = m_g.c * m_g.kernel * m_g.kernel;
    const int spatial = m_g.outH * m_g.outW;
    const int width = batch * spatial;
    SamplesToChannels(gradOut, m_gemm.Data(), m_g.outC, spatial, batch);
    RowMajorGemm(false, true, m_g.outC, patch, width, m_gemm.Data(), m_cols.Data(),
                 gradParams); // dW = dy cols^T
    RowSums(m_gemm.Data(), gradParams + size_t(m_g.outC) * patch, m_g.outC, size_t(width));
    if (gradIn != nullptr)
    {
        m_dcols.Reserve(size_t(patch) * width);
        RowMajorGemm(true, false, patch, width, m_g.outC, params, m_gemm.Data(),
                     m_dcols.Data()); // W^T dy
        Col2Im(m_dcols.Data(), gradIn, m_g, batch);
    }
    CheckLaunch("conv2d backward");
}

CudaMaxPoolLayer::CudaMaxPoolLayer(const Layer& cpu)
    : CudaLayer(cpu)
{
    const auto& pool = dynamic_cast<const MaxPoolLayer&>(cpu);
    const Shape in = cpu.InputShape();
    const Shape out = cpu.OutputShape();
    m_g = PoolShape{in.c, in.h, in.w, pool.Size(), out.h, out.w};
}

void
CudaMaxPoolLayer::Forward(const float* /*params*/, const float* in, float* out, int batch)
{
    m_argmax.Reserve(size_t(batch) * OutputShape().Size());
    MaxPoolForward(in, out, m_argmax.Data(), m_g, batch);
    CheckLaunch("max-pool forward");
}

void
CudaMaxPoolLayer::Backward(const float* /*params*/, const float* /*in*/, const float* /*out*/,
                           const float* gradOut, float* /*gradParams*/, float* gradIn, int batch)
{
    if (gradIn != nullptr)
    {
        MaxPoolBackward(gradOut, m_argmax.Data(), gradIn, m_g, batch);
        CheckLaunch("max-pool backward");
    }
}

std::unique_ptr<Layer>
MakeCudaLayer(const Layer& cpu)
{
    if (const auto* dense = dynamic_cast<const DenseLayer*>(&cpu);
        dense != nullptr && dense->Steps() == 1)
    {
        return std::make_unique<CudaDenseLayer>(cpu);
    }
    if (dynamic_cast<const ReluLayer*>(&cpu) != nullptr)
    {
        return std::make_unique<CudaReluLayer>(cpu);
    }
    if (dynamic_cast<const FlattenLayer*>(&cpu) != nullptr)
    {
        return std::make_unique<CudaFlattenLayer>(cpu);
    }
    if (const auto* conv = dynamic_cast<const Conv2dLayer*>(&cpu);
        conv != nullptr && conv->Stride() == 1 && conv->HasBias())
    {
        return std::make_unique<CudaConv2dLayer>(cpu);
    }
    if (dynamic_cast<const MaxPoolLayer*>(&cpu) != nullptr)
    {
        return std::make_unique<CudaMaxPoolLayer>(cpu);
    }
    throw DataError("backend 'cuda' has no kernel for layer '" + cpu.Describe() + "'");
}

} // namespace cuda
} // namespace dl
