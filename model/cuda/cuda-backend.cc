/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "cuda-backend.h"

#include "cuda-context.h"
#include "cuda-kernels.h"
#include "cuda-layers.h"
#include "cuda-vector.h"
#include "sgd-optimizer.h"

#include <algorithm>
#include <vector>

namespace dl
{
namespace
{

/**
 * The CUDA backend: the CPU SequentialModel describes the model and initialises parameters
 * (so both backends start from the same values); its device twins run it.
 */
class CudaBackend : public TrainerBackend
{
  public:
    explicit CudaBackend(std::unique_ptr<SequentialModel> model)
        : m_model(std::move(model))
    {
        cuda::CudaContext::Get(); // fail here, with the reason, if there is no device
        for (const auto& layer : m_model->Layers())
        {
            m_layers.push_back(cuda::MakeCudaLayer(*layer));
        }
        m_acts.resize(m_layers.size() + 1);
        m_grads.resize(m_layers.size() + 1);
    }

    std::string Name() const override
    {
        return "cuda";
    }

    size_t ParamCount() const override
    {
        return m_model->ParamCount();
    }

    std::string Summary() const override
    {
        return m_model->Summary() + "on " + cuda::CudaContext::Get().DeviceName() + "\n";
    }

    std::unique_ptr<FlatVector> NewVector(size_t size) const override
    {
        return std::make_unique<cuda::CudaVector>(size);
    }

    const std::vector<std::pair<size_t, size_t>>& StateRanges() const override
    {
        return m_model->StateRanges();
    }

    void InitParams(FlatVector& params, uint64_t seed) override
    {
        FloatBuffer host(params.Size());
        m_model->Init(host.data(), seed);
        params.FromHost(host);
    }

    double LossAndGradient(FlatVector& params, const float* x, const int32_t* y, int batch,
                           FlatVector& grad) override
    {
        Forward(params.Data(), x, y, batch);
        const size_t last = m_layers.size();
        const double loss = Loss(batch, m_grads[last].Data(), nullptr);
        for (size_t l = last; l-- > 0;)
        {
            m_layers[l]->Backward(params.Data() + m_model->LayerOffset(l), m_acts[l].Data(),
                                  m_acts[l + 1].Data(), m_grads[l + 1].Data(),
                                  grad.Data() + m_model->LayerOffset(l),
                                  l == 0 ? nullptr : m_grads[l].Data(), batch);
        }
        return loss;
    }

    void SgdStep(FlatVector& params, FlatVector& velocity, const FlatVector& grad, float lr,
                 float momentum, float weightDecay) override
    {
        // The whole vector is trained: a model with state (batch norm) has no CUDA twin yet.
        cuda::SgdUpdate(params.Data(), velocity.Data(), grad.Data(), params.Size(), lr, momentum,
                        weightDecay);
        cuda::CheckLaunch("sgd step");
    }

    EvalResult Evaluate(const float* params, const Dataset& data) override
    {
        EvalResult r;
        if (data.Size() == 0)
        {
            return r;
        }
        m_evalParams.Upload(params, ParamCount());
        const size_t batchSize = 1000;
        double lossSum = 0.0;
        size_t hits = 0;
        for (size_t begin = 0; begin < data.Size(); begin += batchSize)
        {
            const int n = int(std::min(batchSize, data.Size() - begin));
            Forward(m_evalParams.Data(), data.Sample(begin), data.labels.data() + begin, n);
            int correct = 0;
            lossSum += n * Loss(n, nullptr, &correct);
            hits += correct;
        }
        r.loss = lossSum / double(data.Size());
        r.accuracy = double(hits) / double(data.Size());
        return r;
    }

  private:
    /// Upload a batch and run the layers; the logits end in m_acts.back().
    void Forward(const float* params, const float* x, const int32_t* y, int batch)
    {
        for (size_t l = 0; l <= m_layers.size(); ++l)
        {
            const Shape s = l == 0 ? m_model->InputShape() : m_layers[l - 1]->OutputShape();
            m_acts[l].Reserve(size_t(batch) * s.Size());
            m_grads[l].Reserve(size_t(batch) * s.Size());
        }
        m_acts[0].Upload(x, size_t(batch) * m_model->InputShape().Size());
        m_labels.Upload(y, size_t(batch));
        for (size_t l = 0; l < m_layers.size(); ++l)
        {
            m_layers[l]->Forward(params + m_model->LayerOffset(l), m_acts[l].Data(),
                                 m_acts[l + 1].Data(), batch);
        }
    }

    /// Softmax cross-entropy of the last Forward; per-sample losses summed on the host in
    /// sample order, as the CPU does.
    double Loss(int batch, float* gradLogits, int* correct)
    {
        m_sampleLoss.Reserve(size_t(batch));
        m_hits.Reserve(size_t(batch));
        cuda::SoftmaxCrossEntropy(m_acts.back().Data(), m_labels.Data(), batch,
                                  m_model->OutputShape().Size(), gradLogits, m_sampleLoss.Data(),
                                  m_hits.Data());
        cuda::CheckLaunch("softmax cross-entropy");
        m_hostLoss.resize(batch);
        m_hostHits.resize(batch);
        m_sampleLoss.Download(m_hostLoss.data(), batch);
        m_hits.Download(m_hostHits.data(), batch);
        double total = 0.0;
        int hitCount = 0;
        for (int s = 0; s < batch; ++s)
        {
            total += m_hostLoss[s];
            hitCount += m_hostHits[s];
        }
        if (correct != nullptr)
        {
            *correct = hitCount;
        }
        return batch > 0 ? total / batch : 0.0;
    }

    std::unique_ptr<SequentialModel> m_model;       //!< description and initialiser
    std::vector<std::unique_ptr<Layer>> m_layers;   //!< device twins
    std::vector<cuda::DeviceBuffer<float>> m_acts;  //!< activations per layer boundary
    std::vector<cuda::DeviceBuffer<float>> m_grads; //!< their gradients
    cuda::DeviceBuffer<int32_t> m_labels;           //!< batch labels
    cuda::DeviceBuffer<double> m_sampleLoss;        //!< per-sample loss
    cuda::DeviceBuffer<int32_t> m_hits;             //!< per-sample arg-max hit
    cuda::DeviceBuffer<float> m_evalParams;         //!< parameters under evaluation
    std::vector<double> m_hostLoss;                 //!< per-sample loss, downloaded
    std::vector<int32_t> m_hostHits;                //!< per-sample hit, downloaded
};

} // namespace

std::unique_ptr<TrainerBackend>
MakeCudaBackend(std::unique_ptr<SequentialModel> model)
{
    return std::make_unique<CudaBackend>(std::move(model));
}

std::string
CudaDeviceProblem()
{
    return cuda::CudaContext::DeviceProblem();
}

} // namespace dl
