/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "cifar-reader.h"

#include "idx-reader.h"

namespace dl
{

namespace
{
constexpr int kCifarPixels = 3 * 32 * 32;
constexpr size_t kCifarRecord = 1 + kCifarPixels;
} // namespace

void
AppendCifarRecords(const std::vector<uint8_t>& bytes, const std::string& name, Dataset& d)
{
    if (bytes.empty() || bytes.size() % kCifarRecord != 0)
    {
        throw DataError(name + ": size " + std::to_string(bytes.size())
                        + " is not a whole number of 3073-byte CIFAR-10 records "
                          "(truncated or corrupt)");
    }
    const size_t records = bytes.size() / kCifarRecord;
    // Every label is checked before anything is appended: a corrupt file leaves d as it was.
    for (size_t r = 0; r < records; ++r)
    {
        const uint8_t label = bytes[r * kCifarRecord];
        if (label >= 10)
        {
            throw DataError(name + ": record " + std::to_string(r) + " has label "
                            + std::to_string(label) + ", outside [0, 10) (corrupt file)");
        }
    }
    for (size_t r = 0; r < records; ++r)
    {
        const uint8_t* rec = bytes.data() + r * kCifarRecord;
        d.labels.push_back(rec[0]);
        for (int k = 0; k < kCifarPixels; ++k)
        {
            d.images.push_back(float(rec[1 + k]) * (1.0f / 255.0f));
        }
    }
}

Dataset
LoadCifarFiles(const std::vector<std::string>& paths)
{
    Dataset d;
    d.name = paths.empty() ? "cifar10" : paths.front();
    d.shape = Shape{3, 32, 32};
    d.numClasses = 10;
    for (const std::string& path : paths)
    {
        AppendCifarRecords(ReadMaybeGzipped(path), path, d);
    }
    return d;
}

Dataset
LoadCifarDir(const std::string& dir, bool train)
{
    std::vector<std::string> paths;
    if (train)
    {
        for (int i = 1; i <= 5; ++i)
        {
            paths.push_back(dir + "/data_batch_" + std::to_string(i) + ".bin");
        }
    }
    else
    {
        paths.push_back(dir + "/test_batch.bin");
    }
    return LoadCifarFiles(paths);
}

} // namespace dl
