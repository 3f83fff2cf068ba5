/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "spec-fields.h"

#include "ns3/nstime.h"

#include <cmath>
#include <cstdlib>

namespace ns3
{
namespace dlspec
{

std::vector<std::string>
Split(const std::string& text, char separator)
{
    std::vector<std::string> fields;
    for (size_t start = 0;;)
    {
        const size_t cut = text.find(separator, start);
        fields.push_back(text.substr(start, cut - start));
        if (cut == std::string::npos)
        {
            return fields;
        }
        start = cut + 1;
    }
}

bool
ParseTime(const std::string& text, Time* t)
{
    TimeValue v;
    if (!v.DeserializeFromString(text, MakeTimeChecker()) || v.Get().IsStrictlyNegative())
    {
        return false;
    }
    *t = v.Get();
    return true;
}

bool
ParseSeconds(const std::string& text, double* seconds)
{
    Time t;
    if (!ParseTime(text, &t))
    {
        return false;
    }
    *seconds = t.GetSeconds();
    return true;
}

bool
ParseNumber(const std::string& text, double* x)
{
    char* end = nullptr;
    *x = std::strtod(text.c_str(), &end);
    return !text.empty() && *end == '\0' && std::isfinite(*x);
}

bool
ParseIndex(const std::string& text, uint32_t* x)
{
    if (text.empty() || text.size() > 9
        || text.find_first_not_of("0123456789") != std::string::npos)
    {
        return false;
    }
    *x = uint32_t(std::stoul(text));
    return true;
}

} // namespace dlspec
} // namespace ns3
