/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_EMBEDDING_LAYER_H
#define DL_EMBEDDING_LAYER_H

#include "layer.h"

namespace dl
{

/**
 * \ingroup dl-trainer
 * A lookup table from token ids to vectors: input 1 x 1 x T token ids (as floats, from a
 * text dataset), output 1 x T x E, row t the id's E floats. Its parameters are the table
 * [V x E]. The ids are not differentiable: Backward writes no input gradient.
 */
class EmbeddingLayer : public Layer
{
  public:
    /**
     * \param input 1 x 1 x T
     * \param vocabulary V, ids in [0, V)
     * \param features E
     */
    EmbeddingLayer(Shape input, int vocabulary, int features);

    std::unique_ptr<Layer> Clone() const override
    {
        return std::make_unique<EmbeddingLayer>(*this);
    }

    std::string Describe() const override;
    Shape OutputShape() const override;
    size_t ParamCount() const override;
    void Init(float* params, std::mt19937_64& rng) const override;
    void Forward(const float* params, const float* in, float* out, int batch) override;
    void Backward(const float* params, const float* in, const float* out, const float* gradOut,
                  float* gradParams, float* gradIn, int batch) override;

  private:
    int m_vocabulary; //!< V
    int m_features;   //!< E
};

} // namespace dl

#endif // DL_EMBEDDING_LAYER_H
