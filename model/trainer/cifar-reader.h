/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_CIFAR_READER_H
#define DL_CIFAR_READER_H

#include "dataset.h"

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
 * Load the CIFAR-10 train split (data_batch_1..5.bin) or test split (test_batch.bin) from a
 * directory.
 */
Dataset LoadCifarDir(const std::string& dir, bool train);

} // namespace dl

#endif // DL_CIFAR_READER_H
