/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_RANDOM_CROP_FLIP_H
#define DL_RANDOM_CROP_FLIP_H

#include "dataset.h"

#include <cstdint>
#include <random>

namespace dl
{

/**
 * \ingroup dl-trainer
 * The standard augmentation of the CIFAR residual networks (He et al. 2016, section 4.2): each
 * training picture is padded by PADDING zero pixels on every side, cropped back to its size
 * at a random offset, and mirrored left-right with probability 1/2. The draws follow the seed,
 * so a run is repeatable; zero is the padding because inputs are standardised (0 is the mean).
 */
class RandomCropFlip
{
  public:
    /// Zero pixels added on each side before the crop.
    static constexpr int PADDING = 4;

    /**
     * \param shape the sample shape C x H x W
     * \param seed the draws' seed (one per replica)
     */
    RandomCropFlip(Shape shape, uint64_t seed);

    /** Augment \p batch samples of \p x in place, each with its own draw. */
    void Apply(float* x, int batch);

    /**
     * One sample: out(c, y, x) = in(c, y + dy, x' + dx), x' = W-1-x when \p flip else x; 0
     * outside the picture.
     * \param dy vertical offset in [-PADDING, PADDING]
     * \param dx horizontal offset in [-PADDING, PADDING]
     */
    static void Transform(const float* in, float* out, Shape shape, int dy, int dx, bool flip);

  private:
    Shape m_shape;          //!< sample shape
    std::mt19937_64 m_rng;  //!< the draws
    FloatBuffer m_original; //!< one sample before its transform
};

} // namespace dl

#endif // DL_RANDOM_CROP_FLIP_H
