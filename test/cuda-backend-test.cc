/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// The CUDA backend against the CPU reference on the same inputs: every layer's forward and
// backward kernels, softmax cross-entropy, the SGD step, the device vector's slice operations
// and whole training steps. Needs a GPU: without one the program says why and exits 77, which
// CTest reports as skipped.
//
// Tolerances: GEMMs and reductions sum in another order on the GPU, so values agree to float
// rounding, checked as |gpu - cpu| <= 1e-4 * (1 + |cpu|) for one layer or one step (tighter than
// any output scale here by orders of magnitude) and 1e-2 after fifty steps. Element-wise
// operations (ReLU, pooling, the averaging and scaling of slices) must agree bit for bit.

#define CATCH_CONFIG_RUNNER
#include "ns3/backend-factory.h"
#include "ns3/conv2d-layer.h"
#include "ns3/data-sharding.h"
#include "ns3/dense-layer.h"
#include "ns3/flatten-layer.h"
#include "ns3/max-pool-layer.h"
#include "ns3/model-factory.h"
#include "ns3/relu-layer.h"
#include "ns3/replica.h"
#include "ns3/sgd-optimizer.h"
#include "ns3/synthetic-dataset.h"

#include "cuda-backend.h"
#include "cuda-layers.h"
#include "cuda-vector.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <iostream>
#include <random>

using namespace dl;

namespace
{

FloatBuffer
RandomVector(size_t n, std::mt19937_64& rng)
{
    std::normal_distribution<float> normal(0.0f, 1.0f);
    FloatBuffer v(n);
    for (float& x : v)
    {
        x = normal(rng);
    }
    return v;
}

/// A device copy of \p host.
cuda::DeviceBuffer<float>
Upload(const FloatBuffer& host)
{
    cuda::DeviceBuffer<float> d(host.size());
    d.Upload(host.data(), host.size());
    return d;
}

FloatBuffer
Download(const cuda::DeviceBuffer<float>& d, size_t n)
{
    FloatBuffer host(n);
    d.Download(host.data(), n);
    return host;
}

/// Largest |gpu - cpu| / (1 + |cpu|).
double
RelativeError(const FloatBuffer& gpu, const FloatBuffer& cpu)
{
    REQUIRE(gpu.size() == cpu.size());
    double worst = 0.0;
    for (size_t i = 0; i < cpu.size(); ++i)
    {
        worst = std::max(worst, std::abs(double(gpu[i]) - cpu[i]) / (1.0 + std::abs(cpu[i])));
    }
    return worst;
}

/// Forward and backward of \p cpu and its device twin on the same random inputs.
void
CheckLayer(Layer& cpu, int batch, bool exact)
{
    std::mt19937_64 rng(11);
    const size_t inSize = size_t(batch) * cpu.InputShape().Size();
    const size_t outSize = size_t(batch) * cpu.OutputShape().Size();
    FloatBuffer params = RandomVector(cpu.ParamCount(), rng);
    const FloatBuffer in = RandomVector(inSize, rng);
    const FloatBuffer gradOut = RandomVector(outSize, rng);
    FloatBuffer out(outSize), gradParams(cpu.ParamCount()), gradIn(inSize);
    cpu.Forward(params.data(), in.data(), out.data(), batch);
    cpu.Backward(params.data(), in.data(), out.data(), gradOut.data(), gradParams.data(),
                 gradIn.data(), batch);

    std::unique_ptr<Layer> gpu = cuda::MakeCudaLayer(cpu);
    auto dParams = Upload(params);
    auto dIn = Upload(in);
    auto dGradOut = Upload(gradOut);
    cuda::DeviceBuffer<float> dOut(outSize), dGradParams(cpu.ParamCount() + 1), dGradIn(inSize);
    gpu->Forward(dParams.Data(), dIn.Data(), dOut.Data(), batch);
    gpu->Backward(dParams.Data(), dIn.Data(), dOut.Data(), dGradOut.Data(), dGradParams.Data(),
                  dGradIn.Data(), batch);
    INFO(cpu.Describe() << ", batch " << batch);
    const double tol = exact ? 0.0 : 1e-4;
    CHECK(RelativeError(Download(dOut, outSize), out) <= tol);
    CHECK(RelativeError(Download(dGradIn, inSize), gradIn) <= tol);
    if (cpu.ParamCount() > 0)
    {
        CHECK(RelativeError(Download(dGradParams, cpu.ParamCount()), gradParams) <= tol);
    }
}

Dataset
Synthetic(size_t samples, uint64_t seed)
{
    SyntheticConfig cfg;
    cfg.samples = samples;
    return MakeSynthetic(cfg, seed);
}

} // namespace

TEST_CASE("layer kernels match the CPU layers", "[cuda][layer]")
{
    const Shape image{3, 9, 9};
    for (int batch : {1, 7, 64})
    {
        DenseLayer dense(Shape{1, 1, 37}, 19);
        CheckLayer(dense, batch, false);
        ReluLayer relu(image);
        CheckLayer(relu, batch, true);
        FlattenLayer flatten(image);
        CheckLayer(flatten, batch, true);
        Conv2dLayer same(image, 5, 3, 1);
        CheckLayer(same, batch, false);
        Conv2dLayer valid(image, 4, 5, 0);
        CheckLayer(valid, batch, false);
        MaxPoolLayer pool(Shape{3, 8, 8}, 2);
        CheckLayer(pool, batch, true);
        MaxPoolLayer oddPool(image, 2); // the last row and column belong to no window
        CheckLayer(oddPool, batch, true);
    }
}

TEST_CASE("device vectors: slice operations equal HostVector's bit for bit", "[cuda][vector]")
{
    std::mt19937_64 rng(3);
    const size_t n = 1000;
    const FloatBuffer start = RandomVector(n, rng);
    const FloatBuffer a = RandomVector(n, rng);
    const FloatBuffer b = RandomVector(n, rng);
    HostVector host(n);
    cuda::CudaVector dev(n);
    host.FromHost(start);
    dev.FromHost(start);
    REQUIRE(dev.ToHost() == start);

    const Slice s{100, 333};
    auto both = [&](auto op) {
        op(static_cast<FlatVector&>(host));
        op(static_cast<FlatVector&>(dev));
        CHECK(dev.ToHost() == host.ToHost());
    };
    both([&](FlatVector& v) { v.AverageWith(s, {a.data(), b.data()}); });
    both([&](FlatVector& v) { v.AverageWith(Slice{500, 10}, {}); }); // nothing arrived
    both([&](FlatVector& v) { v.MeanOf(Slice{0, 77}, {b.data()}); });
    both([&](FlatVector& v) { v.MeanOf(Slice{77, 5}, {}); }); // zeros
    both([&](FlatVector& v) { v.Add(Slice{900, 100}, a.data()); });
    both([&](FlatVector& v) { v.Write(Slice{3, 4}, b.data()); });
    both([&](FlatVector& v) { v.Scale(0.25f); });
    FloatBuffer slice(s.count);
    dev.Read(s, slice.data());
    CHECK(std::equal(slice.begin(), slice.end(), host.ToHost().begin() + s.offset));
    both([&](FlatVector& v) { v.SetZero(); });
}

TEST_CASE("training steps on the GPU follow the CPU reference", "[cuda][backend]")
{
    const Dataset train = Synthetic(512, 0);
    const Dataset test = Synthetic(300, 1);
    for (const std::string name : {"softmax", "mlp", "cnn"})
    {
        SECTION(name)
        {
            auto cpu = MakeBackend("cpu", BuildModel(name, train.shape, train.numClasses, {32}));
            auto gpu = MakeBackend("cuda", BuildModel(name, train.shape, train.numClasses, {32}));
            REQUIRE(gpu->Name() == "cuda");
            const Shard shard = ShardIid(train, 1, 1)[0];
            Replica rc(*cpu, train, shard, 5, 6, 0.9f, 1e-4f);
            Replica rg(*gpu, train, shard, 5, 6, 0.9f, 1e-4f);
            REQUIRE(rg.Params().ToHost() == rc.Params().ToHost()); // same initial values

            // One step: loss, gradient (softmax-CE and every backward kernel), SGD update.
            const double lossC = rc.ComputeGradient(32);
            const double lossG = rg.ComputeGradient(32);
            CHECK(std::abs(lossG - lossC) <= 1e-5 * (1 + std::abs(lossC)));
            CHECK(RelativeError(rg.Gradient().ToHost(), rc.Gradient().ToHost()) <= 1e-4);
            rg.Gradient().FromHost(rc.Gradient().ToHost()); // isolate the SGD kernel
            rc.ApplyGradient(0.05f);
            rg.ApplyGradient(0.05f);
            CHECK(RelativeError(rg.Params().ToHost(), rc.Params().ToHost()) <= 1e-6);

            // Fifty steps: the trajectories stay together and learn alike (rounding differences
            // compound, and a max-pool tie may route one gradient differently: 1e-2).
            for (int i = 0; i < 50; ++i)
            {
                rc.LocalStep(32, 0.05f);
                rg.LocalStep(32, 0.05f);
            }
            const FloatBuffer pc = rc.Params().ToHost();
            CHECK(RelativeError(rg.Params().ToHost(), pc) <= 1e-2);
            const EvalResult ec = cpu->Evaluate(pc.data(), test);
            const EvalResult eg = gpu->Evaluate(pc.data(), test);
            INFO(name << ": cpu accuracy " << ec.accuracy << ", gpu " << eg.accuracy);
            CHECK(std::abs(eg.loss - ec.loss) <= 1e-5 * (1 + ec.loss));
            CHECK(std::abs(eg.accuracy - ec.accuracy) <= 1.0 / test.Size()); // a tie may flip
            CHECK(ec.accuracy > 0.5);
        }
    }
}

int
main(int argc, char* argv[])
{
    const std::string problem = CudaDeviceProblem();
    if (!problem.empty())
    {
        std::cout << "SKIPPED: the CUDA tests need a GPU: " << problem << std::endl;
        return 77;
    }
    return Catch::Session().run(argc, argv);
}
