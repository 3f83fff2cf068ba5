/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "block-stream-reader.h"

#include "ns3/log.h"
#include "ns3/packet.h"

#include <cstring>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("BlockStreamReader");

bool
BlockStreamReader::Append(const uint8_t* data, size_t size, const MessageCallback& onMessage)
{
    if (m_corrupt)
    {
        return false;
    }
    m_bytes.insert(m_bytes.end(), data, data + size);
    size_t pos = 0;
    while (m_bytes.size() - pos >= ModelBlockHeader::SIZE)
    {
        Ptr<Packet> hp = Create<Packet>(m_bytes.data() + pos, ModelBlockHeader::SIZE);
        ModelBlockHeader h;
        hp->RemoveHeader(h);
        if (!h.IsWellFormed())
        {
            NS_LOG_WARN("malformed header at stream byte offset " << pos << ": " << h);
            m_corrupt = true;
            m_bytes.clear();
            return false;
        }
        const size_t need = ModelBlockHeader::SIZE + size_t(h.m_count) * sizeof(float);
        if (m_bytes.size() - pos < need)
        {
            break;
        }
        m_floats.resize(h.m_count);
        if (h.m_count > 0) // an empty block: no floats, and maybe no buffer to copy into
        {
            std::memcpy(m_floats.data(), m_bytes.data() + pos + ModelBlockHeader::SIZE,
                        h.m_count * sizeof(float));
        }
        pos += need;
        if (!onMessage.IsNull())
        {
            onMessage(h, m_floats.data());
        }
    }
    m_bytes.erase(m_bytes.begin(), m_bytes.begin() + pos);
    return true;
}

} // namespace ns3
