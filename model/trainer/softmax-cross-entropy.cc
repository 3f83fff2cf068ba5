/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "softmax-cross-entropy.h"

#include <cmath>

namespace dl
{

double
SoftmaxCrossEntropy(const float* logits, const int32_t* labels, int batch, int classes,
                    float* gradLogits, int* correct)
{
    double total = 0.0;
    int hits = 0;
    for (int s = 0; s < batch; ++s)
    {
        const float* z = logits + size_t(s) * classes;
        int best = 0;
        for (int k = 1; k < classes; ++k)
        {
            best = z[k] > z[best] ? k : best;
        }
        hits += best == labels[s] ? 1 : 0;
        const double zmax = z[best];
        double sum = 0.0;
        for (int k = 0; k < classes; ++k)
        {
            sum += std::exp(double(z[k]) - zmax);
        }
        const double logSum = std::log(sum) + zmax;
        total += logSum - double(z[labels[s]]);
        if (gradLogits != nullptr)
        {
            float* g = gradLogits + size_t(s) * classes;
            for (int k = 0; k < classes; ++k)
            {
                const double p = std::exp(double(z[k]) - logSum);
                g[k] = float((p - (k == labels[s] ? 1.0 : 0.0)) / batch);
            }
        }
    }
    if (correct != nullptr)
    {
        *correct = hits;
    }
    return batch > 0 ? total / batch : 0.0;
}

} // namespace dl
