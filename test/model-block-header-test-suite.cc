/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "dl-test-compat.h"

#include "ns3/model-block-header.h"
#include "ns3/packet.h"
#include "ns3/test.h"

using namespace ns3;

/**
 * \ingroup distributed-learning-tests
 * Serialize, Deserialize and the rejection of truncated or garbled buffers.
 */
class ModelBlockHeaderTestCase : public TestCase
{
  public:
    ModelBlockHeaderTestCase()
        : TestCase("ModelBlockHeader round trip and malformed buffers")
    {
    }

  private:
    void DoRun() override
    {
        ModelBlockHeader h;
        h.m_phase = ModelBlockHeader::BROADCAST;
        h.m_kind = ModelBlockHeader::GRADIENT;
        h.m_source = 513;
        h.m_round = 0xdeadbeef;
        h.m_block = 7;
        h.m_chunk = 3;
        h.m_chunkCount = 9;
        h.m_offset = 123456;
        h.m_count = 361;
        Ptr<Packet> p = Create<Packet>(100);
        p->AddHeader(h);
        NS_TEST_ASSERT_MSG_EQ(p->GetSize(), 100 + ModelBlockHeader::SIZE, "header size");

        ModelBlockHeader r;
        NS_TEST_ASSERT_MSG_EQ(p->RemoveHeader(r), ModelBlockHeader::SIZE, "bytes read");
        NS_TEST_ASSERT_MSG_EQ(r.IsValid(), true, "valid");
        NS_TEST_ASSERT_MSG_EQ(unsigned(r.m_phase), unsigned(h.m_phase), "phase");
        NS_TEST_ASSERT_MSG_EQ(unsigned(r.m_kind), unsigned(h.m_kind), "kind");
        NS_TEST_ASSERT_MSG_EQ(r.m_source, h.m_source, "source");
        NS_TEST_ASSERT_MSG_EQ(r.m_round, h.m_round, "round");
        NS_TEST_ASSERT_MSG_EQ(r.m_block, h.m_block, "block");
        NS_TEST_ASSERT_MSG_EQ(r.m_chunk, h.m_chunk, "chunk");
        NS_TEST_ASSERT_MSG_EQ(r.m_chunkCount, h.m_chunkCount, "chunk count");
        NS_TEST_ASSERT_MSG_EQ(r.m_offset, h.m_offset, "offset");
        NS_TEST_ASSERT_MSG_EQ(r.m_count, h.m_count, "count");

        // Truncated: fewer bytes than a header. Nothing may be read or removed.
        Ptr<Packet> shortPacket = Create<Packet>(ModelBlockHeader::SIZE - 1);
        ModelBlockHeader t;
        NS_TEST_ASSERT_MSG_EQ(shortPacket->RemoveHeader(t), 0u, "truncated: nothing read");
        NS_TEST_ASSERT_MSG_EQ(t.IsValid(), false, "truncated: invalid");
        NS_TEST_ASSERT_MSG_EQ(shortPacket->GetSize(), ModelBlockHeader::SIZE - 1, "untouched");

        // Garbled: 32 bytes of junk, a wrong magic, an impossible chunk, a bad phase.
        uint8_t junk[ModelBlockHeader::SIZE];
        for (uint32_t i = 0; i < sizeof(junk); ++i)
        {
            junk[i] = uint8_t(i * 37 + 11);
        }
        ModelBlockHeader g;
        Create<Packet>(junk, sizeof(junk))->RemoveHeader(g);
        NS_TEST_ASSERT_MSG_EQ(g.IsValid(), false, "junk rejected");

        auto reparse = [](const ModelBlockHeader& in) {
            Ptr<Packet> q = Create<Packet>(4);
            q->AddHeader(in);
            ModelBlockHeader out;
            q->RemoveHeader(out);
            return out.IsValid();
        };
        ModelBlockHeader bad = h;
        bad.m_chunk = bad.m_chunkCount;
        NS_TEST_ASSERT_MSG_EQ(reparse(bad), false, "chunk index beyond chunk count");
        bad = h;
        bad.m_phase = ModelBlockHeader::PHASE_COUNT;
        NS_TEST_ASSERT_MSG_EQ(reparse(bad), false, "unknown phase");
        bad = h;
        bad.m_count = 0;
        NS_TEST_ASSERT_MSG_EQ(reparse(bad), false, "empty slice");
        bad = h;
        bad.m_version = 2;
        NS_TEST_ASSERT_MSG_EQ(reparse(bad), false, "future version");
        NS_TEST_ASSERT_MSG_EQ(reparse(h), true, "the original still parses");
        ModelBlockHeader marker = h;
        marker.m_chunk = marker.m_chunkCount;
        marker.m_count = 0;
        NS_TEST_ASSERT_MSG_EQ(reparse(marker), true, "end marker");
        NS_TEST_ASSERT_MSG_EQ(marker.IsEndMarker(), true, "is an end marker");
        marker.m_count = 5;
        NS_TEST_ASSERT_MSG_EQ(reparse(marker), false, "end marker with floats");

        // An empty slice is no UDP chunk, but is a well-formed stream message (an empty block of
        // a model with fewer parameters than workers); junk is neither.
        auto wellFormed = [](const ModelBlockHeader& in) {
            Ptr<Packet> q = Create<Packet>(4);
            q->AddHeader(in);
            ModelBlockHeader out;
            q->RemoveHeader(out);
            return out.IsWellFormed();
        };
        bad = h;
        bad.m_count = 0;
        NS_TEST_ASSERT_MSG_EQ(wellFormed(bad), true, "empty slice: well formed");
        NS_TEST_ASSERT_MSG_EQ(g.IsWellFormed(), false, "junk: not well formed");
        bad.m_chunk = bad.m_chunkCount + 1;
        NS_TEST_ASSERT_MSG_EQ(wellFormed(bad), false, "chunk index past the count");
    }
};

/**
 * \ingroup distributed-learning-tests
 * The header suite.
 */
class ModelBlockHeaderTestSuite : public TestSuite
{
  public:
    ModelBlockHeaderTestSuite()
        : TestSuite("dl-model-block-header", dlcompat::UNIT_SUITE)
    {
        AddTestCase(new ModelBlockHeaderTestCase, dlcompat::QUICK);
    }
};

static ModelBlockHeaderTestSuite g_modelBlockHeaderTestSuite; //!< static instance
