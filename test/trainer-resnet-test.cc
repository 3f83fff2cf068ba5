/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Residual networks: their size, batch norm's two modes and its state, and what the optimizer
// does (and does not do) to that state.

#include "ns3/backend-factory.h"
#include "ns3/batch-norm-layer.h"
#include "ns3/data-sharding.h"
#include "ns3/model-factory.h"
#include "ns3/random-crop-flip.h"
#include "ns3/replica.h"
#include "ns3/synthetic-dataset.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>

using namespace dl;

namespace
{

/// \return the number of trained (not state) parameters of \p model
size_t
Trainable(const SequentialModel& model)
{
    size_t n = 0;
    for (const auto& [begin, end] : model.TrainableRanges())
    {
        n += end - begin;
    }
    return n;
}

} // namespace

TEST_CASE("CIFAR residual networks have the paper's parameter counts", "[resnet]")
{
    // He et al. (2016), table 6: 0.27M, 0.46M, 0.85M, 1.7M; exact figures of the option-A
    // networks as usually reported. Batch norm adds 2 state floats per channel on top.
    const std::pair<const char*, size_t> expected[] = {
        {"resnet20", 269722}, {"resnet32", 464154}, {"resnet56", 853018}, {"resnet110", 1727962}};
    for (const auto& [name, count] : expected)
    {
        auto model = BuildModel(name, Shape{3, 32, 32}, 10);
        INFO(name);
        CHECK(Trainable(*model) == count);
        size_t stateFloats = 0;
        std::vector<std::pair<size_t, size_t>> state;
        model->AppendStateRanges(0, state);
        for (const auto& [begin, end] : state)
        {
            stateFloats += end - begin;
        }
        CHECK(model->ParamCount() == count + stateFloats);
        CHECK(model->OutputShape().Size() == 10);
    }
    CHECK_THROWS_AS(BuildModel("resnet21", Shape{3, 32, 32}, 10), DataError);
    CHECK_THROWS_AS(BuildModel("resnet", Shape{3, 32, 32}, 10), DataError);
}

TEST_CASE("a 28x28 picture is padded to the network's 32x32", "[resnet]")
{
    auto model = BuildModel("resnet20", Shape{1, 28, 28}, 10);
    const Shape stem = model->Layers().front()->OutputShape();
    CHECK(stem.c == 16);
    CHECK(stem.h == 32);
    CHECK(stem.w == 32);
    CHECK(Trainable(*model) == 269722 - 2 * 16 * 9); // one input channel instead of three
}

TEST_CASE("batch norm: batch statistics in training, running ones in evaluation", "[resnet]")
{
    const Shape shape{2, 3, 3};
    BatchNormLayer bn(shape);
    dl::FloatBuffer params(bn.ParamCount());
    std::mt19937_64 rng(1);
    bn.Init(params.data(), rng);
    const int batch = 4;
    dl::FloatBuffer in(size_t(batch) * shape.Size()), out(in.size());
    for (size_t i = 0; i < in.size(); ++i)
    {
        in[i] = 3.0f + 0.25f * float(i % 7) + (i % 2 == 0 ? 1.0f : -1.0f);
    }
    bn.SetTraining(true);
    bn.Forward(params.data(), in.data(), out.data(), batch);
    // Each channel of the output has mean 0 and (biased) variance 1 over batch and pixels.
    for (int c = 0; c < shape.c; ++c)
    {
        double sum = 0.0, squares = 0.0;
        for (int s = 0; s < batch; ++s)
        {
            for (int p = 0; p < 9; ++p)
            {
                const float y = out[(size_t(s) * shape.c + c) * 9 + p];
                sum += y;
                squares += double(y) * y;
            }
        }
        CHECK(sum / 36.0 == Approx(0.0).margin(1e-5));
        CHECK(squares / 36.0 == Approx(1.0).epsilon(1e-3));
    }
    // Running statistics move a tenth of the way to the batch's (variance unbiased).
    double mean0 = 0.0;
    for (int s = 0; s < batch; ++s)
    {
        for (int p = 0; p < 9; ++p)
        {
            mean0 += in[(size_t(s) * shape.c) * 9 + p];
        }
    }
    mean0 /= 36.0;
    bn.UpdateState(params.data());
    CHECK(params[4] == Approx(0.1 * mean0).epsilon(1e-5)); // running mean, channel 0
    // Evaluation uses them: gamma (x - mean) / sqrt(var + eps) + beta.
    params[0] = 2.0f; // gamma, channel 0
    params[2] = 0.5f; // beta, channel 0
    bn.SetTraining(false);
    bn.Forward(params.data(), in.data(), out.data(), batch);
    const float expected
        = 2.0f * (in[0] - params[4]) / std::sqrt(params[6] + BatchNormLayer::EPSILON) + 0.5f;
    CHECK(out[0] == Approx(expected).epsilon(1e-6));
    // The running statistics are state: not in the trained ranges.
    std::vector<std::pair<size_t, size_t>> state;
    bn.AppendStateRanges(100, state);
    REQUIRE(state.size() == 1);
    CHECK(state[0] == std::make_pair(size_t(104), size_t(108)));
}

TEST_CASE("training updates batch-norm state, and SGD leaves it to the model", "[resnet]")
{
    SyntheticConfig cfg;
    cfg.samples = 64;
    cfg.shape = Shape{3, 8, 8};
    Dataset d = MakeSynthetic(cfg, 0);
    auto backend = MakeBackend("cpu", BuildModel("resnet20", d.shape, d.numClasses));
    auto model = BuildModel("resnet20", d.shape, d.numClasses);
    std::vector<std::pair<size_t, size_t>> state;
    model->AppendStateRanges(0, state);
    // Weight decay and momentum: what they would do to a running variance of 1 is visible.
    Replica r(*backend, d, ShardIid(d, 1, 1)[0], 3, 4, 0.9f, 0.1f);
    const dl::FloatBuffer before = r.Params().ToHost();
    r.ComputeGradient(16);
    const dl::FloatBuffer measured = r.Params().ToHost(); // state updated by the forward pass
    const dl::FloatBuffer grad = r.Gradient().ToHost();
    r.ApplyGradient(0.1f);
    const dl::FloatBuffer after = r.Params().ToHost();
    size_t changedByForward = 0;
    for (const auto& [begin, end] : state)
    {
        for (size_t i = begin; i < end; ++i)
        {
            CHECK(grad[i] == 0.0f);
            CHECK(after[i] == measured[i]); // the SGD step did not touch it
            changedByForward += measured[i] != before[i];
        }
    }
    CHECK(changedByForward > 0);
    // ... and the trained parameters did move, with the gradient.
    const auto& [b0, e0] = model->TrainableRanges().front();
    CHECK(after[b0] != measured[b0]);
    (void)e0;
}

TEST_CASE("a residual network evaluates in small batches, with the same result", "[resnet]")
{
    SyntheticConfig cfg;
    cfg.samples = 50;
    cfg.shape = Shape{1, 28, 28};
    Dataset d = MakeSynthetic(cfg, 0);
    auto model = BuildModel("resnet20", d.shape, d.numClasses);
    dl::FloatBuffer params(model->ParamCount());
    model->Init(params.data(), 5);
    // The activations of a 28x28 ResNet-20 sample are ~1M floats: far fewer than 1000 a batch.
    CHECK(model->ActivationFloats() > 500000);
    const EvalResult whole = model->Evaluate(params.data(), d);
    const EvalResult small = model->Evaluate(params.data(), d, 7);
    CHECK(whole.loss == Approx(small.loss).epsilon(1e-5));
    CHECK(whole.accuracy == small.accuracy);
    CHECK(std::isfinite(whole.loss));
}

TEST_CASE("random crops and flips: the transform, and repeatable draws", "[resnet]")
{
    const Shape shape{2, 3, 4};
    dl::FloatBuffer in(size_t(shape.Size()));
    std::iota(in.begin(), in.end(), 1.0f);
    dl::FloatBuffer out(in.size());
    RandomCropFlip::Transform(in.data(), out.data(), shape, 0, 0, false);
    CHECK(out == in);
    // Mirrored: row 0 of channel 0 is 1 2 3 4, becomes 4 3 2 1.
    RandomCropFlip::Transform(in.data(), out.data(), shape, 0, 0, true);
    CHECK(out[0] == 4.0f);
    CHECK(out[3] == 1.0f);
    // Shifted one pixel down and right: out(y, x) = in(y + 1, x + 1), 0 past the edge.
    RandomCropFlip::Transform(in.data(), out.data(), shape, 1, 1, false);
    CHECK(out[0] == in[5]);
    CHECK(out[3] == 0.0f);        // x + 1 = 4 is outside
    CHECK(out[8] == 0.0f);        // row 2: y + 1 = 3 is outside
    CHECK(out[12] == in[12 + 5]); // channel 1 moves the same way
    // The draws follow the seed.
    dl::FloatBuffer a(size_t(8) * shape.Size()), b, c;
    std::iota(a.begin(), a.end(), 0.0f);
    b = a;
    c = a;
    RandomCropFlip(shape, 3).Apply(a.data(), 8);
    RandomCropFlip(shape, 3).Apply(b.data(), 8);
    RandomCropFlip(shape, 4).Apply(c.data(), 8);
    CHECK(a == b);
    CHECK(a != c);
}
