/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_MODEL_FACTORY_H
#define DL_MODEL_FACTORY_H

#include "sequential-model.h"

#include <memory>
#include <string>
#include <vector>

namespace dl
{

/**
 * \ingroup dl-trainer
 * Build one of the named models:
 *  - "softmax": multinomial logistic regression (flatten, dense);
 *  - "mlp": flatten, then dense+relu per entry of \p hidden, then dense to the classes;
 *  - "cnn": LeNet-style: conv5x5(6, pad 2)+relu+pool2, conv5x5(16)+relu+pool2, flatten,
 *    dense(120)+relu, dense to the classes;
 *  - "resnet20", "resnet32", "resnet56", "resnet110": the CIFAR residual networks of He et
 *    al. (2016): a 3x3 convolution to 16 channels with batch norm and relu, three stages of n
 *    ResidualBlocks (16, 32 and 64 channels; the second and third start at stride 2 with the
 *    option-A shortcut), global average pooling and a dense layer to the classes; depth 6n+2.
 *    A square input of 24 to 30 pixels (Fashion-MNIST's 28) is zero-padded to 32x32 by the
 *    first convolution; other sizes are taken as they are;
 *  - "lstm": a character-level language model over windows of ids (TextCorpus): a 32-feature
 *    embedding, one LstmLayer per entry of \p hidden, and a dense layer to the characters at
 *    every step.
 * \throws DataError for an unknown name or a shape the model cannot take
 */
std::unique_ptr<SequentialModel> BuildModel(const std::string& name, Shape input, int numClasses,
                                            const std::vector<int>& hidden = {256});

/**
 * \ingroup dl-trainer
 * Parse a comma-separated list of hidden layer sizes ("256" or "512,256").
 * \throws DataError on anything but positive integers
 */
std::vector<int> ParseHiddenSizes(const std::string& text);

} // namespace dl

#endif // DL_MODEL_FACTORY_H
