/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_SLICE_H
#define DL_SLICE_H

#include <cstdint>

namespace dl
{

/** A slice of a flat vector: \p count floats from \p offset. */
struct Slice
{
    uint32_t offset{0}; //!< first float
    uint32_t count{0};  //!< number of floats
};

} // namespace dl

#endif // DL_SLICE_H
