/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "idx-reader.h"

#include <fstream>
#include <sys/stat.h>
#include <zlib.h>

#include <limits>

namespace dl
{

namespace
{

uint32_t
ReadBigEndian32(const std::vector<uint8_t>& bytes, size_t pos)
{
    return (uint32_t(bytes[pos]) << 24) | (uint32_t(bytes[pos + 1]) << 16)
           | (uint32_t(bytes[pos + 2]) << 8) | uint32_t(bytes[pos + 3]);
}

void
PutBigEndian32(std::ofstream& out, uint32_t v)
{
    const char b[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
    out.write(b, 4);
}

bool
FileExists(const std::string& path)
{
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

/// Parse an IDX header: magic 0x000008<ndims> (unsigned bytes) followed by ndims sizes.
std::vector<uint32_t>
ParseIdxHeader(const std::vector<uint8_t>& bytes, int expectedDims, const std::string& path)
{
    if (bytes.size() < 4 || ReadBigEndian32(bytes, 0) != uint32_t(0x00000800 | expectedDims))
    {
        throw DataError(path + ": bad IDX magic number (expected unsigned-byte data with "
                        + std::to_string(expectedDims) + " dimensions)");
    }
    if (bytes.size() < 4 + 4 * size_t(expectedDims))
    {
        throw DataError(path + ": file too short for an IDX header");
    }
    std::vector<uint32_t> dims;
    size_t expected = 1;
    for (int d = 0; d < expectedDims; ++d)
    {
        dims.push_back(ReadBigEndian32(bytes, 4 + 4 * d));
        // Sizes become ints (shapes) and their product a byte count: refuse what cannot be,
        // instead of letting it wrap (a 2^31 x 2^31 header once "matched" an empty file).
        if (dims.back() > uint32_t(std::numeric_limits<int32_t>::max())
            || (dims.back() != 0 && expected > bytes.size() / dims.back()))
        {
            throw DataError(path
                            + ": IDX header promises more data than the file holds ("
                              "dimension "
                            + std::to_string(d) + " is " + std::to_string(dims.back()) + ")");
        }
        expected *= dims.back();
    }
    const size_t header = 4 + 4 * size_t(expectedDims);
    if (bytes.size() != header + expected)
    {
        throw DataError(path + ": size mismatch: header promises " + std::to_string(expected)
                        + " bytes of data, file holds " + std::to_string(bytes.size() - header)
                        + " (truncated or corrupt)");
    }
    return dims;
}

} // namespace

std::vector<uint8_t>
ReadMaybeGzipped(const std::string& path)
{
    if (!FileExists(path))
    {
        throw DataError(path + ": no such file");
    }
    gzFile f = gzopen(path.c_str(), "rb");
    if (f == nullptr)
    {
        throw DataError(path + ": cannot open");
    }
    std::vector<uint8_t> bytes;
    std::vector<uint8_t> chunk(1 << 20);
    while (true)
    {
        const int n = gzread(f, chunk.data(), unsigned(chunk.size()));
        if (n < 0)
        {
            int err = 0;
            const std::string msg = gzerror(f, &err);
            gzclose(f);
            throw DataError(path + ": corrupt compressed data (" + msg + ")");
        }
        if (n == 0)
        {
            break;
        }
        bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + n);
    }
    int err = 0;
    const std::string msg = gzerror(f, &err);
    gzclose(f);
    // zlib reports a gzip stream cut short as Z_BUF_ERROR only after the last read.
    if (err != Z_OK && err != Z_STREAM_END)
    {
        throw DataError(path + ": corrupt or truncated compressed data (" + msg + ")");
    }
    return bytes;
}

Dataset
LoadIdx(const std::string& imagesPath, const std::string& labelsPath, int numClasses)
{
    // In this order, so that a folder without data is reported by its images file.
    const std::vector<uint8_t> images = ReadMaybeGzipped(imagesPath);
    const std::vector<uint8_t> labels = ReadMaybeGzipped(labelsPath);
    return ParseIdx(images, labels, imagesPath, labelsPath, numClasses);
}

Dataset
ParseIdx(const std::vector<uint8_t>& img, const std::vector<uint8_t>& lab,
         const std::string& imagesPath, const std::string& labelsPath, int numClasses)
{
    const std::vector<uint32_t> idims = ParseIdxHeader(img, 3, imagesPath);
    const std::vector<uint32_t> ldims = ParseIdxHeader(lab, 1, labelsPath);
    if (idims[0] != ldims[0])
    {
        throw DataError(labelsPath + ": holds " + std::to_string(ldims[0]) + " labels but "
                        + imagesPath + " holds " + std::to_string(idims[0]) + " images");
    }
    if (idims[1] == 0 || idims[2] == 0)
    {
        throw DataError(imagesPath + ": zero-sized images");
    }
    Dataset d;
    d.name = imagesPath;
    d.shape = Shape{1, int(idims[1]), int(idims[2])};
    d.numClasses = numClasses;
    const size_t n = idims[0];
    const size_t pixels = size_t(idims[1]) * idims[2];
    d.images.resize(n * pixels);
    for (size_t i = 0; i < n * pixels; ++i)
    {
        d.images[i] = float(img[16 + i]) * (1.0f / 255.0f);
    }
    d.labels.resize(n);
    for (size_t i = 0; i < n; ++i)
    {
        const int label = lab[8 + i];
        if (label >= numClasses)
        {
            throw DataError(labelsPath + ": label " + std::to_string(label) + " at index "
                            + std::to_string(i) + " is out of range [0, "
                            + std::to_string(numClasses) + ")");
        }
        d.labels[i] = label;
    }
    return d;
}

Dataset
LoadMnistDir(const std::string& dir, bool train)
{
    const std::string prefix = dir + "/" + (train ? "train" : "t10k");
    auto pick = [](const std::string& base) { return FileExists(base) ? base : base + ".gz"; };
    return LoadIdx(pick(prefix + "-images-idx3-ubyte"), pick(prefix + "-labels-idx1-ubyte"));
}

void
WriteIdx(const std::string& imagesPath, const std::string& labelsPath,
         const std::vector<uint8_t>& pixels, const std::vector<uint8_t>& labels, int rows, int cols)
{
    std::ofstream img(imagesPath, std::ios::binary);
    PutBigEndian32(img, 0x00000803);
    PutBigEndian32(img, uint32_t(labels.size()));
    PutBigEndian32(img, uint32_t(rows));
    PutBigEndian32(img, uint32_t(cols));
    img.write(reinterpret_cast<const char*>(pixels.data()), std::streamsize(pixels.size()));
    std::ofstream lab(labelsPath, std::ios::binary);
    PutBigEndian32(lab, 0x00000801);
    PutBigEndian32(lab, uint32_t(labels.size()));
    lab.write(reinterpret_cast<const char*>(labels.data()), std::streamsize(labels.size()));
    if (!img || !lab)
    {
        throw DataError(imagesPath + ": write failed");
    }
}

} // namespace dl
