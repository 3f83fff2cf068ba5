/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_DATASET_H
#define DL_DATASET_H

#include "float-buffer.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

/**
 * \defgroup dl-trainer Embedded trainer (no ns-3 dependency)
 * \ingroup distributed-learning
 * Datasets, models over one flat parameter vector, gradients, optimiser, evaluation.
 */
namespace dl
{

/**
 * \ingroup dl-trainer
 * Error raised for unusable input data (missing, truncated or corrupt files, bad options).
 * The message always names the offending file or value.
 */
class DataError : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

/**
 * \ingroup dl-trainer
 * Shape of one sample: channels x height x width (a flat vector is C=1, H=1, W=n).
 */
struct Shape
{
    int c{1}; //!< channels
    int h{1}; //!< height
    int w{1}; //!< width

    /** \return the number of floats in one sample */
    int Size() const
    {
        return c * h * w;
    }
};

/**
 * \ingroup dl-trainer
 * An in-memory labelled dataset: samples are rows of a row-major [N x C*H*W] float matrix.
 */
struct Dataset
{
    std::string name;            //!< human readable name, used in messages
    Shape shape;                 //!< shape of one sample
    int numClasses{0};           //!< labels are in [0, numClasses)
    FloatBuffer images;          //!< N * shape.Size() floats
    std::vector<int32_t> labels; //!< N * labelsPerSample labels
    /// Labels per sample: 1 for a picture's class; a text window's next character at every
    /// step (the model's output is then 1 x labelsPerSample x numClasses per sample)
    int labelsPerSample{1};

    /** \return the number of samples */
    size_t Size() const
    {
        return labels.size() / size_t(labelsPerSample);
    }

    /** \return pointer to the first label of sample \p i */
    const int32_t* Labels(size_t i) const
    {
        return labels.data() + i * size_t(labelsPerSample);
    }

    /** \return pointer to the first float of sample \p i */
    const float* Sample(size_t i) const
    {
        return images.data() + i * shape.Size();
    }
};

/** Per-channel statistics used to standardise inputs. */
struct ChannelStats
{
    FloatBuffer mean; //!< per-channel mean
    FloatBuffer std;  //!< per-channel standard deviation
};

/**
 * \ingroup dl-trainer
 * \param data a dataset
 * \return its per-channel mean and standard deviation
 */
ChannelStats ComputeChannelStats(const Dataset& data);

/**
 * \ingroup dl-trainer
 * Standardise every sample in place: (x - mean[c]) / std[c].
 * Use the training set's statistics for the test set too.
 */
void Standardize(Dataset& data, const ChannelStats& stats);

/**
 * \ingroup dl-trainer
 * \return the first \p count samples of \p data (all of them, moved rather than copied, if
 * count is 0 or too large)
 */
Dataset Head(Dataset data, size_t count);

/**
 * \ingroup dl-trainer
 * A fixed subset spread over the whole set: \p count samples at evenly spaced indices
 * (i * size / count), so it does not depend on any seed and follows the set's class mix.
 * \return the subset (the whole set if \p count is 0 or not smaller than its size)
 */
Dataset EvenlySpaced(const Dataset& data, size_t count);

} // namespace dl

#endif // DL_DATASET_H
