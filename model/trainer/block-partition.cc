/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "block-partition.h"

#include "dataset.h"

#include <algorithm>
#include <limits>

namespace dl
{

BlockPartition::BlockPartition(size_t paramCount, uint32_t numBlocks, uint32_t floatsPerChunk,
                               Granularity granularity)
    : m_paramCount(paramCount)
    , m_floatsPerChunk(floatsPerChunk)
    , m_granularity(granularity)
{
    if (numBlocks < 1 || floatsPerChunk < 1)
    {
        throw DataError("block partition: need at least one block and one float per chunk");
    }
    if (paramCount > std::numeric_limits<uint32_t>::max())
    {
        throw DataError("block partition: more than 2^32 parameters are not supported");
    }
    m_chunkBase.push_back(0);
    uint32_t offset = 0;
    for (uint32_t b = 0; b < numBlocks; ++b)
    {
        const uint32_t count = uint32_t(paramCount / numBlocks + (b < paramCount % numBlocks));
        m_blocks.push_back(Slice{offset, count});
        offset += count;
        m_chunkBase.push_back(m_chunkBase.back() + (count + floatsPerChunk - 1) / floatsPerChunk);
    }
}

Slice
BlockPartition::ChunkSlice(uint32_t b, uint32_t c) const
{
    const Slice block = m_blocks[b];
    const uint32_t begin = c * m_floatsPerChunk;
    return Slice{block.offset + begin, std::min(m_floatsPerChunk, block.count - begin)};
}

} // namespace dl
