/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_IDX_READER_H
#define DL_IDX_READER_H

#include "dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dl
{

/**
 * \ingroup dl-trainer
 * Read a whole file, transparently gunzipping it if it is gzip-compressed.
 * \param path the file
 * \return its (decompressed) bytes
 * \throws DataError naming the file if it is missing or its compressed stream is corrupt
 */
std::vector<uint8_t> ReadMaybeGzipped(const std::string& path);

/**
 * \ingroup dl-trainer
 * Load an MNIST-format (IDX) pair of files, gzipped or not: an idx3 unsigned-byte image file
 * and an idx1 unsigned-byte label file. Pixels are scaled to [0, 1].
 * Magic numbers, dimensions and file sizes are checked.
 * \param imagesPath the idx3-ubyte file
 * \param labelsPath the idx1-ubyte file
 * \param numClasses labels must lie in [0, numClasses)
 * \return the dataset
 * \throws DataError naming the file on any inconsistency
 */
Dataset LoadIdx(const std::string& imagesPath, const std::string& labelsPath, int numClasses = 10);

/**
 * \ingroup dl-trainer
 * Parse an IDX image/label pair already in memory (what LoadIdx does after reading the files).
 * \param images the idx3-ubyte bytes
 * \param labels the idx1-ubyte bytes
 * \param imagesName, labelsName names for error messages
 * \param numClasses labels must lie in [0, numClasses)
 * \return the dataset
 * \throws DataError naming the file on any inconsistency
 */
Dataset ParseIdx(const std::vector<uint8_t>& images, const std::vector<uint8_t>& labels,
                 const std::string& imagesName, const std::string& labelsName, int numClasses = 10);

/**
 * \ingroup dl-trainer
 * Load the Fashion-MNIST (or MNIST) train or test split from a directory holding the four
 * standard files (train-images-idx3-ubyte[.gz], ...).
 * \param dir the directory (Debian: /usr/share/datasets/fashion-mnist)
 * \param train true for the 60000-sample training split, false for the test split
 * \return the dataset
 */
Dataset LoadMnistDir(const std::string& dir, bool train);

/**
 * \ingroup dl-trainer
 * Write an IDX image/label pair (uncompressed); used by tests and for subsets.
 */
void WriteIdx(const std::string& imagesPath, const std::string& labelsPath,
              const std::vector<uint8_t>& pixels, const std::vector<uint8_t>& labels, int rows,
              int cols);

} // namespace dl

#endif // DL_IDX_READER_H
