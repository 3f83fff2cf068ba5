/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_SPEC_FIELDS_H
#define DL_SPEC_FIELDS_H

// Reading the short text specifications the helpers take (--straggler, --fail): fields
// separated by ':', times as ns-3 writes them (2ms, 1.5s). Private to the helpers.

#include "ns3/nstime.h"

#include <string>
#include <vector>

namespace ns3
{
namespace dlspec
{

/** \return \p text cut at every \p separator */
std::vector<std::string> Split(const std::string& text, char separator = ':');

/** \return true if \p text is an ns-3 time of at least 0, stored in \p t */
bool ParseTime(const std::string& text, Time* t);

/** \return true if \p text is an ns-3 time of at least 0, stored in \p seconds */
bool ParseSeconds(const std::string& text, double* seconds);

/** \return true if \p text is a finite number, stored in \p x */
bool ParseNumber(const std::string& text, double* x);

/** \return true if \p text is a whole number without sign, stored in \p x */
bool ParseIndex(const std::string& text, uint32_t* x);

} // namespace dlspec
} // namespace ns3

#endif // DL_SPEC_FIELDS_H
