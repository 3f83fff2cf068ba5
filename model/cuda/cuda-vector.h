/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_CUDA_VECTOR_H
#define DL_CUDA_VECTOR_H

#include "device-buffer.h"
#include "flat-vector.h"

namespace dl
{
namespace cuda
{

/**
 * \ingroup dl-trainer
 * A FlatVector in device memory. Slice operations move only the slice (and the arrived copies)
 * across PCIe; the averaging itself is a kernel that sums in HostVector's order, so its results
 * are bit-identical to the CPU reference.
 */
class CudaVector : public FlatVector
{
  public:
    /** \param size number of floats, zero-initialised */
    explicit CudaVector(size_t size);

    size_t Size() const override;
    float* Data() override;
    const float* Data() const override;
    void Read(Slice s, float* host) const override;
    void Write(Slice s, const float* host) override;
    void Add(Slice s, const float* host) override;
    void Scale(float factor) override;
    void SetZero() override;
    void AverageWith(Slice s, const std::vector<const float*>& copies) override;
    void MeanOf(Slice s, const std::vector<const float*>& copies) override;

  private:
    /// Upload \p copies (s.count floats each) into m_staging, one after the other (packed on
    /// the host first when there are several: one transfer instead of one per copy).
    void Stage(Slice s, const std::vector<const float*>& copies);

    size_t m_size;                  //!< floats
    DeviceBuffer<float> m_data;     //!< the vector
    DeviceBuffer<float> m_staging;  //!< arrived copies on their way into a kernel
    std::vector<float> m_hostStage; //!< the copies packed for one upload
};

} // namespace cuda
} // namespace dl

#endif // DL_CUDA_VECTOR_H
