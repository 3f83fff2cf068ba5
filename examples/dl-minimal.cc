/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// dl-minimal: the smallest complete program that trains over a lossy simulated network.
// The README shows this file from its first #include to its end; a test checks they agree.
//
//   ./dl-minimal --output=results/minimal.csv

#include "ns3/core-module.h"
#include "ns3/distributed-learning-module.h"
#include "ns3/internet-module.h"

using namespace ns3;

int
main(int argc, char* argv[])
{
    std::string output = "dl-minimal.csv";
    CommandLine cmd(__FILE__);
    cmd.AddValue("output", "results CSV", output);
    cmd.Parse(argc, argv);

    // What to train: an mlp on a slice of Fashion-MNIST, one shard per worker.
    TrainingConfig cfg;
    cfg.workers = 8;
    cfg.epochs = 2;
    cfg.trainSubset = 4096;
    cfg.testSubset = 1000;
    Ptr<TrainingJob> job = TrainingJob::Create(cfg);

    // The network: the workers on a star of 10 Gb/s links, 5% loss at every host's NIC.
    FabricHelper fabric;
    NodeContainer hosts = fabric.Create(cfg.workers);
    fabric.InstallStack(InternetStackHelper());
    fabric.AssignIpv4Addresses(Ipv4AddressHelper("10.1.0.0", "255.255.255.252"));
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    PacketLossHelper loss;
    loss.SetModel("bernoulli", 0.05);
    loss.Install(fabric.GetHostDevices());
    loss.AssignStreams(fabric.AssignStreams(0)); // same seed, same losses, in any ns-3 release

    // The job: RPS on those hosts, and a monitor that writes one CSV row per epoch.
    DistributedLearningHelper training;
    training.SetAlgorithm("rps");
    training.Install(hosts, job);
    Ptr<RoundMonitor> monitor = training.CreateMonitor(&loss);
    monitor->WatchDevices(fabric.GetDevices());

    Simulator::Run();
    const bool written = monitor->WriteCsv(output);
    Simulator::Destroy();
    std::cout << (written ? "results: " : "cannot write ") << output << std::endl;
    return written ? 0 : 1;
}
