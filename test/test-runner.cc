/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Debian ships no ns-3 test-runner: this is one, for the TestSuites linked into it.
//   dl-test-runner --list            dl-test-runner --suite=dl-rps-sync --verbose
#include "ns3/test.h"

int
main(int argc, char** argv)
{
    return ns3::TestRunner::Run(argc, argv);
}
