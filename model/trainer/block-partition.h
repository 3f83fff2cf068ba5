/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_BLOCK_PARTITION_H
#define DL_BLOCK_PARTITION_H

#include "slice.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace dl
{

/**
 * \ingroup dl-trainer
 * How the flat parameter vector is cut for exchange: into numBlocks contiguous blocks (block j
 * is owned by worker j), each block into chunks of at most floatsPerChunk floats (one chunk per
 * packet), and each block into aggregation units: one unit per chunk (packet granularity) or one
 * unit for the whole block (block granularity, lost if any of its chunks is lost).
 */
class BlockPartition
{
  public:
    /** Aggregation unit. */
    enum Granularity
    {
        PACKET, //!< a unit is one chunk (one packet)
        BLOCK   //!< a unit is a whole block
    };

    /**
     * \param paramCount floats in the flat vector
     * \param numBlocks number of blocks (workers); block sizes differ by at most one float
     * \param floatsPerChunk the largest chunk (floats per packet payload)
     * \param granularity the aggregation unit
     */
    BlockPartition(size_t paramCount, uint32_t numBlocks, uint32_t floatsPerChunk,
                   Granularity granularity);

    /** \return the number of blocks */
    uint32_t Blocks() const
    {
        return uint32_t(m_blocks.size());
    }

    /** \return the floats in the flat vector */
    size_t ParamCount() const
    {
        return m_paramCount;
    }

    /** \return block \p b's slice */
    Slice BlockSlice(uint32_t b) const
    {
        return m_blocks[b];
    }

    /** \return the number of chunks of block \p b */
    uint32_t Chunks(uint32_t b) const
    {
        return m_chunkBase[b + 1] - m_chunkBase[b];
    }

    /** \return the slice of chunk \p c of block \p b (absolute offset) */
    Slice ChunkSlice(uint32_t b, uint32_t c) const;

    /** \return the number of aggregation units of block \p b */
    uint32_t Units(uint32_t b) const
    {
        return m_granularity == PACKET ? Chunks(b) : 1;
    }

    /** \return the unit that chunk \p c of block \p b belongs to */
    uint32_t UnitOfChunk(uint32_t c) const
    {
        return m_granularity == PACKET ? c : 0;
    }

    /** \return the number of chunks in unit \p u of block \p b */
    uint32_t ChunksInUnit(uint32_t b, uint32_t u) const
    {
        return m_granularity == PACKET ? 1 : Chunks(b);
    }

    /** \return the slice of unit \p u of block \p b (absolute offset) */
    Slice UnitSlice(uint32_t b, uint32_t u) const
    {
        return m_granularity == PACKET ? ChunkSlice(b, u) : m_blocks[b];
    }

    /** \return the index of chunk 0 of block \p b when all chunks are numbered block by block */
    uint32_t ChunkBase(uint32_t b) const
    {
        return m_chunkBase[b];
    }

    /** \return the index of unit 0 of block \p b when all units are numbered block by block */
    uint32_t UnitBase(uint32_t b) const
    {
        return m_granularity == PACKET ? m_chunkBase[b] : b;
    }

    /** \return the total number of chunks (packets to send the whole vector once) */
    uint32_t TotalChunks() const
    {
        return m_chunkBase.back();
    }

    /** \return the total number of units */
    uint32_t TotalUnits() const
    {
        return m_granularity == PACKET ? TotalChunks() : Blocks();
    }

    /** \return the number of blocks holding at least one float */
    uint32_t NonEmptyBlocks() const
    {
        return uint32_t(std::count_if(m_blocks.begin(), m_blocks.end(),
                                      [](const Slice& s) { return s.count > 0; }));
    }

    /** \return the floats of the largest block */
    uint32_t LargestBlock() const
    {
        uint32_t largest = 0;
        for (const Slice& s : m_blocks)
        {
            largest = std::max(largest, s.count);
        }
        return largest;
    }

    /** \return the largest chunk */
    uint32_t FloatsPerChunk() const
    {
        return m_floatsPerChunk;
    }

    /** \return the aggregation unit */
    Granularity GetGranularity() const
    {
        return m_granularity;
    }

  private:
    size_t m_paramCount;               //!< floats in the vector
    uint32_t m_floatsPerChunk;         //!< largest chunk
    Granularity m_granularity;         //!< aggregation unit
    std::vector<Slice> m_blocks;       //!< block slices
    std::vector<uint32_t> m_chunkBase; //!< prefix sums of chunks per block (size blocks + 1)
};

} // namespace dl

#endif // DL_BLOCK_PARTITION_H
