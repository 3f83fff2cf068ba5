/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_BATCH_NORM_LAYER_H
#define DL_BATCH_NORM_LAYER_H

#include "layer.h"

namespace dl
{

/**
 * \ingroup dl-trainer
 * Batch normalisation over channels (Ioffe and Szegedy 2015; "BatchNorm2d"): each channel is
 * standardised over the batch and the pixels, then scaled and shifted by a learnt gamma and
 * beta. In training the batch's statistics are used, and UpdateState folds them into running
 * estimates (momentum 0.1; the variance unbiased, as PyTorch does); in evaluation the running
 * estimates are used.
 *
 * Slice layout: gamma[C], beta[C], running mean[C], running variance[C]. The running
 * statistics are model state (AppendStateRanges): gradient 0, not touched by the optimizer,
 * but carried and averaged with the parameters by algorithms that average models.
 */
class BatchNormLayer : public Layer
{
  public:
    /** \param input input sample shape C x H x W (kept as output shape) */
    explicit BatchNormLayer(Shape input);

    /// Weight of the newest batch in the running statistics.
    static constexpr float MOMENTUM = 0.1f;
    /// Added to the variance before the square root.
    static constexpr float EPSILON = 1e-5f;

    std::unique_ptr<Layer> Clone() const override
    {
        return std::make_unique<BatchNormLayer>(*this);
    }

    std::string Describe() const override;
    Shape OutputShape() const override;
    size_t ParamCount() const override;
    void Init(float* params, std::mt19937_64& rng) const override;
    void Forward(const float* params, const float* in, float* out, int batch) override;
    void Backward(const float* params, const float* in, const float* out, const float* gradOut,
                  float* gradParams, float* gradIn, int batch) override;

    void SetTraining(bool training) override
    {
        m_training = training;
    }

    void UpdateState(float* params) override;
    void AppendStateRanges(size_t offset,
                           std::vector<std::pair<size_t, size_t>>& ranges) const override;

  private:
    bool m_training{true};  //!< batch statistics (true) or running ones
    FloatBuffer m_xhat;     //!< standardised input of the last training forward
    FloatBuffer m_invStd;   //!< per channel 1/sqrt(var + eps) of the last training forward
    FloatBuffer m_mean;     //!< per channel batch mean of the last training forward
    FloatBuffer m_variance; //!< per channel unbiased batch variance of the last training forward
};

} // namespace dl

#endif // DL_BATCH_NORM_LAYER_H
