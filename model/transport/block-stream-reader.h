/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef BLOCK_STREAM_READER_H
#define BLOCK_STREAM_READER_H

#include "model-block-header.h"

#include "ns3/callback.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup dl-transport
 * Cuts one connection's byte stream into messages: a ModelBlockHeader followed by
 * header.m_count floats. Bytes arrive in pieces of any size (TCP segments, partial reads);
 * every whole message is handed on as soon as its last byte is there, in stream order, and
 * the split of the stream into pieces never changes what is handed on.
 *
 * Kept apart from StreamTransport so that the framing alone can be tested and fuzzed.
 */
class BlockStreamReader
{
  public:
    /** Handler of one whole message: its header and pointer to its header.m_count floats. */
    typedef Callback<void, const ModelBlockHeader&, const float*> MessageCallback;

    /**
     * Append received bytes and hand on every message they complete.
     * \param data the bytes
     * \param size how many
     * \param onMessage called once per whole message, in order
     * \return false if the stream is corrupt (a header that is not well formed): nothing from
     *         that header on is handed on, now or later
     */
    bool Append(const uint8_t* data, size_t size, const MessageCallback& onMessage);

    /** \return bytes received but not yet handed on (a partial message) */
    size_t GetPendingBytes() const
    {
        return m_bytes.size();
    }

    /** \return true once a malformed header has been seen */
    bool IsCorrupt() const
    {
        return m_corrupt;
    }

  private:
    std::vector<uint8_t> m_bytes; //!< received, not yet parsed
    std::vector<float> m_floats;  //!< the current message's floats (aligned copy)
    bool m_corrupt{false};        //!< a malformed header was seen
};

} // namespace ns3

#endif // BLOCK_STREAM_READER_H
