/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Finite-difference gradient checks for every layer and every model.

#include "ns3/batch-norm-layer.h"
#include "ns3/conv2d-layer.h"
#include "ns3/dense-layer.h"
#include "ns3/embedding-layer.h"
#include "ns3/flatten-layer.h"
#include "ns3/global-avg-pool-layer.h"
#include "ns3/lstm-layer.h"
#include "ns3/max-pool-layer.h"
#include "ns3/model-factory.h"
#include "ns3/relu-layer.h"
#include "ns3/residual-block.h"
#include "ns3/softmax-cross-entropy.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <random>

using namespace dl;

namespace
{

dl::FloatBuffer
RandomVector(size_t n, std::mt19937_64& rng, float scale = 1.0f)
{
    std::normal_distribution<float> normal(0.0f, scale);
    dl::FloatBuffer v(n);
    for (float& x : v)
    {
        x = normal(rng);
    }
    return v;
}

/// f(params, in) = sum(Forward(params, in) .* r), accumulated in double.
double
Probe(Layer& layer, const dl::FloatBuffer& params, const dl::FloatBuffer& in,
      const dl::FloatBuffer& r, int batch)
{
    dl::FloatBuffer out(size_t(batch) * layer.OutputShape().Size());
    layer.Forward(params.data(), in.data(), out.data(), batch);
    double s = 0.0;
    for (size_t i = 0; i < out.size(); ++i)
    {
        s += double(out[i]) * r[i];
    }
    return s;
}

/// Central difference of Probe along coordinate i of v.
double
Numeric(dl::FloatBuffer& v, size_t i, const std::function<double()>& f)
{
    const float eps = 1e-2f;
    const float keep = v[i];
    v[i] = keep + eps;
    const double up = f();
    v[i] = keep - eps;
    const double down = f();
    v[i] = keep;
    return (up - down) / (2.0 * eps);
}

/// Tolerance wide enough for float rounding, far too tight for a sign or indexing error.
void
CheckClose(double numeric, double analytic, const std::string& what)
{
    INFO(what << ": numeric " << numeric << " analytic " << analytic);
    CHECK(std::abs(numeric - analytic)
          <= 2e-2 + 2e-2 * std::max(std::abs(numeric), std::abs(analytic)));
}

/// \param distinct give inputs pairwise at least 0.05 apart, so that a finite-difference step
///        never changes which input of a pooling window is the maximum
/// \param adjust changes the random parameters before the check, if set
/// \param ids inputs are token ids in [0, ids) (an embedding's: no input gradient to check)
void
CheckLayer(Layer& layer, int batch, uint64_t seed, bool distinct = false,
           const std::function<void(dl::FloatBuffer&)>& adjust = {}, int ids = 0)
{
    std::mt19937_64 rng(seed);
    dl::FloatBuffer params = RandomVector(layer.ParamCount(), rng, 0.5f);
    if (adjust)
    {
        adjust(params);
    }
    dl::FloatBuffer in = RandomVector(size_t(batch) * layer.InputShape().Size(), rng);
    if (ids > 0)
    {
        std::uniform_int_distribution<int> id(0, ids - 1);
        for (float& v : in)
        {
            v = float(id(rng));
        }
    }
    if (distinct)
    {
        for (size_t i = 0; i < in.size(); ++i)
        {
            in[i] = 0.05f * float(i) - 0.025f * float(in.size());
        }
        std::shuffle(in.begin(), in.end(), rng);
    }
    dl::FloatBuffer r = RandomVector(size_t(batch) * layer.OutputShape().Size(), rng);
    dl::FloatBuffer out(r.size());
    layer.Forward(params.data(), in.data(), out.data(), batch);
    dl::FloatBuffer gradParams(params.size());
    dl::FloatBuffer gradIn(in.size());
    layer.Backward(params.data(), in.data(), out.data(), r.data(), gradParams.data(), gradIn.data(),
                   batch);
    auto f = [&]() { return Probe(layer, params, in, r, batch); };
    std::uniform_int_distribution<size_t> pickIn(0, in.size() - 1);
    for (int k = 0; k < (ids > 0 ? 0 : 25); ++k)
    {
        const size_t i = pickIn(rng);
        CheckClose(Numeric(in, i, f), gradIn[i],
                   layer.Describe() + " d/din[" + std::to_string(i) + "]");
    }
    if (!params.empty())
    {
        std::uniform_int_distribution<size_t> pickP(0, params.size() - 1);
        for (int k = 0; k < 25; ++k)
        {
            const size_t i = pickP(rng);
            CheckClose(Numeric(params, i, f), gradParams[i],
                       layer.Describe() + " d/dparam[" + std::to_string(i) + "]");
        }
        // The bias is the last slice of every parametrised layer: check it all.
        const size_t tail = std::min<size_t>(params.size(), 4);
        for (size_t i = params.size() - tail; i < params.size(); ++i)
        {
            CheckClose(Numeric(params, i, f), gradParams[i], layer.Describe() + " d/dbias");
        }
    }
}

} // namespace

TEST_CASE("dense layer gradient matches finite differences", "[gradient]")
{
    DenseLayer layer(Shape{1, 1, 13}, 7);
    CheckLayer(layer, 5, 1);
}

TEST_CASE("relu layer gradient matches finite differences", "[gradient]")
{
    ReluLayer layer(Shape{2, 3, 4});
    CheckLayer(layer, 3, 2);
}

TEST_CASE("conv2d layer gradient matches finite differences", "[gradient]")
{
    Conv2dLayer padded(Shape{2, 7, 6}, 3, 3, 1);
    CheckLayer(padded, 2, 3);
    Conv2dLayer valid(Shape{3, 8, 8}, 4, 5, 0);
    CheckLayer(valid, 2, 4);
    // 37 samples: one full GEMM group of 32 and a short one (Conv2dLayer::MAX_GROUP).
    Conv2dLayer grouped(Shape{2, 5, 5}, 3, 3, 1);
    CheckLayer(grouped, 37, 6);
}

namespace
{

/// \return the largest |a - b| over the largest |b| (1 if b is all zeros)
double
RelativeError(const dl::FloatBuffer& a, const dl::FloatBuffer& b)
{
    double diff = 0;
    double scale = 0;
    for (size_t i = 0; i < a.size(); ++i)
    {
        diff = std::max(diff, std::abs(double(a[i]) - b[i]));
        scale = std::max(scale, std::abs(double(b[i])));
    }
    return diff / std::max(scale, 1.0);
}

/// Forward and backward of \p layer on the direct path and on the im2col reference agree.
void
CheckDirectAgainstReference(Conv2dLayer layer, int batch, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    dl::FloatBuffer params(layer.ParamCount());
    layer.Init(params.data(), rng);
    const auto in = RandomVector(size_t(batch) * layer.InputShape().Size(), rng);
    const auto gradOut = RandomVector(size_t(batch) * layer.OutputShape().Size(), rng);
    dl::FloatBuffer out[2], gradParams[2], gradIn[2];
    for (int reference = 0; reference < 2; ++reference)
    {
        layer.UseReference(reference == 1);
        out[reference].resize(gradOut.size());
        gradParams[reference].resize(params.size());
        gradIn[reference].resize(in.size());
        // Twice, so that reused scratch (its zero borders) is checked too.
        for (int pass = 0; pass < 2; ++pass)
        {
            layer.Forward(params.data(), in.data(), out[reference].data(), batch);
            layer.Backward(params.data(), in.data(), out[reference].data(), gradOut.data(),
                           gradParams[reference].data(), gradIn[reference].data(), batch);
        }
    }
    INFO(layer.Describe() << ", batch " << batch);
    CHECK(RelativeError(out[0], out[1]) < 1e-5);
    CHECK(RelativeError(gradParams[0], gradParams[1]) < 1e-5);
    CHECK(RelativeError(gradIn[0], gradIn[1]) < 1e-5);
}

} // namespace

TEST_CASE("direct conv2d matches the im2col reference", "[gradient]")
{
    // 3x3 "same" as in a residual network, 5x5 as in LeNet, borders from 0 to kernel - 1,
    // filter counts that fill no whole block of 4 or 2, planes of no whole vector, a batch
    // larger than a weight-gradient chunk.
    CheckDirectAgainstReference(Conv2dLayer(Shape{16, 8, 8}, 16, 3, 1, 1, false), 3, 21);
    CheckDirectAgainstReference(Conv2dLayer(Shape{2, 7, 6}, 3, 3, 1), 2, 22);
    CheckDirectAgainstReference(Conv2dLayer(Shape{1, 28, 28}, 6, 5, 2), 2, 23);
    CheckDirectAgainstReference(Conv2dLayer(Shape{6, 14, 14}, 16, 5, 0), 3, 24);
    CheckDirectAgainstReference(Conv2dLayer(Shape{5, 9, 11}, 7, 3, 2), 2, 25);
    CheckDirectAgainstReference(Conv2dLayer(Shape{3, 6, 5}, 5, 3, 0, 1, false), 4, 26);
    CheckDirectAgainstReference(Conv2dLayer(Shape{32, 32, 32}, 32, 3, 1, 1, false), 2, 27);
    CheckDirectAgainstReference(Conv2dLayer(Shape{2, 5, 5}, 3, 3, 1), 70, 28);
}

TEST_CASE("strided conv2d without bias: gradient and output size", "[gradient]")
{
    Conv2dLayer strided(Shape{2, 8, 7}, 3, 3, 1, 2, false);
    REQUIRE(strided.OutputShape().h == 4);
    REQUIRE(strided.OutputShape().w == 4);
    REQUIRE(strided.ParamCount() == 3 * 2 * 9);
    CheckLayer(strided, 3, 7);
    Conv2dLayer unpadded(Shape{1, 9, 9}, 2, 3, 0, 3);
    REQUIRE(unpadded.OutputShape().h == 3);
    CheckLayer(unpadded, 2, 8);
}

TEST_CASE("batch norm layer gradient matches finite differences", "[gradient]")
{
    BatchNormLayer layer(Shape{3, 4, 5});
    CheckLayer(layer, 4, 9);
}

TEST_CASE("global average pool gradient matches finite differences", "[gradient]")
{
    GlobalAvgPoolLayer layer(Shape{3, 4, 5});
    REQUIRE(layer.OutputShape().Size() == 3);
    CheckLayer(layer, 2, 10);
}

TEST_CASE("residual block gradient matches finite differences", "[gradient]")
{
    // Batch norm puts a hundred values per channel around 0, and a finite-difference step
    // moves them all: some would cross a relu's kink at every step. Shifting both norms' beta
    // by 4 keeps them clear of it, so the check sees the convolutions, the norms and the
    // shortcut; the relus' masks are checked with the whole network, by smaller steps.
    auto clearOfKinks = [](const ResidualBlock& block) {
        return [&block](dl::FloatBuffer& params) {
            std::vector<std::pair<size_t, size_t>> state;
            block.AppendStateRanges(0, state);
            for (const auto& range : state) // beta: the C floats ahead of the running mean
            {
                const size_t channels = (range.second - range.first) / 2;
                for (size_t i = range.first - channels; i < range.first; ++i)
                {
                    params[i] += 4.0f;
                }
            }
        };
    };
    ResidualBlock identity(Shape{4, 6, 6}, 4, 1);
    CheckLayer(identity, 3, 11, false, clearOfKinks(identity));
    ResidualBlock optionA(Shape{2, 6, 4}, 4, 2);
    REQUIRE(optionA.OutputShape().c == 4);
    REQUIRE(optionA.OutputShape().h == 3);
    REQUIRE(optionA.OutputShape().w == 2);
    CheckLayer(optionA, 3, 12, false, clearOfKinks(optionA));
    CHECK_THROWS_AS(ResidualBlock(Shape{4, 5, 5}, 8, 2), DataError); // odd picture
    CHECK_THROWS_AS(ResidualBlock(Shape{4, 6, 6}, 8, 1), DataError); // wider, same size
}

TEST_CASE("lstm layer gradient matches finite differences through its steps", "[gradient]")
{
    // Six steps: a parameter's gradient sums over all of them, and an early input reaches the
    // output of every later step through the recurrence.
    LstmLayer layer(Shape{1, 6, 3}, 4);
    REQUIRE(layer.OutputShape().h == 6);
    REQUIRE(layer.OutputShape().w == 4);
    REQUIRE(layer.ParamCount() == 4 * 4 * (3 + 4 + 1));
    CheckLayer(layer, 3, 13);
}

TEST_CASE("embedding and per-step dense layers: gradients", "[gradient]")
{
    EmbeddingLayer embedding(Shape{1, 1, 5}, 7, 3);
    REQUIRE(embedding.OutputShape().h == 5);
    CheckLayer(embedding, 4, 14, false, {}, 7);
    DenseLayer perStep(Shape{1, 5, 3}, 4, true);
    REQUIRE(perStep.OutputShape().h == 5);
    REQUIRE(perStep.ParamCount() == 4 * 3 + 4);
    CheckLayer(perStep, 2, 15);
}

TEST_CASE("max-pool layer gradient matches finite differences", "[gradient]")
{
    MaxPoolLayer layer(Shape{2, 6, 7}, 2);
    REQUIRE(layer.OutputShape().h == 3);
    REQUIRE(layer.OutputShape().w == 3);
    CheckLayer(layer, 3, 5, true);
}

TEST_CASE("flatten layer passes values and gradients through", "[gradient]")
{
    FlattenLayer layer(Shape{2, 3, 4});
    REQUIRE(layer.OutputShape().Size() == 24);
    CheckLayer(layer, 2, 6);
}

TEST_CASE("softmax cross-entropy: value and gradient", "[gradient]")
{
    // Uniform logits: loss is log(K), gradient (1/K - onehot)/batch.
    dl::FloatBuffer logits(2 * 4, 0.0f);
    std::vector<int32_t> labels{1, 3};
    dl::FloatBuffer grad(8);
    int correct = -1;
    const double loss
        = SoftmaxCrossEntropy(logits.data(), labels.data(), 2, 4, grad.data(), &correct);
    CHECK(loss == Approx(std::log(4.0)).epsilon(1e-6));
    CHECK(grad[1] == Approx((0.25 - 1.0) / 2).epsilon(1e-6));
    CHECK(grad[0] == Approx(0.25 / 2).epsilon(1e-6));
    // Large logits must not overflow.
    dl::FloatBuffer big{1000.0f, 0.0f};
    std::vector<int32_t> label0{0};
    CHECK(SoftmaxCrossEntropy(big.data(), label0.data(), 1, 2, nullptr, &correct)
          == Approx(0.0).margin(1e-9));
    CHECK(correct == 1);
}

TEST_CASE("every model's loss gradient matches finite differences", "[gradient]")
{
    for (const std::string name : {"softmax", "mlp", "cnn", "resnet20", "lstm"})
    {
        SECTION(name)
        {
            // Not square, so the residual network keeps it (8x12, 4x6, 2x3): small and fast.
            // The lstm reads windows of 6 character ids and predicts one of 5 at every step.
            const bool text = name == "lstm";
            const Shape input = name == "resnet20" ? Shape{2, 8, 12}
                                : text             ? Shape{1, 1, 6}
                                                   : Shape{1, 12, 12};
            auto model
                = BuildModel(name, input, 5, text ? std::vector<int>{8, 6} : std::vector<int>{16});
            dl::FloatBuffer params(model->ParamCount());
            model->Init(params.data(), 7);
            std::mt19937_64 rng(11);
            const int batch = 4;
            dl::FloatBuffer x = RandomVector(size_t(batch) * input.Size(), rng);
            std::vector<int32_t> y{0, 3, 4, 1};
            if (text)
            {
                std::uniform_int_distribution<int> id(0, 4);
                for (float& v : x)
                {
                    v = float(id(rng));
                }
                y.resize(size_t(batch) * 6);
                for (int32_t& label : y)
                {
                    label = id(rng);
                }
            }
            dl::FloatBuffer grad(params.size());
            model->LossAndGradient(params.data(), x.data(), y.data(), batch, grad.data());
            auto f = [&]() {
                dl::FloatBuffer scratch(params.size());
                return model->LossAndGradient(params.data(), x.data(), y.data(), batch,
                                              scratch.data());
            };
            std::uniform_int_distribution<size_t> pick(0, params.size() - 1);
            for (int k = 0; k < 30; ++k)
            {
                const size_t i = pick(rng);
                // The loss is ~1, so a 1e-2 step is too coarse here; a scaled check instead.
                const float keep = params[i];
                const float eps = 1e-3f;
                params[i] = keep + eps;
                const double up = f();
                params[i] = keep - eps;
                const double down = f();
                params[i] = keep;
                const double numeric = (up - down) / (2.0 * eps);
                INFO(name << " param " << i << " numeric " << numeric << " analytic " << grad[i]);
                CHECK(std::abs(numeric - grad[i]) <= 3e-3 + 3e-2 * std::abs(numeric));
            }
        }
    }
}
