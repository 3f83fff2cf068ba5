/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "flow-size-cdf.h"

#include "ns3/dataset.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace ns3
{

FlowSizeCdf
FlowSizeCdf::WebSearch()
{
    return FlowSizeCdf({{0, 0},
                        {10e3, 0.15},
                        {20e3, 0.2},
                        {30e3, 0.3},
                        {50e3, 0.4},
                        {80e3, 0.53},
                        {200e3, 0.6},
                        {1e6, 0.7},
                        {2e6, 0.8},
                        {5e6, 0.9},
                        {10e6, 0.97},
                        {30e6, 1.0}},
                       "web-search");
}

FlowSizeCdf
FlowSizeCdf::Load(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
    {
        throw dl::DataError("cannot read flow-size CDF '" + path + "'");
    }
    std::vector<Point> points;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number)
    {
        line = line.substr(0, line.find('#'));
        std::istringstream fields(line);
        Point p;
        std::string rest;
        if (!(fields >> p.first))
        {
            if (line.find_first_not_of(" \t\r") == std::string::npos)
            {
                continue; // blank or comment
            }
            throw dl::DataError(path + ":" + std::to_string(number)
                                + ": expected 'size probability'");
        }
        if (!(fields >> p.second) || (fields >> rest))
        {
            throw dl::DataError(path + ":" + std::to_string(number)
                                + ": expected 'size probability'");
        }
        points.push_back(p);
    }
    return FlowSizeCdf(std::move(points), path);
}

FlowSizeCdf::FlowSizeCdf(std::vector<Point> points, std::string name)
    : m_points(std::move(points))
    , m_name(std::move(name))
{
    auto fail = [this](const std::string& why) {
        throw dl::DataError("flow-size CDF '" + m_name + "' is not a CDF: " + why);
    };
    if (m_points.size() < 2)
    {
        fail("it needs at least two points");
    }
    for (size_t i = 0; i < m_points.size(); ++i)
    {
        const auto [size, p] = m_points[i];
        if (!std::isfinite(size) || size < 0 || !std::isfinite(p) || p < 0 || p > 1)
        {
            fail("point " + std::to_string(i + 1) + " is outside sizes >= 0, probabilities [0, 1]");
        }
        if (i > 0 && size <= m_points[i - 1].first)
        {
            fail("sizes are not increasing at point " + std::to_string(i + 1));
        }
        if (i > 0 && p < m_points[i - 1].second)
        {
            fail("probabilities decrease at point " + std::to_string(i + 1));
        }
    }
    if (std::abs(m_points.back().second - 1.0) > 1e-9)
    {
        fail("it ends at " + std::to_string(m_points.back().second) + ", not 1");
    }
}

uint64_t
FlowSizeCdf::Sample(double u) const
{
    // The first point's probability is a mass at its size; between points, linear.
    auto it = std::lower_bound(m_points.begin(), m_points.end(), u,
                               [](const Point& p, double v) { return p.second <= v; });
    double size = m_points.back().first;
    if (it == m_points.begin())
    {
        size = it->first;
    }
    else if (it != m_points.end())
    {
        const Point& a = *(it - 1);
        const Point& b = *it;
        size = a.first + (b.first - a.first) * (u - a.second) / (b.second - a.second);
    }
    return std::max<uint64_t>(1, uint64_t(std::llround(size)));
}

double
FlowSizeCdf::Mean() const
{
    double mean = m_points.front().first * m_points.front().second;
    for (size_t i = 1; i < m_points.size(); ++i)
    {
        const Point& a = m_points[i - 1];
        const Point& b = m_points[i];
        mean += (b.second - a.second) * (a.first + b.first) / 2;
    }
    return mean;
}

} // namespace ns3
