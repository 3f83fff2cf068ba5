/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Fuzz harness: the IDX (MNIST-format) parser. Whatever the bytes, it either refuses them with
// a DataError or returns a dataset that is whole: as many labels as images, every label a
// class, every pixel in [0, 1], and images of the declared shape.
//
// Input: 2 bytes (little-endian) that say where the images file ends, then the images file,
// then the labels file.

#include "fuzz-check.h"

#include "ns3/dataset.h"
#include "ns3/idx-reader.h"

#include <cstdint>
#include <vector>

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 2)
    {
        return 0;
    }
    const size_t split = std::min<size_t>(size - 2, data[0] | data[1] << 8);
    const std::vector<uint8_t> images(data + 2, data + 2 + split);
    const std::vector<uint8_t> labels(data + 2 + split, data + size);
    try
    {
        const dl::Dataset d = dl::ParseIdx(images, labels, "images", "labels", 10);
        const size_t n = d.labels.size();
        DL_FUZZ_CHECK(d.shape.c == 1 && d.shape.h > 0 && d.shape.w > 0);
        DL_FUZZ_CHECK(d.images.size() == n * size_t(d.shape.h) * size_t(d.shape.w));
        for (int label : d.labels)
        {
            DL_FUZZ_CHECK(label >= 0 && label < d.numClasses);
        }
        for (float x : d.images)
        {
            DL_FUZZ_CHECK(x >= 0.0f && x <= 1.0f);
        }
    }
    catch (const dl::DataError&)
    {
        // Refused with a message: the expected outcome for most inputs.
    }
    return 0;
}
