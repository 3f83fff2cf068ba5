/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Catch2 (v2) entry point for the trainer tests: the trainer has no ns-3 dependency.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
