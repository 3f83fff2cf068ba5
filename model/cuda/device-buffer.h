/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_DEVICE_BUFFER_H
#define DL_DEVICE_BUFFER_H

#include "cuda-context.h"

#include <cstddef>
#include <utility>

namespace dl
{
namespace cuda
{

/**
 * \ingroup dl-trainer
 * An array of T in device memory that owns its allocation. Reserve() only grows, so a buffer
 * sized for the largest batch is allocated once.
 */
template<typename T> class DeviceBuffer
{
  public:
    DeviceBuffer() = default;

    /** \param n elements, zero-filled */
    explicit DeviceBuffer(size_t n)
    {
        Reserve(n);
        if (n > 0)
        {
            Check(cudaMemset(m_data, 0, n * sizeof(T)), "clear buffer");
        }
    }

    ~DeviceBuffer()
    {
        cudaFree(m_data);
    }

    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;

    DeviceBuffer(DeviceBuffer&& o) noexcept
        : m_data(std::exchange(o.m_data, nullptr))
        , m_size(std::exchange(o.m_size, 0))
    {
    }

    /** Make room for at least \p n elements (contents are lost when it grows). */
    void Reserve(size_t n)
    {
        if (n <= m_size)
        {
            return;
        }
        cudaFree(m_data);
        m_data = nullptr;
        m_size = 0;
        Check(cudaMalloc(reinterpret_cast<void**>(&m_data), n * sizeof(T)), "allocate");
        m_size = n;
    }

    /** Copy \p n elements from the host. */
    void Upload(const T* host, size_t n)
    {
        Reserve(n);
        if (n > 0)
        {
            Check(cudaMemcpy(m_data, host, n * sizeof(T), cudaMemcpyHostToDevice), "upload");
        }
    }

    /** Copy \p n elements to the host (waits for the kernels before it). */
    void Download(T* host, size_t n) const
    {
        if (n > 0)
        {
            Check(cudaMemcpy(host, m_data, n * sizeof(T), cudaMemcpyDeviceToHost), "download");
        }
    }

    /** \return the device pointer */
    T* Data()
    {
        return m_data;
    }

    /** \return the device pointer */
    const T* Data() const
    {
        return m_data;
    }

    /** \return the capacity in elements */
    size_t Size() const
    {
        return m_size;
    }

  private:
    T* m_data{nullptr}; //!< device memory
    size_t m_size{0};   //!< capacity
};

} // namespace cuda
} // namespace dl

#endif // DL_DEVICE_BUFFER_H
