/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_CIFAR_READER_H
#define DL_CIFAR_READER_H

#include "dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dl
{

/**
 * \ingroup dl-trainer
 * Load CIFAR-10 binary-format files (each record: 1 label byte, then 3072 pixel bytes in
 * channel-major 3x32x32 order). Pixels are scaled to [0, 1].
 * \param paths the files to concatenate, e.g. data_batch_1.bin ... data_batch_5.bin
 * \return the dataset
 * \throws DataError naming the file if it is missing, not a whole number of records, or holds
 *         a label outside [0, 10)
 */
Dataset LoadCifarFiles(const std::vector<std::string>& paths);

/**
 * \ingroup dl-trainer
 * Append the records of one CIFAR-10 binary file already in memory to \p d (what
 * LoadCifarFiles does for each file after reading it).
 * \param bytes the file's bytes
 * \param name the file's name, for error messages
 * \param d the dataset to extend (its shape is 3x32x32, 10 classes)
 * \throws DataError if \p bytes is not a whole number of records or holds a label outside [0, 10);
 *         then \p d is left as it was
 */
void AppendCifarRecords(const std::vector<uint8_t>& bytes, const std::string& name, Dataset& d);

/**
 * \ingroup dl-trainer
 * Load the CIFAR-10 train split (data_batch_1..5.bin) or test split (test_batch.bin) from a
 * directory.
 */
Dataset LoadCifarDir(const std::string& dir, bool train);

} // namespace dl

#endif // DL_CIFAR_READER_H
