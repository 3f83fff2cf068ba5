/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// dl-two-jobs: two training jobs share one fabric with an OnOff background flow. Each job has
// its own port and its own results CSV, and counts only its own packets; FlowMonitor watches
// every flow (the jobs' included).
//
//   ./dl-two-jobs --output=results/two-jobs   (writes job-a.csv, job-b.csv, flows.xml there)

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/distributed-learning-module.h"
#include "ns3/flow-monitor-module.h"
#include "ns3/internet-module.h"

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("DlTwoJobs");

namespace
{

/// Stop the simulation once every monitor has seen its last round (the OnOff flow never ends).
void
StopWhenAllDone(std::vector<Ptr<RoundMonitor>> monitors, std::vector<Ptr<TrainingJob>> jobs)
{
    for (size_t i = 0; i < monitors.size(); ++i)
    {
        if (monitors[i]->GetRoundsCompleted() < jobs[i]->GetTotalRounds())
        {
            Simulator::Schedule(MilliSeconds(1), &StopWhenAllDone, monitors, jobs);
            return;
        }
    }
    Simulator::Stop();
}

} // namespace

int
main(int argc, char* argv[])
{
    uint32_t workers = 4; // per job
    double lossRate = 0.02;
    std::string background = "2Gbps";
    std::string output = "dl-two-jobs";
    CommandLine cmd(__FILE__);
    cmd.AddValue("workers", "workers of each job", workers);
    cmd.AddValue("lossRate", "loss rate at every host's NIC (all traffic)", lossRate);
    cmd.AddValue("background", "OnOff flow's rate while on", background);
    cmd.AddValue("output", "folder for job-a.csv, job-b.csv and flows.xml", output);
    cmd.Parse(argc, argv);

    // Two jobs: RPS and AllReduce-SGD on the same data, each on its own hosts.
    TrainingConfig cfg;
    cfg.workers = workers;
    cfg.model = "mlp";
    cfg.hidden = "64";
    cfg.epochs = 1;
    cfg.trainSubset = 2048;
    cfg.testSubset = 1000;
    Ptr<TrainingJob> jobA = TrainingJob::Create(cfg);
    Ptr<TrainingJob> jobB = TrainingJob::Create(cfg);

    // One leaf-spine fabric: the jobs' hosts, then a sender and a receiver of background load.
    FabricHelper fabric;
    fabric.SetTopology("leaf-spine");
    NodeContainer hosts = fabric.Create(2 * workers + 2);
    fabric.InstallStack(InternetStackHelper());
    fabric.AssignIpv4Addresses(Ipv4AddressHelper("10.2.0.0", "255.255.255.252"));
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    PacketLossHelper loss;
    loss.SetModel("bernoulli", lossRate);
    loss.Install(fabric.GetHostDevices());

    NodeContainer nodesA;
    NodeContainer nodesB;
    for (uint32_t i = 0; i < workers; ++i)
    {
        nodesA.Add(hosts.Get(i));
        nodesB.Add(hosts.Get(workers + i));
    }
    DistributedLearningHelper trainingA;
    trainingA.SetAlgorithm("rps");
    trainingA.SetPort(9000);
    trainingA.Install(nodesA, jobA);
    DistributedLearningHelper trainingB;
    trainingB.SetAlgorithm("allreduce");
    trainingB.SetPort(9100);
    trainingB.Install(nodesB, jobB);

    // Background: an OnOff UDP flow between the last two hosts, across the spines.
    Ptr<Node> sender = hosts.Get(2 * workers);
    Ptr<Node> receiver = hosts.Get(2 * workers + 1);
    const Ipv4Address to = receiver->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal();
    OnOffHelper onoff("ns3::UdpSocketFactory", InetSocketAddress(to, 5000));
    onoff.SetConstantRate(DataRate(background), 1400);
    onoff.Install(sender);
    PacketSinkHelper sink("ns3::UdpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 5000));
    sink.Install(receiver);

    FlowMonitorHelper flowmon;
    Ptr<FlowMonitor> flows = flowmon.InstallAll();

    std::vector<Ptr<RoundMonitor>> monitors;
    for (DistributedLearningHelper* training : {&trainingA, &trainingB})
    {
        Ptr<RoundMonitor> monitor = training->CreateMonitor(&loss);
        monitor->SetAttribute("StopWhenDone", BooleanValue(false)); // the other job runs on
        monitor->WatchDevices(fabric.GetDevices());
        monitors.push_back(monitor);
    }
    Simulator::ScheduleNow(&StopWhenAllDone, monitors, std::vector<Ptr<TrainingJob>>{jobA, jobB});

    Simulator::Run();
    SystemPath::MakeDirectories(output);
    bool ok = true;
    const char* names[] = {"job-a", "job-b"};
    for (size_t i = 0; i < monitors.size(); ++i)
    {
        const std::string path = output + "/" + names[i] + ".csv";
        ok = monitors[i]->WriteCsv(path) && ok;
        const RoundMonitor::Row& last = monitors[i]->GetRows().back();
        std::cout << names[i] << ": " << last.packetsSent << " packets sent, "
                  << last.packetsDropped << " dropped, test accuracy " << last.testAccuracy << "; "
                  << path << std::endl;
    }
    flows->SerializeToXmlFile(output + "/flows.xml", false, false);
    std::cout << "flows: " << flows->GetFlowStats().size() << " in " << output << "/flows.xml"
              << std::endl;
    Simulator::Destroy();
    return ok ? 0 : 1;
}
