/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "cuda-vector.h"

#include "cuda-kernels.h"

#include <cstring>

namespace dl
{
namespace cuda
{

CudaVector::CudaVector(size_t size)
    : m_size(size)
    , m_data(size)
{
}

size_t
CudaVector::Size() const
{
    return m_size;
}

float*
CudaVector::Data()
{
    return m_data.Data();
}

const float*
CudaVector::Data() const
{
    return m_data.Data();
}

void
CudaVector::Read(Slice s, float* host) const
{
    Check(
        cudaMemcpy(host, m_data.Data() + s.offset, s.count * sizeof(float), cudaMemcpyDeviceToHost),
        "read slice");
}

void
CudaVector::Write(Slice s, const float* host)
{
    Check(
        cudaMemcpy(m_data.Data() + s.offset, host, s.count * sizeof(float), cudaMemcpyHostToDevice),
        "write slice");
}

void
CudaVector::Stage(Slice s, const std::vector<const float*>& copies)
{
    if (copies.empty())
    {
        return; // nothing to upload (MeanOf of nothing writes zeros without reading copies)
    }
    if (copies.size() == 1)
    {
        m_staging.Upload(copies[0], s.count); // no packing needed
        return;
    }
    m_hostStage.resize(copies.size() * s.count);
    for (size_t j = 0; j < copies.size(); ++j)
    {
        std::memcpy(m_hostStage.data() + j * s.count, copies[j], s.count * sizeof(float));
    }
    m_staging.Upload(m_hostStage.data(), m_hostStage.size());
}

void
CudaVector::Add(Slice s, const float* host)
{
    if (s.count == 0)
    {
        return;
    }
    Stage(s, {host});
    cuda::Add(m_data.Data() + s.offset, m_staging.Data(), s.count);
    CheckLaunch("add");
}

void
CudaVector::Scale(float factor)
{
    if (m_size == 0)
    {
        return;
    }
    cuda::Scale(m_data.Data(), m_size, factor);
    CheckLaunch("scale");
}

void
CudaVector::SetZero()
{
    Check(cudaMemset(m_data.Data(), 0, m_size * sizeof(float)), "clear");
}

void
CudaVector::AverageWith(Slice s, const std::vector<const float*>& copies)
{
    if (s.count == 0 || copies.empty())
    {
        return;
    }
    Stage(s, copies);
    Average(m_data.Data() + s.offset, m_staging.Data(), int(copies.size()), s.count, true);
    CheckLaunch("average");
}

void
CudaVector::MeanOf(Slice s, const std::vector<const float*>& copies)
{
    if (s.count == 0)
    {
        return;
    }
    Stage(s, copies);
    Average(m_data.Data() + s.offset, m_staging.Data(), int(copies.size()), s.count, false);
    CheckLaunch("mean");
}

} // namespace cuda
} // namespace dl
