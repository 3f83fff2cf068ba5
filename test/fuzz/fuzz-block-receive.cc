/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Fuzz harness: one UDP datagram through BlockTransport's receive path (ModelBlockHeader
// deserialisation and every check after it). Whatever the bytes, a datagram is either rejected
// (and counted) or handed on as a chunk that lies inside its block, with exactly its floats, or
// as an end marker; nothing reads or writes outside a buffer.
//
// Input: 4 bytes of configuration (workers, parameter count, floats per chunk, granularity),
// then the datagram.

#include "fuzz-check.h"

#include "ns3/block-transport.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/node.h"
#include "ns3/packet.h"

#include <cstdint>
#include <memory>

using namespace ns3;

namespace
{
Ptr<Node>
TheNode()
{
    static Ptr<Node> node = [] {
        Ptr<Node> n = CreateObject<Node>();
        InternetStackHelper().Install(n);
        return n;
    }();
    return node;
}
} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 4)
    {
        return 0;
    }
    const uint32_t workers = 1 + data[0] % 8;
    const size_t params = 1 + (data[1] | (data[2] & 0x0f) << 8); // 1 .. 4096
    const uint32_t floatsPerChunk = 1 + data[3] % 127;
    const auto granularity
        = data[2] & 0x80 ? dl::BlockPartition::BLOCK : dl::BlockPartition::PACKET;
    auto partition
        = std::make_shared<dl::BlockPartition>(params, workers, floatsPerChunk, granularity);

    Ptr<BlockTransport> transport = CreateObject<BlockTransport>();
    transport->Setup(TheNode(), 0, std::vector<Ipv4Address>(workers, Ipv4Address("10.0.0.1")),
                     partition);
    uint64_t handedOn = 0;
    transport->SetReceiveCallback([&](const ModelBlockHeader& h, const float* floats) {
        ++handedOn;
        DL_FUZZ_CHECK(h.IsValid());
        DL_FUZZ_CHECK(h.m_source < workers && h.m_block < workers);
        if (h.IsEndMarker())
        {
            DL_FUZZ_CHECK(h.m_count == 0);
            return;
        }
        const dl::Slice block = partition->BlockSlice(h.m_block);
        DL_FUZZ_CHECK(h.m_count > 0 && h.m_count <= floatsPerChunk);
        DL_FUZZ_CHECK(h.m_offset >= block.offset
                      && h.m_offset + h.m_count <= block.offset + block.count);
        // The payload was copied in whole: read every float (ASan checks the buffer).
        float sum = 0;
        for (uint32_t i = 0; i < h.m_count; ++i)
        {
            sum += floats[i];
        }
        (void)sum;
    });
    transport->Receive(Create<Packet>(data + 4, uint32_t(size - 4)));
    DL_FUZZ_CHECK(transport->GetPacketsDelivered() == handedOn);
    DL_FUZZ_CHECK(transport->GetPacketsDelivered() + transport->GetPacketsRejected() == 1);
    transport->Close();
    transport->Dispose();
    return 0;
}
