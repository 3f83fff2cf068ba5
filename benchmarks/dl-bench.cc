/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Trainer throughput: samples/s of a training step (forward, backward, SGD update) for mlp and
// cnn at several batch sizes, the GFLOP/s this implies, and this machine's Eigen SGEMM GFLOP/s
// as the reference ratio. Prints figures; asserts nothing.
//
//   ./dl-bench [--seconds=S]

#include "ns3/conv2d-layer.h"
#include "ns3/dense-layer.h"
#include "ns3/model-factory.h"
#include "ns3/sgd-optimizer.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

using namespace dl;
using Clock = std::chrono::steady_clock;

namespace
{

/// Multiply-adds x2 of one sample's forward pass through the GEMM layers; backward is ~2x that.
double
ForwardFlopsPerSample(const SequentialModel& m)
{
    double flops = 0.0;
    for (const auto& layer : m.Layers())
    {
        if (dynamic_cast<const DenseLayer*>(layer.get()) != nullptr)
        {
            flops += 2.0 * layer->InputShape().Size() * layer->OutputShape().Size();
        }
        else if (dynamic_cast<const Conv2dLayer*>(layer.get()) != nullptr)
        {
            const Shape out = layer->OutputShape();
            flops += 2.0 * double(layer->ParamCount() - out.c) * out.h * out.w;
        }
    }
    return flops;
}

double
EigenSgemmGflops(double seconds)
{
    const int n = 512;
    Eigen::MatrixXf a = Eigen::MatrixXf::Random(n, n);
    Eigen::MatrixXf b = Eigen::MatrixXf::Random(n, n);
    Eigen::MatrixXf c(n, n);
    int reps = 0;
    const auto start = Clock::now();
    double elapsed = 0.0;
    do
    {
        c.noalias() = a * b;
        ++reps;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < seconds);
    std::printf("# (checksum %g)\n", double(c(0, 0)));
    return 2.0 * n * n * n * reps / elapsed / 1e9;
}

} // namespace

int
main(int argc, char** argv)
{
    double seconds = 1.0;
    for (int i = 1; i < argc; ++i)
    {
        if (std::strncmp(argv[i], "--seconds=", 10) == 0)
        {
            seconds = std::atof(argv[i] + 10);
        }
        else
        {
            std::fprintf(stderr, "dl-bench: error: unknown argument '%s' (use --seconds=S)\n",
                         argv[i]);
            return 2;
        }
    }
    const double gemm = EigenSgemmGflops(seconds);
    std::printf("Eigen SGEMM 512x512x512: %.1f GFLOP/s (reference)\n", gemm);
    std::printf("%-6s %6s %12s %10s %12s\n", "model", "batch", "samples/s", "GFLOP/s", "of SGEMM");
    const Shape input{1, 28, 28};
    for (const std::string name : {"mlp", "cnn"})
    {
        auto model = BuildModel(name, input, 10, {256});
        dl::FloatBuffer params(model->ParamCount());
        dl::FloatBuffer grad(params.size());
        model->Init(params.data(), 1);
        SgdOptimizer opt(params.size(), 0.9f, 0.0f);
        const double flops = 3.0 * ForwardFlopsPerSample(*model);
        for (int batch : {32, 128})
        {
            std::mt19937_64 rng(2);
            std::normal_distribution<float> normal;
            dl::FloatBuffer x(size_t(batch) * input.Size());
            std::vector<int32_t> y(batch);
            for (float& v : x)
            {
                v = normal(rng);
            }
            for (int i = 0; i < batch; ++i)
            {
                y[i] = i % 10;
            }
            model->LossAndGradient(params.data(), x.data(), y.data(), batch, grad.data()); // warm
            long steps = 0;
            const auto start = Clock::now();
            double elapsed = 0.0;
            do
            {
                model->LossAndGradient(params.data(), x.data(), y.data(), batch, grad.data());
                opt.Step(params.data(), grad.data(), 1e-4f);
                ++steps;
                elapsed = std::chrono::duration<double>(Clock::now() - start).count();
            } while (elapsed < seconds);
            const double sps = double(steps) * batch / elapsed;
            const double gf = sps * flops / 1e9;
            std::printf("%-6s %6d %12.0f %10.1f %11.0f%%\n", name.c_str(), batch, sps, gf,
                        100.0 * gf / gemm);
        }
    }
    return 0;
}
