/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_LSTM_LAYER_H
#define DL_LSTM_LAYER_H

#include "layer.h"

namespace dl
{

/**
 * \ingroup dl-trainer
 * A long short-term memory layer (Hochreiter and Schmidhuber 1997, with a forget gate) over a
 * sequence: input 1 x T x E (T steps of E features), output 1 x T x H (the hidden state at
 * every step). Per step, z = W x_t + U h_{t-1} + b split into the input, forget, cell and
 * output gates i, f, g, o (sigmoid, sigmoid, tanh, sigmoid); c_t = f c_{t-1} + i g;
 * h_t = o tanh(c_t). Every sample starts from h = c = 0, so a sample is one window of
 * truncated back-propagation through time.
 *
 * Slice layout: W [4H x E], U [4H x H], b [4H], gate blocks in the order i, f, g, o. The
 * forget gate's bias starts at 1 (Jozefowicz et al. 2015), the rest at 0.
 */
class LstmLayer : public Layer
{
  public:
    /**
     * \param input 1 x T x E
     * \param hidden H, the size of the hidden state
     */
    LstmLayer(Shape input, int hidden);

    std::unique_ptr<Layer> Clone() const override
    {
        return std::make_unique<LstmLayer>(*this);
    }

    std::string Describe() const override;
    Shape OutputShape() const override;
    size_t ParamCount() const override;
    size_t ActivationFloats() const override;
    void Init(float* params, std::mt19937_64& rng) const override;
    void Forward(const float* params, const float* in, float* out, int batch) override;
    void Backward(const float* params, const float* in, const float* out, const float* gradOut,
                  float* gradParams, float* gradIn, int batch) override;

  private:
    int m_steps;         //!< T
    int m_features;      //!< E
    int m_hidden;        //!< H
    FloatBuffer m_gates; //!< [T x batch x 4H] gate values after their nonlinearity
    FloatBuffer m_cells; //!< [(T+1) x batch x H] cell states, c_{-1} = 0 first
    FloatBuffer m_dz;    //!< [batch x T x 4H] gradients of the gates' inputs
    FloatBuffer m_dh;    //!< [batch x H] gradient reaching h_t from step t + 1
    FloatBuffer m_dc;    //!< [batch x H] gradient reaching c_t from step t + 1
};

} // namespace dl

#endif // DL_LSTM_LAYER_H
