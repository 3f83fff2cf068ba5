/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Trainer throughput: samples/s of a training step (forward, backward, SGD update) for mlp and
// cnn at batch 32, 128 and 1024, and ResNet-20 at 32 and 128, on every backend that runs here (CPU;
// CUDA with a GPU), the GFLOP/s this implies against this machine's Eigen SGEMM, and the bandwidth
// of the per-round robust average on each backend. Prints figures; asserts nothing.
//
//   ./dl-bench [--seconds=S] [--model=mlp|cnn|resnet20]

#include "ns3/backend-factory.h"
#include "ns3/conv2d-layer.h"
#include "ns3/dense-layer.h"
#include "ns3/model-factory.h"
#include "ns3/residual-block.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

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
        else if (const auto* conv = dynamic_cast<const Conv2dLayer*>(layer.get()))
        {
            const Shape out = layer->OutputShape();
            const double weights
                = double(out.c) * layer->InputShape().c * conv->Kernel() * conv->Kernel();
            flops += 2.0 * weights * out.h * out.w;
        }
        else if (const auto* block = dynamic_cast<const ResidualBlock*>(layer.get()))
        {
            flops += ForwardFlopsPerSample(block->Branch());
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

/// A backend by name, or null (with the reason printed) when it cannot run here.
std::unique_ptr<TrainerBackend>
TryBackend(const std::string& backend, const std::string& model, Shape input)
{
    try
    {
        return MakeBackend(backend, BuildModel(model, input, 10, {256}));
    }
    catch (const DataError& e)
    {
        std::printf("# %s: skipped: %s\n", backend.c_str(), e.what());
        return nullptr;
    }
}

/// Samples/s of training steps (gradient and SGD update on the backend's vectors).
double
StepSamplesPerSecond(TrainerBackend& backend, Shape input, int batch, double seconds)
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
    auto params = backend.NewVector(backend.ParamCount());
    auto grad = backend.NewVector(backend.ParamCount());
    auto velocity = backend.NewVector(backend.ParamCount());
    backend.InitParams(*params, 1);
    backend.LossAndGradient(*params, x.data(), y.data(), batch, *grad); // warm up
    long steps = 0;
    const auto start = Clock::now();
    double elapsed = 0.0;
    do
    {
        // The loss comes back to the host every step, so each step is complete when timed.
        backend.LossAndGradient(*params, x.data(), y.data(), batch, *grad);
        backend.SgdStep(*params, *velocity, *grad, 1e-4f, 0.9f, 0.0f);
        ++steps;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < seconds);
    return double(steps) * batch / elapsed;
}

/**
 * GB/s of RPS's owner-side robust average: 15 arrived copies of a 1448-float unit (one packet
 * each, from host memory as the network delivers them) averaged into the owner's slice, over
 * a 200k-float block. Counts the bytes averaged: (copies + own) x floats x 4.
 */
double
AveragingGbPerSecond(TrainerBackend& backend, double seconds)
{
    const uint32_t unit = 1448;
    const uint32_t units = 138; // ~200k floats, the mlp's size
    const int copies = 15;
    auto vec = backend.NewVector(size_t(unit) * units);
    std::vector<dl::FloatBuffer> arrived(copies, dl::FloatBuffer(unit, 1.0f));
    std::vector<const float*> ptrs;
    for (const auto& a : arrived)
    {
        ptrs.push_back(a.data());
    }
    dl::FloatBuffer sink(1);
    long passes = 0;
    const auto start = Clock::now();
    double elapsed = 0.0;
    do
    {
        for (uint32_t u = 0; u < units; ++u)
        {
            vec->AverageWith(Slice{u * unit, unit}, ptrs);
        }
        vec->Read(Slice{0, 1}, sink.data()); // wait for the device
        ++passes;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < seconds);
    return double(passes) * units * unit * (copies + 1) * sizeof(float) / elapsed / 1e9;
}

} // namespace

int
main(int argc, char** argv)
{
    double seconds = 1.0;
    std::string only; // one model's rows, for profiling
    for (int i = 1; i < argc; ++i)
    {
        if (std::strncmp(argv[i], "--seconds=", 10) == 0)
        {
            seconds = std::atof(argv[i] + 10);
        }
        else if (std::strncmp(argv[i], "--model=", 8) == 0)
        {
            only = argv[i] + 8;
        }
        else
        {
            std::fprintf(stderr,
                         "dl-bench: error: unknown argument '%s' (use --seconds=S, --model=NAME)\n",
                         argv[i]);
            return 2;
        }
    }
    const double gemm = EigenSgemmGflops(seconds);
    std::printf("Eigen SGEMM 512x512x512: %.1f GFLOP/s (CPU reference)\n", gemm);
    std::printf("%-8s %-6s %6s %12s %10s %12s\n", "backend", "model", "batch", "samples/s",
                "GFLOP/s", "of SGEMM");
    const Shape input{1, 28, 28};
    for (const std::string backend : {"cpu", "cuda"})
    {
        for (const std::string name : {"mlp", "cnn", "resnet20"})
        {
            if (!only.empty() && name != only)
            {
                continue;
            }
            auto b = TryBackend(backend, name, input);
            if (!b)
            {
                break;
            }
            const double flops = 3.0 * ForwardFlopsPerSample(*BuildModel(name, input, 10, {256}));
            // A 1024-sample ResNet-20 batch keeps ~4 GB of activations: 32 and 128 only.
            const std::vector<int> batches
                = name == "resnet20" ? std::vector<int>{32, 128} : std::vector<int>{32, 128, 1024};
            for (int batch : batches)
            {
                const double sps = StepSamplesPerSecond(*b, input, batch, seconds);
                const double gf = sps * flops / 1e9;
                std::printf("%-8s %-6s %6d %12.0f %10.1f %11.0f%%\n", backend.c_str(), name.c_str(),
                            batch, sps, gf, 100.0 * gf / gemm);
            }
        }
    }
    for (const std::string backend : {"cpu", "cuda"})
    {
        if (auto b = TryBackend(backend, "softmax", input))
        {
            std::printf("%-8s robust average, 15 copies + own: %.2f GB/s\n", backend.c_str(),
                        AveragingGbPerSecond(*b, seconds));
        }
    }
    return 0;
}
