/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Fuzz harness: the CIFAR-10 binary parser. Whatever the bytes, it either refuses them with a
// DataError (leaving the dataset as it was) or appends whole records: one label in [0, 10) and
// 3072 pixels in [0, 1] each.

#include "fuzz-check.h"

#include "ns3/cifar-reader.h"
#include "ns3/dataset.h"

#include <cstdint>
#include <vector>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::vector<uint8_t> bytes(data, data + size);
    dl::Dataset d;
    d.shape = dl::Shape{3, 32, 32};
    d.numClasses = 10;
    try
    {
        dl::AppendCifarRecords(bytes, "cifar", d);
        DL_FUZZ_CHECK(!d.labels.empty() && d.labels.size() * 3073 == size);
        DL_FUZZ_CHECK(d.images.size() == d.labels.size() * 3072);
        for (int label : d.labels)
        {
            DL_FUZZ_CHECK(label >= 0 && label < 10);
        }
        for (float x : d.images)
        {
            DL_FUZZ_CHECK(x >= 0.0f && x <= 1.0f);
        }
    }
    catch (const dl::DataError&)
    {
        DL_FUZZ_CHECK(d.labels.empty() && d.images.empty());
    }
    return 0;
}
