/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Optimiser, schedules, averaging math, determinism and learning.

#include "ns3/backend-factory.h"
#include "ns3/data-sharding.h"
#include "ns3/lr-schedule.h"
#include "ns3/model-factory.h"
#include "ns3/replica.h"
#include "ns3/sgd-optimizer.h"
#include "ns3/slice-ops.h"
#include "ns3/synthetic-dataset.h"

#include <catch2/catch.hpp>
#include <cmath>

using namespace dl;

namespace
{

std::unique_ptr<TrainerBackend>
MakeCpu(const std::string& model, const Dataset& d)
{
    return MakeBackend("cpu", BuildModel(model, d.shape, d.numClasses, {32}));
}

} // namespace

TEST_CASE("robust average: own plus the copies that arrived", "[slice]")
{
    dl::FloatBuffer own{1, 2, 3};
    dl::FloatBuffer a{4, 5, 6};
    dl::FloatBuffer b{7, 8, 9};
    RobustAverage(own.data(), {a.data(), b.data()}, 3);
    CHECK(own == dl::FloatBuffer{4, 5, 6});
    dl::FloatBuffer alone{1, 2, 3};
    RobustAverage(alone.data(), {}, 3); // nothing arrived: keep own
    CHECK(alone == dl::FloatBuffer{1, 2, 3});
    dl::FloatBuffer mean(3);
    MeanOf({a.data(), b.data()}, 3, mean.data());
    CHECK(mean == dl::FloatBuffer{5.5f, 6.5f, 7.5f});
    CHECK(ConsensusDistance({a.data(), b.data()}, mean.data(), 3) == Approx(3 * 1.5 * 1.5));
    dl::FloatBuffer nan{1, NAN, 3};
    CHECK(AllFinite(a.data(), 3));
    CHECK_FALSE(AllFinite(nan.data(), 3));
}

TEST_CASE("learning-rate schedules", "[optim]")
{
    LrSchedule s;
    s.base = 0.1;
    CHECK(s.At(1000) == Approx(0.1));
    s.warmupSteps = 10;
    CHECK(s.At(0) == Approx(0.01));
    CHECK(s.At(9) == Approx(0.1));
    s.kind = LrSchedule::STEP;
    s.warmupSteps = 0;
    s.stepSize = 100;
    s.gamma = 0.5;
    CHECK(s.At(99) == Approx(0.1));
    CHECK(s.At(250) == Approx(0.025));
    s.kind = LrSchedule::COSINE;
    s.totalSteps = 100;
    CHECK(s.At(50) == Approx(0.05));
    CHECK(s.At(100) == Approx(0.0).margin(1e-12));
    CHECK_THROWS_AS(LrSchedule::ParseKind("linear"), DataError);
}

TEST_CASE("SGD with momentum: averaging stepped replicas equals stepping the average", "[optim]")
{
    // The identity behind "loss-free RPS = synchronous SGD".
    const size_t n = 5;
    SgdOptimizer a(n, 0.9f, 1e-3f), b(n, 0.9f, 1e-3f), avg(n, 0.9f, 1e-3f);
    dl::FloatBuffer xa{1, 2, 3, 4, 5}, xb = xa, xm = xa;
    for (int step = 0; step < 3; ++step)
    {
        dl::FloatBuffer ga(n), gb(n), gm(n);
        for (size_t i = 0; i < n; ++i)
        {
            ga[i] = float(i) * 0.1f + step;
            gb[i] = -float(i) * 0.3f + 0.5f;
            gm[i] = 0.5f * (ga[i] + gb[i]);
        }
        a.Step(xa.data(), ga.data(), 0.1f);
        b.Step(xb.data(), gb.data(), 0.1f);
        avg.Step(xm.data(), gm.data(), 0.1f);
        for (size_t i = 0; i < n; ++i)
        {
            xa[i] = xb[i] = 0.5f * (xa[i] + xb[i]);
            CHECK(xa[i] == Approx(xm[i]).epsilon(1e-5));
        }
    }
}

TEST_CASE("same seed, same parameters after N steps, bit for bit", "[determinism]")
{
    SyntheticConfig cfg;
    cfg.samples = 512;
    Dataset d = MakeSynthetic(cfg, 0);
    auto run = [&](uint64_t sampleSeed) {
        auto backend = MakeCpu("cnn", d);
        Replica r(*backend, d, ShardIid(d, 1, 1)[0], 3, sampleSeed, 0.9f, 1e-4f);
        for (int i = 0; i < 20; ++i)
        {
            r.LocalStep(16, 0.05f);
        }
        return r.Params().ToHost();
    };
    const dl::FloatBuffer first = run(9);
    CHECK(run(9) == first);
    CHECK(run(10) != first);
}

TEST_CASE("the synthetic task is learned in a few hundred steps", "[learning]")
{
    SyntheticConfig cfg;
    cfg.samples = 4000;
    Dataset train = MakeSynthetic(cfg, 0);
    cfg.samples = 1000;
    Dataset test = MakeSynthetic(cfg, 1);
    for (const std::string model : {"softmax", "mlp", "cnn"})
    {
        SECTION(model)
        {
            auto backend = MakeCpu(model, train);
            Replica r(*backend, train, ShardIid(train, 1, 1)[0], 1, 2, 0.9f, 0.0f);
            const double before = backend->Evaluate(r.Params().ToHost().data(), test).accuracy;
            for (int i = 0; i < 300; ++i)
            {
                r.LocalStep(32, 0.02f);
            }
            const EvalResult after = backend->Evaluate(r.Params().ToHost().data(), test);
            INFO(model << ": accuracy " << before << " -> " << after.accuracy);
            CHECK(before < 0.5);
            CHECK(after.accuracy > 0.9);
        }
    }
}
