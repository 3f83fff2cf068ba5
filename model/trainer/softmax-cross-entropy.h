/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_SOFTMAX_CROSS_ENTROPY_H
#define DL_SOFTMAX_CROSS_ENTROPY_H

#include <cstdint>

namespace dl
{

/**
 * \ingroup dl-trainer
 * Mean softmax cross-entropy of a batch of logits, computed stably (max subtracted).
 * \param logits [batch x classes]
 * \param labels [batch]
 * \param batch number of samples
 * \param classes number of classes
 * \param gradLogits if not null, receives dLoss/dlogits = (softmax - onehot) / batch
 * \param correct if not null, receives the number of samples whose arg-max is the label
 * \return the mean loss (summed in double)
 */
double SoftmaxCrossEntropy(const float* logits, const int32_t* labels, int batch, int classes,
                           float* gradLogits, int* correct);

} // namespace dl

#endif // DL_SOFTMAX_CROSS_ENTROPY_H
