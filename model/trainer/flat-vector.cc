/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "flat-vector.h"

#include "layer.h"
#include "slice-ops.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace dl
{

FloatBuffer
FlatVector::ToHost() const
{
    FloatBuffer host(Size());
    Read(All(), host.data());
    return host;
}

void
FlatVector::FromHost(const FloatBuffer& host)
{
    if (host.size() != Size())
    {
        throw std::invalid_argument("FlatVector::FromHost: " + std::to_string(host.size())
                                    + " floats for a vector of " + std::to_string(Size()));
    }
    Write(All(), host.data());
}

Slice
FlatVector::All() const
{
    return Slice{0, uint32_t(Size())};
}

HostVector::HostVector(size_t size)
    : m_data(size, 0.0f)
{
}

size_t
HostVector::Size() const
{
    return m_data.size();
}

float*
HostVector::Data()
{
    return m_data.data();
}

const float*
HostVector::Data() const
{
    return m_data.data();
}

void
HostVector::Read(Slice s, float* host) const
{
    // An empty slice may come with a null buffer (an empty block's vector): memcpy must not see it.
    if (s.count > 0)
    {
        std::memcpy(host, m_data.data() + s.offset, s.count * sizeof(float));
    }
}

void
HostVector::Write(Slice s, const float* host)
{
    if (s.count > 0)
    {
        std::memcpy(m_data.data() + s.offset, host, s.count * sizeof(float));
    }
}

void
HostVector::Add(Slice s, const float* host)
{
    VectorView(m_data.data() + s.offset, s.count) += ConstVectorView(host, s.count);
}

void
HostVector::Scale(float factor)
{
    VectorView(m_data.data(), Eigen::Index(m_data.size())) *= factor;
}

void
HostVector::SetZero()
{
    std::fill(m_data.begin(), m_data.end(), 0.0f);
}

void
HostVector::AverageWith(Slice s, const std::vector<const float*>& copies)
{
    RobustAverage(m_data.data() + s.offset, copies, s.count);
}

void
HostVector::MeanOf(Slice s, const std::vector<const float*>& copies)
{
    dl::MeanOf(copies, s.count, m_data.data() + s.offset);
}

} // namespace dl
