/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Readers (IDX, CIFAR-10), sharding and minibatch sampling.

#include "ns3/batch-sampler.h"
#include "ns3/cifar-reader.h"
#include "ns3/data-sharding.h"
#include "ns3/idx-reader.h"
#include "ns3/synthetic-dataset.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <set>
#include <unistd.h>
#include <zlib.h>

using namespace dl;

namespace
{

/// A scratch directory removed at the end of the test.
struct TempDir
{
    std::string path;

    TempDir()
    {
        char tmpl[] = "/tmp/dl-test-XXXXXX";
        path = mkdtemp(tmpl);
    }

    ~TempDir()
    {
        std::system(("rm -rf " + path).c_str());
    }
};

std::vector<uint8_t>
ReadRaw(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void
WriteRaw(const std::string& path, const std::vector<uint8_t>& bytes)
{
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

void
Gzip(const std::string& from, const std::string& to)
{
    const std::vector<uint8_t> bytes = ReadRaw(from);
    gzFile f = gzopen(to.c_str(), "wb");
    gzwrite(f, bytes.data(), unsigned(bytes.size()));
    gzclose(f);
}

/// Require that f throws DataError whose message contains \p fragment.
template<typename F>
void
RequireDataError(F f, const std::string& fragment)
{
    try
    {
        f();
        FAIL("expected DataError mentioning " << fragment);
    }
    catch (const DataError& e)
    {
        INFO(e.what());
        CHECK(std::string(e.what()).find(fragment) != std::string::npos);
    }
}

} // namespace

TEST_CASE("IDX files round trip, plain and gzipped", "[data]")
{
    TempDir dir;
    const int n = 5;
    std::vector<uint8_t> pixels(n * 3 * 4);
    for (size_t i = 0; i < pixels.size(); ++i)
    {
        pixels[i] = uint8_t(i * 7);
    }
    std::vector<uint8_t> labels{0, 9, 3, 3, 1};
    const std::string img = dir.path + "/train-images-idx3-ubyte";
    const std::string lab = dir.path + "/train-labels-idx1-ubyte";
    WriteIdx(img, lab, pixels, labels, 3, 4);

    Dataset d = LoadIdx(img, lab);
    REQUIRE(d.Size() == 5);
    CHECK(d.shape.h == 3);
    CHECK(d.shape.w == 4);
    CHECK(d.labels[1] == 9);
    CHECK(d.images[13] == Approx(pixels[13] / 255.0f));

    Gzip(img, img + ".gz");
    Gzip(lab, lab + ".gz");
    Dataset g = LoadIdx(img + ".gz", lab + ".gz");
    CHECK(g.images == d.images);
    CHECK(g.labels == d.labels);
}

TEST_CASE("IDX readers reject missing, truncated and corrupt files", "[data]")
{
    TempDir dir;
    std::vector<uint8_t> pixels(4 * 2 * 2, 100);
    std::vector<uint8_t> labels{1, 2, 3, 4};
    const std::string img = dir.path + "/i";
    const std::string lab = dir.path + "/l";
    WriteIdx(img, lab, pixels, labels, 2, 2);

    RequireDataError([&] { LoadIdx(dir.path + "/nope", lab); }, dir.path + "/nope: no such file");

    std::vector<uint8_t> bytes = ReadRaw(img);
    WriteRaw(img + ".cut", std::vector<uint8_t>(bytes.begin(), bytes.end() - 3));
    RequireDataError([&] { LoadIdx(img + ".cut", lab); }, img + ".cut: size mismatch");

    std::vector<uint8_t> bad = bytes;
    bad[2] = 0x0d; // float data, not unsigned bytes
    WriteRaw(img + ".magic", bad);
    RequireDataError([&] { LoadIdx(img + ".magic", lab); }, "bad IDX magic");

    RequireDataError([&] { LoadIdx(lab, lab); }, "bad IDX magic");

    std::vector<uint8_t> badLabel = ReadRaw(lab);
    badLabel.back() = 200;
    WriteRaw(lab + ".range", badLabel);
    RequireDataError([&] { LoadIdx(img, lab + ".range"); }, "out of range");

    Gzip(img, img + ".gz");
    std::vector<uint8_t> gz = ReadRaw(img + ".gz");
    WriteRaw(img + ".trunc.gz", std::vector<uint8_t>(gz.begin(), gz.begin() + gz.size() / 2));
    RequireDataError([&] { LoadIdx(img + ".trunc.gz", lab); }, img + ".trunc.gz");
}

TEST_CASE("CIFAR-10 binary files round trip and reject truncation", "[data]")
{
    TempDir dir;
    std::vector<uint8_t> bytes;
    for (int r = 0; r < 3; ++r)
    {
        bytes.push_back(uint8_t(r * 4));
        for (int k = 0; k < 3072; ++k)
        {
            bytes.push_back(uint8_t((k + r) % 256));
        }
    }
    const std::string path = dir.path + "/test_batch.bin";
    WriteRaw(path, bytes);
    Dataset d = LoadCifarDir(dir.path, false);
    REQUIRE(d.Size() == 3);
    CHECK(d.shape.c == 3);
    CHECK(d.shape.h == 32);
    CHECK(d.labels[2] == 8);
    CHECK(d.Sample(1)[5] == Approx(6 / 255.0f));

    WriteRaw(path, std::vector<uint8_t>(bytes.begin(), bytes.end() - 1));
    RequireDataError([&] { LoadCifarDir(dir.path, false); }, "not a whole number");
    bytes[0] = 12;
    WriteRaw(path, bytes);
    RequireDataError([&] { LoadCifarDir(dir.path, false); }, "label 12");
    RequireDataError([&] { LoadCifarDir(dir.path, true); }, "data_batch_1.bin: no such file");
}

TEST_CASE("the real Fashion-MNIST files load when installed", "[data][fashion]")
{
    const std::string dir = "/usr/share/datasets/fashion-mnist";
    if (access((dir + "/t10k-images-idx3-ubyte.gz").c_str(), R_OK) != 0)
    {
        WARN("Fashion-MNIST not installed; skipped");
        return;
    }
    Dataset test = LoadMnistDir(dir, false);
    CHECK(test.Size() == 10000);
    CHECK(test.shape.h == 28);
    std::vector<int> counts(10, 0);
    for (int32_t y : test.labels)
    {
        counts[y]++;
    }
    CHECK(counts == std::vector<int>(10, 1000)); // the test split is balanced
}

TEST_CASE("IID shards are disjoint, cover the data and are balanced", "[data]")
{
    SyntheticConfig cfg;
    cfg.samples = 1003;
    Dataset d = MakeSynthetic(cfg, 0);
    auto shards = ShardIid(d, 7, 42);
    std::set<uint32_t> seen;
    size_t total = 0;
    for (const Shard& s : shards)
    {
        CHECK((s.size() == 1003 / 7 || s.size() == 1003 / 7 + 1));
        seen.insert(s.begin(), s.end());
        total += s.size();
    }
    CHECK(total == 1003);
    CHECK(seen.size() == 1003);
    CHECK(ShardIid(d, 7, 42) == shards);
    CHECK(ShardIid(d, 7, 43) != shards);
}

namespace
{

/// Mean over workers of the fraction of the worker's shard held by its commonest class.
double
MeanTopClassFraction(const Dataset& d, const std::vector<Shard>& shards)
{
    double sum = 0.0;
    for (const Shard& s : shards)
    {
        std::vector<int> c(d.numClasses, 0);
        for (uint32_t i : s)
        {
            c[d.labels[i]]++;
        }
        sum += s.empty() ? 1.0 : double(*std::max_element(c.begin(), c.end())) / s.size();
    }
    return sum / shards.size();
}

} // namespace

TEST_CASE("Dirichlet shards are disjoint, cover the data, and skew with small alpha", "[data]")
{
    SyntheticConfig cfg;
    cfg.samples = 5000;
    Dataset d = MakeSynthetic(cfg, 0);
    for (double alpha : {0.1, 1.0, 100.0})
    {
        auto shards = ShardDirichlet(d, 8, alpha, 3);
        std::set<uint32_t> seen;
        size_t total = 0;
        for (const Shard& s : shards)
        {
            seen.insert(s.begin(), s.end());
            total += s.size();
        }
        CHECK(total == 5000);
        CHECK(seen.size() == 5000);
    }
    // alpha=0.1: most of each worker's data from one class; alpha=100: close to 1/10.
    CHECK(MeanTopClassFraction(d, ShardDirichlet(d, 8, 0.1, 3)) > 0.4);
    CHECK(MeanTopClassFraction(d, ShardDirichlet(d, 8, 100.0, 3)) < 0.2);
    CHECK_THROWS_AS(ShardDirichlet(d, 8, 0.0, 3), DataError);
}

/// 50 samples of 3 features, sample i tagged by i in its first feature.
Dataset
TaggedDataset()
{
    SyntheticConfig cfg;
    cfg.samples = 50;
    cfg.shape = Shape{1, 1, 3};
    Dataset d = MakeSynthetic(cfg, 0);
    for (size_t i = 0; i < d.Size(); ++i)
    {
        d.images[i * 3] = float(i);
    }
    return d;
}

TEST_CASE("the batch sampler visits every shard sample once per epoch", "[data]")
{
    const Dataset d = TaggedDataset();
    Shard shard{1, 4, 9, 16, 25, 36, 49};
    BatchSampler sampler(d, shard, 5);
    dl::FloatBuffer x;
    std::vector<int32_t> y;
    std::multiset<int> firstEpoch;
    CHECK(sampler.Next(3, x, y) == 3);
    for (int k = 0; k < 3; ++k)
        firstEpoch.insert(int(x[k * 3]));
    CHECK(sampler.Next(3, x, y) == 3);
    for (int k = 0; k < 3; ++k)
        firstEpoch.insert(int(x[k * 3]));
    CHECK(sampler.Next(3, x, y) == 1); // short last batch
    firstEpoch.insert(int(x[0]));
    CHECK(firstEpoch == std::multiset<int>(shard.begin(), shard.end()));
    CHECK(sampler.Epoch() == 0);
    CHECK(sampler.Next(3, x, y) == 3);
    CHECK(sampler.Epoch() == 1);
}

TEST_CASE("the batch sampler can drop the remainder: only full batches, distinct per pass",
          "[data]")
{
    const Dataset d = TaggedDataset();
    const Shard shard{1, 4, 9, 16, 25, 36, 49};
    BatchSampler sampler(d, shard, 5, true);
    dl::FloatBuffer x;
    std::vector<int32_t> y;
    for (uint64_t pass = 0; pass < 4; ++pass)
    {
        std::set<int> seen;
        for (int b = 0; b < 2; ++b) // 7 samples: two batches of 3, the 7th skipped
        {
            CHECK(sampler.Next(3, x, y) == 3);
            for (int k = 0; k < 3; ++k)
            {
                seen.insert(int(x[k * 3]));
            }
        }
        CHECK(seen.size() == 6);
        CHECK(sampler.Epoch() == pass);
    }
    // A shard smaller than a batch is drawn whole, every time.
    BatchSampler small(d, Shard{2, 3}, 5, true);
    CHECK(small.Next(8, x, y) == 2);
    CHECK(small.Next(8, x, y) == 2);
}
