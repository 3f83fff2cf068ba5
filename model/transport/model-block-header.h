/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef MODEL_BLOCK_HEADER_H
#define MODEL_BLOCK_HEADER_H

#include "ns3/header.h"

#include <cstdint>

namespace ns3
{

/**
 * \ingroup dl-transport
 * Header of a packet that carries one chunk of a model (or gradient) block: the real float
 * bytes of the slice [offset, offset + count) of the flat parameter vector follow it.
 *
 * Wire format (network byte order, 32 bytes): magic "DL" (2), version (1), phase (1),
 * kind (1), reserved (1), source worker (2), round (4), block (4), chunk index (4),
 * chunk count (4), offset (4), float count (4).
 *
 * An end-of-phase marker (IsEndMarker) has the same header, chunk index = chunk count, no floats.
 *
 * Deserialize never reads past the buffer: a buffer shorter than the header, or one whose
 * magic, version, phase, kind or chunk fields are inconsistent, yields IsValid() == false.
 */
class ModelBlockHeader : public Header
{
  public:
    /** What the payload holds. */
    enum Kind : uint8_t
    {
        MODEL = 0,   //!< model parameters (RPS, gossip, parameter-server pull)
        GRADIENT = 1 //!< gradients (AllReduce-SGD, parameter-server push)
    };

    /** Phase of a round the packet belongs to. */
    enum Phase : uint8_t
    {
        SCATTER = 0,   //!< worker i sends block j to its owner j
        BROADCAST = 1, //!< owner j sends its averaged block j to every worker
        PHASE_COUNT    //!< number of phases (not a phase)
    };

    static constexpr uint16_t MAGIC = 0x444c;    //!< "DL"
    static constexpr uint8_t VERSION = 1;        //!< current wire version
    static constexpr uint32_t SIZE = 32;         //!< serialized size in bytes
    static constexpr uint32_t RESERVED_BYTE = 5; //!< offset of the reserved byte (sent as 0,
                                                 //!< ignored on receipt)

    ModelBlockHeader();

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    void Print(std::ostream& os) const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    uint32_t Deserialize(Buffer::Iterator start) override;

    /**
     * \return true for an end-of-phase marker: no payload, chunk index equal to the chunk count.
     * A sender follows the chunks of a block with one, so that a receiver missing the last
     * chunk learns it was lost without waiting for a timeout.
     */
    bool IsEndMarker() const
    {
        return m_count == 0 && m_chunk == m_chunkCount;
    }

    /**
     * \return true if the last Deserialize found a valid packet header (always true otherwise):
     *         well formed, and a chunk with floats or an end marker
     */
    bool IsValid() const
    {
        return m_valid;
    }

    /**
     * \return true if the last Deserialize found a well-formed header, possibly of an empty
     *         slice: valid framing for a stream message (a block of a model with fewer
     *         parameters than workers is empty), not for a UDP chunk
     */
    bool IsWellFormed() const
    {
        return m_wellFormed;
    }

    uint8_t m_version{VERSION}; //!< wire version
    uint8_t m_phase{SCATTER};   //!< Phase
    uint8_t m_kind{MODEL};      //!< Kind
    uint16_t m_source{0};       //!< sending worker
    uint32_t m_round{0};        //!< round number
    uint32_t m_block{0};        //!< block index (= owner worker)
    uint32_t m_chunk{0};        //!< chunk index within the block
    uint32_t m_chunkCount{1};   //!< chunks in the block
    uint32_t m_offset{0};       //!< first float of the slice in the flat vector
    uint32_t m_count{0};        //!< floats in the slice

  private:
    bool m_valid{true};      //!< last Deserialize: a valid packet header
    bool m_wellFormed{true}; //!< last Deserialize: well-formed fields
};

} // namespace ns3

#endif // MODEL_BLOCK_HEADER_H
