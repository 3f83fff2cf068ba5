/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_CUDA_LAYERS_H
#define DL_CUDA_LAYERS_H

#include "cuda-kernels.h"
#include "device-buffer.h"
#include "layer.h"

#include <memory>

namespace dl
{
namespace cuda
{

/**
 * \ingroup dl-trainer
 * The device twin of a CPU layer: the same Layer interface, shapes, parameter layout and
 * results (to float rounding), with every pointer in device memory. The twins are small, so
 * they share this file; each mirrors the CPU class named in its comment.
 */
class CudaLayer : public Layer
{
  public:
    /** \param cpu the layer this one mirrors, which describes it (must outlive it) */
    explicit CudaLayer(const Layer& cpu);

    /// The CUDA backend serves one thread (SetLanes), so its layers are never copied.
    std::unique_ptr<Layer> Clone() const override
    {
        throw DataError("a CUDA layer is not copied: the CUDA backend serves one thread");
    }

    std::string Describe() const override;
    Shape OutputShape() const override;
    size_t ParamCount() const override;

  private:
    const Layer& m_cpu; //!< the CPU layer: shapes, parameter count, description
};

/** DenseLayer on cuBLAS: y = x W^T + b. */
class CudaDenseLayer : public CudaLayer
{
  public:
    /** \param cpu the CPU layer */
    explicit CudaDenseLayer(const Layer& cpu);
    void Forward(const float* params, const float* in, float* out, int batch) override;
    void Backward(const float* params, const float* in, const float* out, const float* gradOut,
                  float* gradParams, float* gradIn, int batch) override;

  private:
    int m_in;  //!< input features
    int m_out; //!< output units
};

/** ReluLayer. */
class CudaReluLayer : public CudaLayer
{
  public:
    /** \param cpu the CPU layer */
    explicit CudaReluLayer(const Layer& cpu);
    void Forward(const float* params, const float* in, float* out, int batch) override;
    void Backward(const float* params, const float* in, const float* out, const float* gradOut,
                  float* gradParams, float* gradIn, int batch) override;
};

/** FlattenLayer: a device-to-device copy. */
class CudaFlattenLayer : public CudaLayer
{
  public:
    /** \param cpu the CPU layer */
    explicit CudaFlattenLayer(const Layer& cpu);
    void Forward(const float* params, const float* in, float* out, int batch) override;
    void Backward(const float* params, const float* in, const float* out, const float* gradOut,
                  float* gradParams, float* gradIn, int batch) override;
};

/**
 * Conv2dLayer as im2col + one cuBLAS GEMM for the whole batch (the CPU runs one GEMM per
 * sample): columns are laid out [patch][batch * spatial].
 */
class CudaConv2dLayer : public CudaLayer
{
  public:
    /** \param cpu the CPU layer (a Conv2dLayer) */
    explicit CudaConv2dLayer(const Layer& cpu);
    void Forward(const float* params, const float* in, float* out, int batch) override;
    void Backward(const float* params, const float* in, const float* out, const float* gradOut,
                  float* gradParams, float* gradIn, int batch) override;

  private:
    ConvShape m_g;               //!< geometry
    DeviceBuffer<float> m_cols;  //!< im2col of the last forward batch, reused by Backward
    DeviceBuffer<float> m_gemm;  //!< [outC][batch * spatial] GEMM output / gradient
    DeviceBuffer<float> m_dcols; //!< column gradients
};

/** MaxPoolLayer (non-overlapping windows). */
class CudaMaxPoolLayer : public CudaLayer
{
  public:
    /** \param cpu the CPU layer (a MaxPoolLayer) */
    explicit CudaMaxPoolLayer(const Layer& cpu);
    void Forward(const float* params, const float* in, float* out, int batch) override;
    void Backward(const float* params, const float* in, const float* out, const float* gradOut,
                  float* gradParams, float* gradIn, int batch) override;

  private:
    PoolShape m_g;                  //!< geometry
    DeviceBuffer<int32_t> m_argmax; //!< per output of the last forward batch
};

/**
 * \return the device twin of \p cpu (which must outlive it)
 * \throws DataError for a layer type without a twin
 */
std::unique_ptr<Layer> MakeCudaLayer(const Layer& cpu);

} // namespace cuda
} // namespace dl

#endif // DL_CUDA_LAYERS_H
