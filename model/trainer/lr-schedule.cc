/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "lr-schedule.h"

#include "dataset.h"

#include <algorithm>
#include <cmath>

namespace dl
{

double
LrSchedule::At(uint64_t step) const
{
    if (step < warmupSteps)
    {
        return base * double(step + 1) / double(warmupSteps);
    }
    switch (kind)
    {
        case STEP:
            return base * std::pow(gamma, double(step / std::max<uint64_t>(1, stepSize)));
        case COSINE: {
            const double t
                = std::min(1.0, double(step) / double(std::max<uint64_t>(1, totalSteps)));
            return 0.5 * base * (1.0 + std::cos(M_PI * t));
        }
        case CONSTANT:
        default:
            return base;
    }
}

LrSchedule::Kind
LrSchedule::ParseKind(const std::string& name)
{
    if (name == "constant")
    {
        return CONSTANT;
    }
    if (name == "step")
    {
        return STEP;
    }
    if (name == "cosine")
    {
        return COSINE;
    }
    throw DataError("unknown learning-rate schedule '" + name
                    + "' (expected constant, step or cosine)");
}

} // namespace dl
