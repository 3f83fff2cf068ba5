/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef RANK_MESSAGE_H
#define RANK_MESSAGE_H

#include "ns3/abort.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup dl-ranks
 * The bytes of one message between ranks (RankExchange): plain values and byte runs appended
 * in order, and read back in the same order. Ranks run the same build on the same kind of
 * machine, so values travel in their in-memory form.
 */
class RankMessage
{
  public:
    RankMessage() = default;

    /** \param bytes a received message, to read */
    explicit RankMessage(std::vector<uint8_t> bytes)
        : m_bytes(std::move(bytes))
    {
    }

    /** \param value a plain value to append */
    template<typename T> void Put(const T& value)
    {
        const auto* p = reinterpret_cast<const uint8_t*>(&value);
        m_bytes.insert(m_bytes.end(), p, p + sizeof(T));
    }

    /**
     * Append a run of bytes, after its length.
     * \param data the bytes
     * \param size their number
     */
    void PutBytes(const void* data, size_t size)
    {
        Put<uint64_t>(size);
        const auto* p = static_cast<const uint8_t*>(data);
        m_bytes.insert(m_bytes.end(), p, p + size);
    }

    /** \param text a string to append */
    void PutString(const std::string& text)
    {
        PutBytes(text.data(), text.size());
    }

    /** \return the next plain value */
    template<typename T> T Get()
    {
        T value;
        std::memcpy(&value, Advance(sizeof(T)), sizeof(T));
        return value;
    }

    /**
     * \param data set to the start of the next run of bytes (valid while this message lives)
     * \return its length
     */
    size_t GetBytes(const uint8_t** data)
    {
        const auto size = size_t(Get<uint64_t>());
        *data = Advance(size);
        return size;
    }

    /** \return the next string */
    std::string GetString()
    {
        const uint8_t* data;
        const size_t size = GetBytes(&data);
        return std::string(reinterpret_cast<const char*>(data), size);
    }

    /** \return the bytes, to send (the message is empty afterwards) */
    std::vector<uint8_t> Take()
    {
        m_at = 0;
        return std::move(m_bytes);
    }

  private:
    /// \return the next \p size bytes; aborts if the message has fewer
    const uint8_t* Advance(size_t size)
    {
        NS_ABORT_MSG_IF(m_at + size > m_bytes.size(), "RankMessage: truncated message");
        const uint8_t* p = m_bytes.data() + m_at;
        m_at += size;
        return p;
    }

    std::vector<uint8_t> m_bytes; //!< the message
    size_t m_at{0};               //!< read position
};

} // namespace ns3

#endif // RANK_MESSAGE_H
