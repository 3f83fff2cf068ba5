/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// The round monitor's parts, each alone: what writes the rows (ResultsTable), what evaluates
// the models (ModelEvaluator), what decides to stop (JobStopper).

#include "dl-test-utils.h"

#include "ns3/job-stopper.h"
#include "ns3/model-evaluator.h"
#include "ns3/results-table.h"
#include "ns3/simulator.h"
#include "ns3/system-path.h"
#include "ns3/test.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

using namespace ns3;
using namespace ns3::dltest;

namespace
{

/// \return the fields of one CSV line
std::vector<std::string>
Fields(const std::string& line)
{
    std::vector<std::string> out;
    std::stringstream in(line);
    std::string field;
    while (std::getline(in, field, ','))
    {
        out.push_back(field);
    }
    return out;
}

/// \return the whole of file \p path
std::string
ReadAll(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A row whose every column is finite and credible.
ResultsRow
SaneRow()
{
    ResultsRow r{};
    r.round = 4;
    r.epoch = 0.5;
    r.trainLoss = 1.5;
    r.testLoss = 1.4;
    r.globalTrainLoss = 1.3;
    r.replicaTrainLoss = 1.35;
    r.consensusDistance = 0.01;
    r.packetsDropped = 3;
    return r;
}

class ResultsTableTestCase : public TestCase
{
  public:
    ResultsTableTestCase()
        : TestCase("the results table writes its labels and rows, atomically")
    {
    }

  private:
    void DoRun() override
    {
        ResultsTable table;
        table.SetJobLabels(4, 7);
        table.SetLabels("rps", 0.05);
        const size_t columns = Fields(ResultsTable::Header()).size();
        NS_TEST_ASSERT_MSG_EQ(columns, 24u, "the documented columns");
        ResultsRow r = SaneRow();
        table.Add(r);
        r.round = 8;
        table.Add(r);
        table.SetPacketsDropped(1, 11);
        NS_TEST_ASSERT_MSG_EQ(table.GetRows()[1].packetsDropped, 11u, "drops fixed up");
        const std::vector<std::string> line = Fields(table.Line(table.GetRows()[0]));
        NS_TEST_ASSERT_MSG_EQ(line.size(), columns, "a field per column");
        NS_TEST_ASSERT_MSG_EQ(line[0] + "," + line[1] + "," + line[2] + "," + line[3],
                              "rps,4,0.05,7", "labels: algorithm, workers, loss rate, seed");
        NS_TEST_ASSERT_MSG_EQ(line[5], "4", "round");
        // A user's algorithm is labelled with its TypeId name, of any length: a fixed line
        // buffer cut such a row short (its last columns lost, silently).
        ResultsTable named;
        named.SetLabels("ns3::" + std::string(600, 'A') + "Sync", 0.05);
        const std::vector<std::string> wide = Fields(named.Line(SaneRow()));
        NS_TEST_ASSERT_MSG_EQ(wide.size(), columns, "a long algorithm name: every column");
        NS_TEST_ASSERT_MSG_EQ(wide[0].size(), 609u, "the whole name");

        const std::string dir = CreateTempDirFilename("dl-results-table");
        SystemPath::MakeDirectories(dir);
        const std::string path = dir + "/t.csv";
        NS_TEST_ASSERT_MSG_EQ(table.Write(path), true, "written");
        const std::string expected = ResultsTable::Header() + "\n" + table.Line(table.GetRows()[0])
                                     + "\n" + table.Line(table.GetRows()[1]) + "\n";
        NS_TEST_ASSERT_MSG_EQ(ReadAll(path), expected, "the header and every row");
        NS_TEST_ASSERT_MSG_EQ(access((path + ".tmp").c_str(), F_OK), -1, "no temporary left");
        const std::string missing = dir + "/no/such/folder/t.csv";
        NS_TEST_ASSERT_MSG_EQ(table.Write(missing), false, "an unwritable path fails");
        NS_TEST_ASSERT_MSG_EQ(access((missing + ".tmp").c_str(), F_OK), -1, "nothing half-written");
        std::remove(path.c_str());
        NS_TEST_ASSERT_MSG_EQ(table.Write("/dev/null"), true, "a special file is written directly");
    }
};

class ModelEvaluatorTestCase : public TestCase
{
  public:
    ModelEvaluatorTestCase()
        : TestCase("the evaluator measures the averaged model and a replica sample; divergence")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<TrainingJob> job = SmallJob(4, 0.1, 512);
        const dl::FloatBuffer a = job->MakeReplica(0)->Params().ToHost();
        dl::FloatBuffer b = a;
        for (size_t i = 0; i < b.size(); ++i)
        {
            b[i] += 0.5f * std::sin(float(i)); // another model
        }
        ModelEvaluator evaluator(job);
        evaluator.SetReplicaSample(2);

        // Four equal replicas: the sample of two is exact, its error 0.
        std::vector<const float*> same(4, a.data());
        ResultsRow r = SaneRow();
        evaluator.EvaluateRow(r, same, a.data());
        NS_TEST_ASSERT_MSG_EQ(r.replicasEvaluated, 2u, "a sample of 2 of 4");
        NS_TEST_ASSERT_MSG_EQ(r.replicaTestAccuracy, r.testAccuracy, "equal models, equal results");
        NS_TEST_ASSERT_MSG_EQ(r.replicaTestAccuracySe, 0.0, "no spread");
        const dl::EvalResult direct = job->GetBackend().Evaluate(a.data(), job->GetTestSet());
        NS_TEST_ASSERT_MSG_EQ(r.testAccuracy, direct.accuracy, "the averaged model's accuracy");
        NS_TEST_ASSERT_MSG_EQ(r.testLoss, direct.loss, "and loss");

        // Replicas a, b, a, b: the sample takes 0 and 2 (both a); every replica: a and b.
        std::vector<const float*> mixed{a.data(), b.data(), a.data(), b.data()};
        ResultsRow sampled = SaneRow();
        evaluator.EvaluateRow(sampled, mixed, a.data());
        NS_TEST_ASSERT_MSG_EQ(sampled.replicaTestAccuracy, direct.accuracy, "evenly spaced sample");
        evaluator.SetReplicaSample(0);
        ResultsRow all = SaneRow();
        evaluator.EvaluateRow(all, mixed, a.data());
        const dl::EvalResult other = job->GetBackend().Evaluate(b.data(), job->GetTestSet());
        NS_TEST_ASSERT_MSG_EQ_TOL(all.replicaTestAccuracy, (direct.accuracy + other.accuracy) / 2,
                                  1e-12, "the mean over every replica");
        NS_TEST_ASSERT_MSG_EQ(all.replicasEvaluated, 4u, "0: every replica");

        NS_TEST_ASSERT_MSG_EQ(evaluator.DivergenceOf(SaneRow()), "", "a sane row");
        ResultsRow bad = SaneRow();
        bad.testLoss = std::nan("");
        NS_TEST_ASSERT_MSG_EQ(
            evaluator.DivergenceOf(bad).rfind("training diverged: after round 4", 0), 0u,
            "a NaN loss is divergence");
        ResultsRow far = SaneRow();
        far.consensusDistance = 2.0;
        NS_TEST_ASSERT_MSG_EQ(evaluator.DivergenceOf(far), "", "within the default limits");
        evaluator.SetDivergenceLimits(1e6, 1.0);
        NS_TEST_ASSERT_MSG_NE(evaluator.DivergenceOf(far), "", "beyond a consensus limit of 1");
    }
};

/// What the stopper's deadline asks: the run is late while this is non-empty.
std::string g_late;
Time g_askedAt; //!< when the stopper last asked Late

std::string
Late()
{
    g_askedAt = Simulator::Now();
    return g_late;
}

/// Start \p stopper now (a job that starts late)
void
StartNow(JobStopper* stopper)
{
    stopper->Start(MakeCallback(&Late));
}

void
Tick(uint32_t* ticks)
{
    ++*ticks;
}

class JobStopperTestCase : public TestCase
{
  public:
    JobStopperTestCase()
        : TestCase("the stopper stops at a failure, at the deadline if late, when done")
    {
    }

  private:
    /// Run ticks at 1..5 ms with a started \p stopper; \return the ticks that ran
    uint32_t Run(JobStopper& stopper)
    {
        uint32_t ticks = 0;
        for (int ms = 1; ms <= 5; ++ms)
        {
            Simulator::Schedule(MilliSeconds(ms), &Tick, &ticks);
        }
        stopper.Start(MakeCallback(&Late));
        Simulator::Run();
        Simulator::Destroy();
        return ticks;
    }

    void DoRun() override
    {
        {
            JobStopper s;
            s.SetDeadline(MicroSeconds(2500));
            g_late = "round 3 did not finish";
            NS_TEST_ASSERT_MSG_EQ(Run(s), 2u, "stopped at the deadline");
            NS_TEST_ASSERT_MSG_EQ(s.GetIncomplete(), g_late, "with its reason");
        }
        {
            // A job started after its deadline is overdue at once; the negative delay this
            // took to ns-3 scheduled the check in the past (time ran backwards to 2.5 ms).
            JobStopper s;
            s.SetDeadline(MicroSeconds(2500));
            g_late = "started too late";
            uint32_t ticks = 0;
            for (int ms = 1; ms <= 5; ++ms)
            {
                Simulator::Schedule(MilliSeconds(ms), &Tick, &ticks);
            }
            Simulator::Schedule(MicroSeconds(3500), &StartNow, &s);
            Simulator::Run();
            Simulator::Destroy();
            NS_TEST_ASSERT_MSG_EQ(ticks, 3u, "stopped when it started");
            NS_TEST_ASSERT_MSG_EQ(g_askedAt, MicroSeconds(3500), "asked then, not in the past");
            NS_TEST_ASSERT_MSG_EQ(s.GetIncomplete(), g_late, "with its reason");
        }
        {
            JobStopper s;
            s.SetDeadline(MicroSeconds(2500));
            g_late = "";
            NS_TEST_ASSERT_MSG_EQ(Run(s), 5u, "a deadline met stops nothing");
            NS_TEST_ASSERT_MSG_EQ(s.IsOver(), false, "and the run is not over");
        }
        {
            JobStopper s;
            s.SetDeadline(Time(0));
            Simulator::Schedule(MicroSeconds(1500), &JobStopper::Fail, &s, std::string("first"));
            Simulator::Schedule(MicroSeconds(1600), &JobStopper::Fail, &s, std::string("second"));
            NS_TEST_ASSERT_MSG_EQ(Run(s), 1u, "a failure stops the simulation");
            NS_TEST_ASSERT_MSG_EQ(s.GetIncomplete(), "first", "the first reason stands");
        }
        {
            JobStopper s;
            s.SetDeadline(Time(0));
            Simulator::Schedule(MicroSeconds(3500), &JobStopper::Diverge, &s, std::string("nan"));
            NS_TEST_ASSERT_MSG_EQ(Run(s), 3u, "divergence stops it");
            NS_TEST_ASSERT_MSG_EQ(s.GetDivergence(), "nan", "and says why");
        }
        {
            JobStopper s;
            s.SetDeadline(Time(0));
            Simulator::Schedule(MicroSeconds(2500), &JobStopper::AllRoundsDone, &s);
            NS_TEST_ASSERT_MSG_EQ(Run(s), 2u, "the last round's end stops it");
            NS_TEST_ASSERT_MSG_EQ(s.IsOver(), false, "a finished run is not a failed one");
            JobStopper keep;
            keep.SetDeadline(Time(0));
            keep.SetStopWhenDone(false);
            Simulator::Schedule(MicroSeconds(2500), &JobStopper::AllRoundsDone, &keep);
            NS_TEST_ASSERT_MSG_EQ(Run(keep), 5u, "unless StopWhenDone is false");
            keep.EndedShort("the simulation ended after 3 of 4 rounds");
            NS_TEST_ASSERT_MSG_EQ(keep.GetIncomplete(), "the simulation ended after 3 of 4 rounds",
                                  "a run that ended short says so");
        }
    }
};

class MonitorPartsTestSuite : public TestSuite
{
  public:
    MonitorPartsTestSuite()
        : TestSuite("dl-monitor-parts", dlcompat::UNIT_SUITE)
    {
        AddTestCase(new ResultsTableTestCase, dlcompat::QUICK);
        AddTestCase(new ModelEvaluatorTestCase, dlcompat::QUICK);
        AddTestCase(new JobStopperTestCase, dlcompat::QUICK);
    }
};

MonitorPartsTestSuite g_monitorPartsTestSuite;

} // namespace
