/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef HASH_MIX_H
#define HASH_MIX_H

#include <cstdint>

namespace ns3
{
namespace dlhash
{

/**
 * \ingroup distributed-learning
 * splitmix64's finaliser: spreads every bit of \p x over the result, so that keys differing in
 * one bit give unrelated values (ECMP flow hashes, loss decisions keyed by arrival time).
 * \param x the key
 * \return its hash
 */
inline uint64_t
Mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/**
 * \param h a hash
 * \return a number in [0, 1) from its 53 high bits
 */
inline double
ToUnit(uint64_t h)
{
    return double(h >> 11) * 0x1.0p-53;
}

} // namespace dlhash
} // namespace ns3

#endif // HASH_MIX_H
