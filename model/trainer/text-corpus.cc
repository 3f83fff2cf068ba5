/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "text-corpus.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace dl
{

std::vector<uint32_t>
DecodeUtf8(const std::string& bytes, const std::string& name)
{
    std::vector<uint32_t> out;
    out.reserve(bytes.size());
    size_t i = 0;
    while (i < bytes.size())
    {
        const auto lead = uint8_t(bytes[i]);
        int extra = 0;
        uint32_t cp = 0;
        uint32_t min = 0;
        if (lead < 0x80)
        {
            cp = lead;
        }
        else if ((lead & 0xE0) == 0xC0)
        {
            extra = 1, cp = lead & 0x1F, min = 0x80;
        }
        else if ((lead & 0xF0) == 0xE0)
        {
            extra = 2, cp = lead & 0x0F, min = 0x800;
        }
        else if ((lead & 0xF8) == 0xF0)
        {
            extra = 3, cp = lead & 0x07, min = 0x10000;
        }
        else
        {
            extra = -1;
        }
        bool valid = extra >= 0 && i + extra < bytes.size();
        for (int k = 1; valid && k <= extra; ++k)
        {
            const auto next = uint8_t(bytes[i + k]);
            valid = (next & 0xC0) == 0x80;
            cp = (cp << 6) | (next & 0x3F);
        }
        valid = valid && cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
        if (!valid)
        {
            throw DataError(name + ": not UTF-8 text (invalid byte sequence at offset "
                            + std::to_string(i) + ")");
        }
        out.push_back(cp);
        i += 1 + extra;
    }
    return out;
}

namespace
{

/// The windows of ids [from, to): inputs ids[k..k+L), labels ids[k+1..k+L+1).
Dataset
Windows(const std::vector<int32_t>& ids, size_t from, size_t to, int seqLength, int classes,
        const std::string& name)
{
    Dataset d;
    d.name = name;
    d.shape = Shape{1, 1, seqLength};
    d.numClasses = classes;
    d.labelsPerSample = seqLength;
    const size_t windows = (to - from - 1) / size_t(seqLength);
    d.images.reserve(windows * seqLength);
    d.labels.reserve(windows * seqLength);
    for (size_t w = 0; w < windows; ++w)
    {
        const size_t start = from + w * seqLength;
        for (int t = 0; t < seqLength; ++t)
        {
            d.images.push_back(float(ids[start + t]));
            d.labels.push_back(ids[start + t + 1]);
        }
    }
    return d;
}

} // namespace

TextCorpus
LoadTextCorpus(const std::vector<std::string>& paths, int seqLength, double testFraction)
{
    if (seqLength < 1)
    {
        throw DataError("text: the sequence length must be positive");
    }
    std::vector<uint32_t> text;
    for (const std::string& path : paths)
    {
        std::ifstream file(path, std::ios::binary);
        if (!file)
        {
            throw DataError(path + ": cannot open");
        }
        std::ostringstream bytes;
        bytes << file.rdbuf();
        const std::vector<uint32_t> part = DecodeUtf8(bytes.str(), path);
        if (part.empty())
        {
            throw DataError(path + ": empty text file");
        }
        text.insert(text.end(), part.begin(), part.end());
    }
    const std::string name
        = paths.size() == 1 ? paths.front()
                            : paths.front() + " and " + std::to_string(paths.size() - 1) + " more";
    TextCorpus corpus;
    corpus.alphabet = text;
    std::sort(corpus.alphabet.begin(), corpus.alphabet.end());
    corpus.alphabet.erase(std::unique(corpus.alphabet.begin(), corpus.alphabet.end()),
                          corpus.alphabet.end());
    std::vector<int32_t> ids(text.size());
    for (size_t i = 0; i < text.size(); ++i)
    {
        ids[i] = int32_t(std::lower_bound(corpus.alphabet.begin(), corpus.alphabet.end(), text[i])
                         - corpus.alphabet.begin());
    }
    const size_t split = size_t(double(text.size()) * (1.0 - testFraction));
    const size_t need = size_t(seqLength) + 1;
    if (split < need || text.size() - split < need)
    {
        throw DataError(name + ": a sequence length of " + std::to_string(seqLength)
                        + " is too long for its " + std::to_string(text.size())
                        + " characters (training and test parts each need " + std::to_string(need)
                        + ")");
    }
    const int classes = int(corpus.alphabet.size());
    corpus.train = Windows(ids, 0, split, seqLength, classes, name);
    corpus.test = Windows(ids, split, text.size(), seqLength, classes, name + " (test part)");
    return corpus;
}

std::vector<std::string>
DefaultTextCorpusFiles()
{
    namespace fs = std::filesystem;
    const fs::path dir = "/usr/share/games/fortunes";
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
    {
        // The texts have no extension; beside them are their .dat indexes and .u8 links.
        if (entry.is_regular_file() && !entry.is_symlink()
            && !entry.path().filename().has_extension())
        {
            files.push_back(entry.path().string());
        }
    }
    if (files.empty())
    {
        throw DataError("the default text corpus is Debian's fortunes package "
                        "(/usr/share/games/fortunes: apt-get install fortunes); or name a "
                        "UTF-8 file");
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace dl
