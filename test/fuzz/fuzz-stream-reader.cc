/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Fuzz harness: BlockStreamReader, the framing of the TCP transport's byte stream into
// messages. Whatever the bytes: nothing reads outside a buffer; every message handed on has a
// well-formed header and exactly its floats; and the split of the stream into pieces changes
// nothing (the same bytes fed whole and fed in fuzzer-chosen pieces give the same messages, the
// same corrupt verdict and the same pending bytes).
//
// Input: 1 byte that picks the piece sizes, then the stream.

#include "fuzz-check.h"

#include "ns3/block-stream-reader.h"
#include "ns3/buffer.h"

#include <cstdint>
#include <cstring>
#include <vector>

using namespace ns3;

namespace
{
/// Every message a reader hands on, as bytes: serialized header, then the floats.
struct Recorder
{
    std::vector<uint8_t> bytes;
    std::vector<size_t> headerOffsets;
    size_t messages{0};

    void Record(const ModelBlockHeader& h, const float* floats)
    {
        DL_FUZZ_CHECK(h.IsWellFormed());
        Buffer b(ModelBlockHeader::SIZE);
        b.AddAtStart(ModelBlockHeader::SIZE);
        h.Serialize(b.Begin());
        const size_t old = bytes.size();
        headerOffsets.push_back(old);
        bytes.resize(old + ModelBlockHeader::SIZE + h.m_count * sizeof(float));
        b.CopyData(bytes.data() + old, ModelBlockHeader::SIZE);
        if (h.m_count > 0)
        {
            std::memcpy(bytes.data() + old + ModelBlockHeader::SIZE, floats,
                        h.m_count * sizeof(float));
        }
        ++messages;
    }
};
} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
    {
        return 0;
    }
    const uint8_t pieceSeed = data[0];
    const uint8_t* stream = data + 1;
    const size_t length = size - 1;

    BlockStreamReader whole;
    Recorder wholeOut;
    const bool wholeOk = whole.Append(stream, length, MakeCallback(&Recorder::Record, &wholeOut));

    BlockStreamReader pieces;
    Recorder piecesOut;
    bool piecesOk = true;
    size_t pos = 0;
    for (uint32_t k = 0; pos < length; ++k)
    {
        // Piece sizes from 1 to 64 bytes, some of them empty, in a pattern the seed picks.
        const size_t piece = std::min<size_t>(length - pos, (pieceSeed * 7 + k * 13) % 65);
        std::vector<uint8_t> copy(stream + pos, stream + pos + piece); // exact-size buffer
        piecesOk
            = pieces.Append(copy.data(), copy.size(), MakeCallback(&Recorder::Record, &piecesOut))
              && piecesOk;
        pos += piece;
    }

    DL_FUZZ_CHECK(wholeOk == piecesOk);
    DL_FUZZ_CHECK(wholeOk == !whole.IsCorrupt() && piecesOk == !pieces.IsCorrupt());
    DL_FUZZ_CHECK(wholeOut.messages == piecesOut.messages);
    DL_FUZZ_CHECK(wholeOut.bytes == piecesOut.bytes);
    DL_FUZZ_CHECK(whole.GetPendingBytes() == pieces.GetPendingBytes());
    if (wholeOk)
    {
        // What was handed on and what is pending are the stream, byte for byte.
        DL_FUZZ_CHECK(wholeOut.bytes.size() + whole.GetPendingBytes() == length);
        // (The header's reserved byte is read and ignored, and written as zero.)
        std::vector<uint8_t> expected(stream, stream + wholeOut.bytes.size());
        for (size_t offset : wholeOut.headerOffsets)
        {
            expected[offset + ModelBlockHeader::RESERVED_BYTE] = 0;
        }
        DL_FUZZ_CHECK(wholeOut.bytes == expected);
    }
    return 0;
}
