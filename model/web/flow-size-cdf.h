/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef FLOW_SIZE_CDF_H
#define FLOW_SIZE_CDF_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \ingroup dl-web
 * An empirical flow-size distribution: a piecewise-linear CDF over bytes, as the data-centre
 * transport literature publishes them (points "size probability", increasing, ending at 1).
 * Sampling inverts the CDF with linear interpolation between points.
 */
class FlowSizeCdf
{
  public:
    /// (size in bytes, cumulative probability)
    using Point = std::pair<double, double>;

    /**
     * The web-search workload of DCTCP (Alizadeh et al., "Data Center TCP", SIGCOMM 2010,
     * Fig. 4; the tabulation pFabric and later papers use): heavy-tailed, most flows under
     * 100 KB, most bytes in flows of 1-30 MB.
     */
    static FlowSizeCdf WebSearch();

    /**
     * Read a CDF file: one "size_bytes cumulative_probability" pair per line ('#' starts a
     * comment).
     * \throws dl::DataError naming the file and the problem
     */
    static FlowSizeCdf Load(const std::string& path);

    /**
     * \param points the CDF: sizes >= 0 and strictly increasing, probabilities in [0, 1], not
     *        decreasing, the last 1
     * \param name what to call it in errors and summaries
     * \throws dl::DataError if it is not a CDF
     */
    FlowSizeCdf(std::vector<Point> points, std::string name);

    /** \return the flow size at quantile \p u in [0, 1) (at least 1 byte) */
    uint64_t Sample(double u) const;

    /** \return the mean flow size in bytes */
    double Mean() const;

    /** \return its name (the file, or "web-search") */
    const std::string& GetName() const
    {
        return m_name;
    }

  private:
    std::vector<Point> m_points; //!< the CDF
    std::string m_name;          //!< what it is called
};

} // namespace ns3

#endif // FLOW_SIZE_CDF_H
