/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_TEXT_CORPUS_H
#define DL_TEXT_CORPUS_H

#include "dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dl
{

/**
 * \ingroup dl-trainer
 * A character-level language-modelling task over UTF-8 text: the text's distinct characters
 * (Unicode code points, sorted) are the classes; a sample is a window of seqLength
 * characters (their ids, as floats: shape 1 x 1 x seqLength) and its labels are the next
 * character at every position (labelsPerSample = seqLength). Windows do not overlap. The
 * first (1 - testFraction) of the text gives the training windows, the rest the test
 * windows, so no test character was seen in training.
 */
struct TextCorpus
{
    Dataset train;                  //!< training windows
    Dataset test;                   //!< test windows
    std::vector<uint32_t> alphabet; //!< class id -> code point
};

/**
 * Decode UTF-8 into code points.
 * \param bytes the text
 * \param name the file name, for messages
 * \throws DataError naming the file and the byte offset of the first invalid sequence
 *         (overlong forms, surrogates and code points past U+10FFFF are invalid)
 */
std::vector<uint32_t> DecodeUtf8(const std::string& bytes, const std::string& name);

/**
 * Read \p paths (concatenated in order) and cut the text into windows.
 * \throws DataError for a missing, empty or non-UTF-8 file, or a text too short for one
 *         window of \p seqLength + 1 characters in each part
 */
TextCorpus LoadTextCorpus(const std::vector<std::string>& paths, int seqLength,
                          double testFraction = 0.1);

/**
 * \return the default corpus: the text files of Debian's fortunes package
 *         (/usr/share/games/fortunes, those without an extension), sorted by name
 * \throws DataError when the package is not installed
 */
std::vector<std::string> DefaultTextCorpusFiles();

} // namespace dl

#endif // DL_TEXT_CORPUS_H
