/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_FLAT_VECTOR_H
#define DL_FLAT_VECTOR_H

#include "float-buffer.h"
#include "slice.h"

#include <cstddef>
#include <vector>

namespace dl
{

/**
 * \ingroup dl-trainer
 * One of a replica's flat float vectors (parameters, gradient, momentum) in the memory of the
 * backend that computes on it: host memory for the CPU backend, device memory for CUDA. The
 * network side touches it only through these slice operations, so that with a GPU the packet
 * payloads are the only floats that cross between device and host, and the per-round averaging
 * runs where the vector lives. Host arrays passed in or out are always host memory.
 */
class FlatVector
{
  public:
    virtual ~FlatVector() = default;

    /** \return the number of floats */
    virtual size_t Size() const = 0;
    /** \return the backend's pointer to the floats (a device pointer for CUDA) */
    virtual float* Data() = 0;
    /** \return the backend's pointer to the floats (a device pointer for CUDA) */
    virtual const float* Data() const = 0;

    /** Copy slice \p s out to \p host (s.count floats). */
    virtual void Read(Slice s, float* host) const = 0;
    /** Overwrite slice \p s with \p host. */
    virtual void Write(Slice s, const float* host) = 0;
    /** Slice \p s += \p host (the ring's reduce step). */
    virtual void Add(Slice s, const float* host) = 0;
    /** Multiply every element by \p factor. */
    virtual void Scale(float factor) = 0;
    /** Set every element to zero. */
    virtual void SetZero() = 0;
    /**
     * Slice \p s becomes the mean of itself and \p copies (host arrays of s.count floats),
     * summed in the order given: RPS's robust average over what arrived. No copies: unchanged.
     */
    virtual void AverageWith(Slice s, const std::vector<const float*>& copies) = 0;
    /** Slice \p s becomes the mean of \p copies alone (zeros when there are none). */
    virtual void MeanOf(Slice s, const std::vector<const float*>& copies) = 0;

    /** \return the whole vector in host memory */
    FloatBuffer ToHost() const;
    /** Overwrite the whole vector from \p host (Size() floats). */
    void FromHost(const FloatBuffer& host);
    /** \return the slice covering the whole vector */
    Slice All() const;
};

/**
 * \ingroup dl-trainer
 * A FlatVector in host memory: the CPU backend's, and the reference every other one is checked
 * against.
 */
class HostVector : public FlatVector
{
  public:
    /** \param size number of floats, zero-initialised */
    explicit HostVector(size_t size);

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
    FloatBuffer m_data; //!< the floats
};

} // namespace dl

#endif // DL_FLAT_VECTOR_H
