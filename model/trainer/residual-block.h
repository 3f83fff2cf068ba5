/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_RESIDUAL_BLOCK_H
#define DL_RESIDUAL_BLOCK_H

#include "sequential-model.h"

namespace dl
{

/**
 * \ingroup dl-trainer
 * The basic block of a CIFAR residual network (He et al. 2016, section 4.2):
 * out = relu(bn(conv3x3(relu(bn(conv3x3(x, stride))))) + shortcut(x)).
 *
 * The shortcut is the identity when the shape is kept; when the block halves the picture and
 * widens the channels it is the paper's option A: every stride-th pixel, and the new channels
 * zero (half before the old ones, half after), so the shortcut has no parameters and
 * ResNet-20 has the paper's 0.27M.
 *
 * Its parameters are the branch's, in the branch's order; the branch is a SequentialModel,
 * so the block is a layer made of layers and the gradient checks cover it like any other.
 */
class ResidualBlock : public Layer
{
  public:
    /**
     * \param input input sample shape C x H x W
     * \param outChannels the block's channels (C, or more with stride 2)
     * \param stride 1, or 2 to halve the picture
     */
    ResidualBlock(Shape input, int outChannels, int stride);

    /** Copy with its own scratch (the branch is cloned). */
    ResidualBlock(const ResidualBlock& other);

    /** No assignment: a block is copied only by Clone. */
    ResidualBlock& operator=(const ResidualBlock&) = delete;

    std::unique_ptr<Layer> Clone() const override
    {
        return std::make_unique<ResidualBlock>(*this);
    }

    /** \return the branch: conv, bn, relu, conv, bn */
    const SequentialModel& Branch() const
    {
        return *m_branch;
    }

    std::string Describe() const override;
    Shape OutputShape() const override;
    size_t ParamCount() const override;
    size_t ActivationFloats() const override;
    void Init(float* params, std::mt19937_64& rng) const override;
    void Forward(const float* params, const float* in, float* out, int batch) override;
    void Backward(const float* params, const float* in, const float* out, const float* gradOut,
                  float* gradParams, float* gradIn, int batch) override;
    void SetTraining(bool training) override;
    void UpdateState(float* params) override;
    void AppendStateRanges(size_t offset,
                           std::vector<std::pair<size_t, size_t>>& ranges) const override;

  private:
    /// out[sample] += shortcut(in[sample]) (\p backward false), or its transpose:
    /// in[sample] += shortcut^T(out[sample]) (\p backward true).
    void Shortcut(const float* from, float* to, int batch, bool backward) const;

    int m_stride;                              //!< 1 or 2
    std::unique_ptr<SequentialModel> m_branch; //!< conv, bn, relu, conv, bn
    FloatBuffer m_gradSum;                     //!< dL/d(branch + shortcut)
};

} // namespace dl

#endif // DL_RESIDUAL_BLOCK_H
