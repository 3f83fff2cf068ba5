/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// The main of a fuzz harness where libFuzzer is not used (GCC builds, plain ctest): runs the
// harness once on every file given, or on every file of every folder given, in name order.
// That keeps the corpus, and every crash input added to it, a regression test on each build.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace
{
int
RunFile(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        std::fprintf(stderr, "fuzz replay: cannot read %s\n", path.c_str());
        return 1;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    // A copy of exactly the input's size, so that an overread is an overread under ASan.
    std::vector<uint8_t> data(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(data.data(), data.size());
    return 0;
}
} // namespace

int
main(int argc, char** argv)
{
    std::vector<std::filesystem::path> files;
    for (int i = 1; i < argc; ++i)
    {
        const std::filesystem::path arg(argv[i]);
        if (std::filesystem::is_directory(arg))
        {
            for (const auto& entry : std::filesystem::directory_iterator(arg))
            {
                if (entry.is_regular_file())
                {
                    files.push_back(entry.path());
                }
            }
        }
        else
        {
            files.push_back(arg);
        }
    }
    std::sort(files.begin(), files.end());
    if (files.empty())
    {
        std::fprintf(stderr, "fuzz replay: no inputs (usage: %s FILE_OR_FOLDER...)\n", argv[0]);
        return 1;
    }
    for (const auto& f : files)
    {
        if (RunFile(f) != 0)
        {
            return 1;
        }
    }
    std::printf("fuzz replay: %zu inputs, no failure\n", files.size());
    return 0;
}
