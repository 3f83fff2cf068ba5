/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_TEST_COMPAT_H
#define DL_TEST_COMPAT_H

// The tests' side of the differences between ns-3 releases (the library's are in
// model/ns3-compat.h): ns-3.42 turned TestSuite's type and TestCase's duration into enum
// classes.

#include "ns3/test.h"

#ifndef DL_NS3_MINOR
#    error "DL_NS3_MINOR (the ns-3 minor release, e.g. 37) must be defined by the build"
#endif

namespace ns3
{
namespace dlcompat
{

#if DL_NS3_MINOR >= 42
constexpr TestSuite::Type UNIT_SUITE = TestSuite::Type::UNIT;     //!< a unit-test suite
constexpr TestSuite::Type SYSTEM_SUITE = TestSuite::Type::SYSTEM; //!< a system-test suite
constexpr TestCase::Duration QUICK = TestCase::Duration::QUICK;   //!< a quick test case
#else
constexpr TestSuite::Type UNIT_SUITE = TestSuite::UNIT;     //!< a unit-test suite
constexpr TestSuite::Type SYSTEM_SUITE = TestSuite::SYSTEM; //!< a system-test suite
constexpr TestCase::TestDuration QUICK = TestCase::QUICK;   //!< a quick test case
#endif

} // namespace dlcompat
} // namespace ns3

#endif // DL_TEST_COMPAT_H
