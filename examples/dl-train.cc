/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// dl-train: distributed training over an unreliable simulated network.
//
// Workers are ns-3 nodes on lossy links; every round each trains its replica on a real minibatch
// (embedded trainer) and synchronises over UDP with the chosen algorithm. Results: one CSV row
// per evaluation point (columns: doc/job.rst, section "dl-train").
//
//   ./dl-train --algorithm=rps --workers=16 --lossRate=0.05 --epochs=3 --output=rps.csv
//   ./dl-train --PrintHelp
//   ./dl-train --ns3::BlockExchangeSync::PhaseTimeout=5ms ...   (any attribute, ns-3 style)

#include "ns3/core-module.h"
#include "ns3/distributed-learning-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <iostream>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("DlTrain");

#ifdef DL_WITH_JEMALLOC
/// jemalloc's settings, read when the program starts (the MALLOC_CONF variable adds to them):
/// its memory, and its own, in transparent huge pages (CMakeLists.txt says why).
extern "C"
{
    const char* malloc_conf = "thp:always,metadata_thp:always";
}
#endif

namespace
{

/// One clear line on stderr and a non-zero exit.
[[noreturn]] void
Fail(const std::string& message, int code = 2)
{
    // Every rank fails the same way (same input, same outcome after RoundMonitor::Finish):
    // rank 0 says why, and every rank leaves MPI in step, so the launcher adds nothing.
    if (RankExchange::GetRank() == 0 && RankExchange::LaunchedRank() == 0)
    {
        std::cerr << "dl-train: error: " << message << std::endl;
    }
    RankExchange::Disable();
    std::exit(code);
}

} // namespace

int
main(int argc, char* argv[])
{
    // ns-3's CommandLine takes --version for ns-3's own (build) version: answer it first.
    for (int i = 1; i < argc; ++i)
    {
        if (std::strcmp(argv[i], "--version") == 0)
        {
            std::cout << "dl-train (distributed-learning) " << DISTRIBUTED_LEARNING_VERSION
                      << ", ns-3." << DL_NS3_MINOR << std::endl;
            return 0;
        }
    }
    // Launched as several processes (mpirun -np N, srun): one simulation split over them, in a
    // build with ns-3's mpi module. Before anything else: MPI_Init may rewrite argv.
    const uint32_t launched = RankExchange::LaunchedSize();
    if (launched > 1)
    {
        if (!RankExchange::IsAvailable())
        {
            Fail("launched as " + std::to_string(launched)
                 + " processes, but this dl-train was built without MPI: build it in an ns-3 tree "
                   "configured with --enable-mpi (README, \"Running over several processes\"), or "
                   "run one process");
        }
        RankExchange::Enable(&argc, &argv);
    }
    const bool rank0 = RankExchange::GetRank() == 0;

    // ns-3's default MapScheduler allocates a tree node per event and keeps cancelled events
    // (TCP re-arms its retransmission timer on every ACK) until their time: a binary heap runs
    // the ring's TCP about 30% faster, in the same (time, uid) order, so results are identical.
    // --SchedulerType still chooses another.
    GlobalValue::Bind("SchedulerType", StringValue("ns3::PriorityQueueScheduler"));
    TrainingScenarioHelper scenario;
    std::string output = "results/dl-train.csv";
    bool progress = true;
    CommandLine cmd(__FILE__);
    cmd.Usage("Distributed training over an unreliable simulated network (ns-3 + embedded "
              "trainer). Writes one CSV row per evaluation point.");
    scenario.AddCommandLineValues(cmd);
    cmd.AddValue("output", "results CSV (written atomically)", output);
    cmd.AddValue("progress", "print a progress line per results row on stderr", progress);
    cmd.Parse(argc, argv);
    if (output.empty())
    {
        Fail("--output must name a file");
    }

    const std::string why = scenario.Build();
    if (!why.empty())
    {
        Fail(why);
    }
    Ptr<RoundMonitor> monitor = scenario.GetMonitor();
    monitor->SetAttribute("Progress", BooleanValue(progress && rank0));
    if (progress && rank0)
    {
        std::cerr << "[dl-train] " << scenario.Describe() << std::endl;
    }

    Simulator::Run();
    monitor->Finish(); // every rank: gathers the rows at rank 0, agrees on the outcome, says if
                       // the run ended short
    if (monitor->HasDiverged())
    {
        Fail(monitor->GetDivergence() + "; no results written", 3);
    }
    if (!monitor->GetIncomplete().empty())
    {
        // The rows so far, in a file whose name says it is incomplete; never the results file.
        const std::string partial = output + ".incomplete";
        const bool kept = rank0 && monitor->WriteCsv(partial);
        Fail(monitor->GetIncomplete() + "; "
                 + (kept ? "rows so far in " + partial : "no results written"),
             4);
    }
    if (!rank0)
    {
        Simulator::Destroy();
        RankExchange::Disable();
        return 0; // rank 0 has the rows and writes them
    }
    const size_t slash = output.find_last_of('/');
    if (slash != std::string::npos && slash > 0)
    {
        SystemPath::MakeDirectories(output.substr(0, slash));
    }
    if (!monitor->WriteCsv(output))
    {
        Fail("cannot write " + output + ": " + std::strerror(errno));
    }
    Simulator::Destroy();
    RankExchange::Disable();
    const RoundMonitor::Row& last = monitor->GetRows().back();
    if (progress)
    {
        std::cerr << "[dl-train] done: test accuracy " << last.testAccuracy << ", sim time "
                  << last.simTime << " s, wall " << last.wallTime << " s" << std::endl;
    }
    std::cout << "results: " << output << std::endl;
    return 0;
}
