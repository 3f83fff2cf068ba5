/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_FUZZ_CHECK_H
#define DL_FUZZ_CHECK_H

#include <cstdio>
#include <cstdlib>

/**
 * A fuzz harness's invariant: on violation, say which and abort, so that libFuzzer (and the
 * corpus replay under ctest) reports the input as a failure.
 */
#define DL_FUZZ_CHECK(cond)                                                                   \
    do                                                                                        \
    {                                                                                         \
        if (!(cond))                                                                          \
        {                                                                                     \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                     \
        }                                                                                     \
    } while (false)

#endif // DL_FUZZ_CHECK_H
