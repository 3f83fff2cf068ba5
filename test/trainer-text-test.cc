/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Character-level text: UTF-8 decoding, windows and their labels, bad files, and the lstm
// learning a text.

#include "ns3/backend-factory.h"
#include "ns3/data-sharding.h"
#include "ns3/model-factory.h"
#include "ns3/replica.h"
#include "ns3/text-corpus.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace dl;

namespace
{

/// A scratch file with \p bytes, removed at the end of the scope.
struct ScratchFile
{
    std::string path;

    explicit ScratchFile(const std::string& bytes)
    {
        char name[] = "/tmp/dl-text-XXXXXX";
        const int fd = mkstemp(name);
        REQUIRE(fd >= 0);
        close(fd);
        path = name;
        std::ofstream(path, std::ios::binary) << bytes;
    }

    ~ScratchFile()
    {
        std::remove(path.c_str());
    }
};

} // namespace

TEST_CASE("UTF-8 decodes to code points; invalid bytes are refused with their offset", "[text]")
{
    const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x99\x82"; // a, e-acute, euro, smiley
    const std::vector<uint32_t> cps = DecodeUtf8(text, "t");
    REQUIRE(cps.size() == 4);
    CHECK(cps[0] == 'a');
    CHECK(cps[1] == 0xE9);
    CHECK(cps[2] == 0x20AC);
    CHECK(cps[3] == 0x1F642);
    auto refused = [](const std::string& bytes, const std::string& offset) {
        try
        {
            DecodeUtf8(bytes, "f.txt");
        }
        catch (const DataError& e)
        {
            const std::string what = e.what();
            return what.find("f.txt: not UTF-8") != std::string::npos
                   && what.find("offset " + offset + ")") != std::string::npos;
        }
        return false;
    };
    CHECK(refused("ab\xE9z", "2"));          // Latin-1
    CHECK(refused("\xC0\xAF", "0"));         // overlong '/'
    CHECK(refused("x\xED\xA0\x80", "1"));    // a surrogate
    CHECK(refused("\xF4\x90\x80\x80", "0")); // past U+10FFFF
    CHECK(refused("ok\xE2\x82", "2"));       // cut short
}

TEST_CASE("text windows: ids in, the next character out, test part after training", "[text]")
{
    ScratchFile f("abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcab");
    const TextCorpus c = LoadTextCorpus({f.path}, 4, 0.25);
    REQUIRE(c.alphabet == std::vector<uint32_t>{'a', 'b', 'c'});
    CHECK(c.train.numClasses == 3);
    CHECK(c.train.labelsPerSample == 4);
    CHECK(c.train.shape.w == 4);
    // 71 characters: training 53 (13 windows of 4+1), test 18 (4 windows).
    CHECK(c.train.Size() == 13);
    CHECK(c.test.Size() == 4);
    for (size_t i = 0; i < c.train.Size(); ++i)
    {
        for (int t = 0; t < 4; ++t)
        {
            const int in = int(c.train.Sample(i)[t]);
            CHECK(c.train.Labels(i)[t] == (in + 1) % 3); // abc: the next is always known
        }
    }
    CHECK(int(c.test.Sample(0)[0]) == 53 % 3); // the test part starts where training ends
}

TEST_CASE("bad text: missing, empty, not UTF-8, shorter than a window", "[text]")
{
    CHECK_THROWS_WITH(LoadTextCorpus({"/nonexistent.txt"}, 8), Catch::Contains("cannot open"));
    ScratchFile empty("");
    CHECK_THROWS_WITH(LoadTextCorpus({empty.path}, 8), Catch::Contains("empty text file"));
    ScratchFile latin1("caf\xE9 au lait, caf\xE9 noir");
    CHECK_THROWS_WITH(LoadTextCorpus({latin1.path}, 8), Catch::Contains("not UTF-8"));
    ScratchFile shortText("only a few words here");
    CHECK_THROWS_WITH(LoadTextCorpus({shortText.path}, 64), Catch::Contains("is too long for"));
    CHECK_THROWS_WITH(ShardDirichlet(LoadTextCorpus({shortText.path}, 2).train, 2, 0.5, 1),
                      Catch::Contains("no class per sample"));
}

TEST_CASE("the lstm learns a repetitive text", "[text][learning]")
{
    std::string text;
    for (int i = 0; i < 200; ++i)
    {
        text += "the quick brown fox jumps over the lazy dog. ";
    }
    ScratchFile f(text);
    const TextCorpus c = LoadTextCorpus({f.path}, 16);
    auto backend = MakeBackend("cpu", BuildModel("lstm", c.train.shape, c.train.numClasses, {32}));
    Replica r(*backend, c.train, ShardIid(c.train, 1, 1)[0], 3, 4, 0.9f, 0.0f);
    const EvalResult before = backend->Evaluate(r.Params().ToHost().data(), c.test);
    for (int step = 0; step < 300; ++step)
    {
        r.LocalStep(16, 0.1f);
    }
    const EvalResult after = backend->Evaluate(r.Params().ToHost().data(), c.test);
    INFO("test loss " << before.loss << " -> " << after.loss << ", accuracy " << after.accuracy);
    CHECK(before.loss == Approx(std::log(double(c.train.numClasses))).epsilon(0.3));
    CHECK(after.loss < 0.3 * before.loss);
    CHECK(after.accuracy > 0.8);
}
