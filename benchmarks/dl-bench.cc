/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Trainer throughput: samples/s of a training step (forward, backward, SGD update) for mlp and
// cnn at batch 32, 128 and 1024, ResNet-20 and the lstm at 32 and 128, on every backend that runs
// here (CPU; CUDA with a GPU), the GFLOP/s this implies against this machine's Eigen SGEMM, and the
// bandwidth of the per-round robust average on each backend. Prints figures; asserts nothing.
//
//   ./dl-bench [--seconds=S] [--model=mlp|cnn|resnet20|lstm]

#include "ns3/backend-factory.h"
#include "ns3/conv2d-layer.h"
#include "ns3/dense-layer.h"
#include "ns3/lstm-layer.h"
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
        if (const auto* dense = dynamic_cast<const DenseLayer*>(layer.get()))
        {
            const double weights = double(layer->ParamCount() - dense->Outputs());
            flops += 2.0 * weights * dense->Steps();
        }
        else if (dynamic_cast<const LstmLayer*>(layer.get()) != nullptr)
        {
            // Per step, the gates' 4H x (E + H) multiply-adds.
            const Shape in = layer->InputShape();
            const Shape out = layer->OutputShape();
            flops += 2.0 * 4.0 * out.w * (in.w + out.w) * in.h;
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

/// A model the benchmark times: its input, and the batches it is timed at.
struct BenchModel
{
    std::string name;         //!< BuildModel's name
    Shape input;              //!< one sample
    int classes;              //!< classes (characters, for the lstm)
    std::vector<int> batches; //!< batch sizes timed
};

/// \return the model \p m describes (hidden size 256 for the mlp and the lstm)
std::unique_ptr<SequentialModel>
Build(const BenchModel& m)
{
    return BuildModel(m.name, m.input, m.classes, {256});
}

/// A backend by name, or null (with the reason printed) when it cannot run here.
std::unique_ptr<TrainerBackend>
TryBackend(const std::string& backend, const BenchModel& model)
{
    try
    {
        return MakeBackend(backend, Build(model));
    }
    catch (const DataError& e)
    {
        std::printf("# %s: skipped: %s\n", backend.c_str(), e.what());
        return nullptr;
    }
}

/// Samples/s of training steps (gradient and SGD update on the backend's vectors).
double
StepSamplesPerSecond(TrainerBackend& backend, const BenchModel& model, int batch, double seconds)
{
    // Pictures are noise; a text model reads character ids and has a label at every step.
    const bool text = model.input.h == 1 && model.input.c == 1 && model.name == "lstm";
    const int rows = text ? model.input.w : 1;
    std::mt19937_64 rng(2);
    std::normal_distribution<float> normal;
    std::uniform_int_distribution<int> id(0, model.classes - 1);
    dl::FloatBuffer x(size_t(batch) * model.input.Size());
    std::vector<int32_t> y(size_t(batch) * rows);
    for (float& v : x)
    {
        v = text ? float(id(rng)) : normal(rng);
    }
    for (size_t i = 0; i < y.size(); ++i)
    {
        y[i] = int32_t(i % size_t(model.classes));
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
    std::printf("%-8s %-8s %6s %12s %10s %12s\n", "backend", "model", "batch", "samples/s",
                "GFLOP/s", "of SGEMM");
    const Shape picture{1, 28, 28};
    // A 1024-sample ResNet-20 batch keeps ~4 GB of activations: 32 and 128 only. The lstm
    // reads 64-character windows of a 100-character alphabet (a sample is a window).
    const std::vector<BenchModel> models = {{"mlp", picture, 10, {32, 128, 1024}},
                                            {"cnn", picture, 10, {32, 128, 1024}},
                                            {"resnet20", picture, 10, {32, 128}},
                                            {"lstm", Shape{1, 1, 64}, 100, {32, 128}}};
    for (const std::string backend : {"cpu", "cuda"})
    {
        for (const BenchModel& model : models)
        {
            if (!only.empty() && model.name != only)
            {
                continue;
            }
            auto b = TryBackend(backend, model);
            if (!b)
            {
                continue;
            }
            const double flops = 3.0 * ForwardFlopsPerSample(*Build(model));
            for (int batch : model.batches)
            {
                const double sps = StepSamplesPerSecond(*b, model, batch, seconds);
                const double gf = sps * flops / 1e9;
                std::printf("%-8s %-8s %6d %12.0f %10.1f %11.0f%%\n", backend.c_str(),
                            model.name.c_str(), batch, sps, gf, 100.0 * gf / gemm);
            }
        }
    }
    const BenchModel softmax{"softmax", picture, 10, {}};
    for (const std::string backend : {"cpu", "cuda"})
    {
        if (auto b = TryBackend(backend, softmax))
        {
            std::printf("%-8s robust average, 15 copies + own: %.2f GB/s\n", backend.c_str(),
                        AveragingGbPerSecond(*b, seconds));
        }
    }
    return 0;
}
