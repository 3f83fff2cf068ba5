/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// dl-custom-network: training on a network the program builds itself with ns-3's own helpers
// and its own address plan; the module only installs the job on the nodes.
//
//   --network=csma   one 100 Mb/s Ethernet LAN, 10.0.0.0/24, loss from an error model
//   --network=p2p    a point-to-point star (PointToPointStarHelper), 192.168.x.0/24 per spoke
//   --network=wifi   an 802.11n infrastructure cell, 192.168.1.0/24: workers are stations at
//                    --distance metres from the access point; loss comes from the channel
//
//   ./dl-custom-network --network=wifi --output=results/wifi.csv

#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/distributed-learning-module.h"
#include "ns3/internet-module.h"
#include "ns3/mobility-module.h"
#include "ns3/ns3-compat.h"
#include "ns3/point-to-point-layout-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/wifi-module.h"

#include <cmath>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("DlCustomNetwork");

namespace
{

/// One LAN; the user's own subnet.
NodeContainer
BuildCsma(uint32_t n, PacketLossHelper& loss, NetDeviceContainer* devices)
{
    NodeContainer nodes(n);
    CsmaHelper csma;
    csma.SetChannelAttribute("DataRate", StringValue("100Mbps"));
    csma.SetChannelAttribute("Delay", TimeValue(NanoSeconds(6560)));
    *devices = csma.Install(nodes);
    InternetStackHelper().Install(nodes);
    Ipv4AddressHelper("10.0.0.0", "255.255.255.0").Assign(*devices);
    // ARP would drop the first round's burst (3 packets wait per neighbour): resolve up front.
    dlcompat::PopulateNeighborCache(*devices);
    loss.Install(*devices);
    return nodes;
}

/// ns-3's own star layout: the workers are the spokes, the hub routes.
NodeContainer
BuildP2pStar(uint32_t n, PacketLossHelper& loss, NetDeviceContainer* devices)
{
    PointToPointHelper link;
    link.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
    link.SetChannelAttribute("Delay", StringValue("20us"));
    PointToPointStarHelper star(n, link);
    InternetStackHelper stack;
    star.InstallStack(stack);
    star.AssignIpv4Addresses(Ipv4AddressHelper("192.168.0.0", "255.255.255.0"));
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    NodeContainer spokes;
    for (uint32_t i = 0; i < n; ++i)
    {
        spokes.Add(star.GetSpokeNode(i));
        // Links were made before the stack: each spoke's device 0, the hub's device i.
        devices->Add(star.GetSpokeNode(i)->GetDevice(0));
        devices->Add(star.GetHub()->GetDevice(i));
    }
    loss.Install(*devices);
    return spokes;
}

/// An infrastructure cell: an access point in the middle, the workers on a circle around it.
NodeContainer
BuildWifi(uint32_t n, double distance, NetDeviceContainer* devices)
{
    NodeContainer stations(n);
    NodeContainer ap(1);
    YansWifiChannelHelper channel = YansWifiChannelHelper::Default();
    YansWifiPhyHelper phy;
    phy.SetChannel(channel.Create());
    WifiHelper wifi;
    wifi.SetStandard(WIFI_STANDARD_80211n);
    wifi.SetRemoteStationManager("ns3::ConstantRateWifiManager", "DataMode", StringValue("HtMcs7"),
                                 "ControlMode", StringValue("HtMcs0"));
    WifiMacHelper mac;
    const Ssid ssid("dl-cell");
    mac.SetType("ns3::StaWifiMac", "Ssid", SsidValue(ssid));
    *devices = wifi.Install(phy, mac, stations);
    mac.SetType("ns3::ApWifiMac", "Ssid", SsidValue(ssid));
    devices->Add(wifi.Install(phy, mac, ap));

    MobilityHelper mobility;
    Ptr<ListPositionAllocator> positions = CreateObject<ListPositionAllocator>();
    for (uint32_t i = 0; i < n; ++i)
    {
        const double angle = 2 * M_PI * i / n;
        positions->Add(Vector(distance * std::cos(angle), distance * std::sin(angle), 0));
    }
    positions->Add(Vector(0, 0, 0));
    mobility.SetPositionAllocator(positions);
    mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
    mobility.Install(stations);
    mobility.Install(ap);

    InternetStackHelper stack;
    stack.Install(stations);
    stack.Install(ap);
    Ipv4AddressHelper("192.168.1.0", "255.255.255.0").Assign(*devices);
    dlcompat::PopulateNeighborCache(*devices);
    return stations;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string network = "csma";
    std::string algorithm = "rps";
    uint32_t workers = 4;
    double lossRate = 0.02;
    double distance = 30.0;
    std::string output = "dl-custom-network.csv";
    CommandLine cmd(__FILE__);
    cmd.AddValue("network", "csma | p2p | wifi", network);
    cmd.AddValue("algorithm", "rps | allreduce | ring-allreduce | gossip", algorithm);
    cmd.AddValue("workers", "number of workers", workers);
    cmd.AddValue("lossRate", "csma, p2p: loss rate of the error model at every NIC", lossRate);
    cmd.AddValue("distance", "wifi: metres from each station to the access point", distance);
    cmd.AddValue("output", "results CSV", output);
    cmd.Parse(argc, argv);
    if (network != "csma" && network != "p2p" && network != "wifi")
    {
        std::cerr << "dl-custom-network: error: unknown --network '" << network
                  << "' (expected csma, p2p or wifi)" << std::endl;
        return 2;
    }

    TrainingConfig cfg;
    cfg.workers = workers;
    cfg.model = "softmax"; // 7850 parameters: a few dozen packets per model, even over Wi-Fi
    cfg.epochs = 1;
    cfg.trainSubset = 2048;
    cfg.testSubset = 1000;
    cfg.learningRate = 0.01;
    Ptr<TrainingJob> job;
    try
    {
        job = TrainingJob::Create(cfg);
    }
    catch (const std::exception& e)
    {
        std::cerr << "dl-custom-network: error: " << e.what() << std::endl;
        return 2;
    }

    PacketLossHelper loss;
    if (network != "wifi")
    {
        loss.SetModel("bernoulli", lossRate);
    }
    NetDeviceContainer devices;
    NodeContainer nodes = network == "csma"  ? BuildCsma(workers, loss, &devices)
                          : network == "p2p" ? BuildP2pStar(workers, loss, &devices)
                                             : BuildWifi(workers, distance, &devices);

    DistributedLearningHelper training;
    training.SetAlgorithm(algorithm);
    if (network != "p2p")
    {
        // A shared medium carries every worker's copies one after the other: be patient.
        training.SetSyncAttribute("PhaseTimeout", TimeValue(MilliSeconds(50)));
    }
    ApplicationContainer apps = training.Install(nodes, job);
    if (network == "wifi")
    {
        // Stations associate with the access point over the first beacons (102.4 ms apart):
        // a job started before would lose its whole first round, and stop (RoundMonitor).
        // sim_time_s counts from the simulation's start, so it includes these 250 ms.
        apps.Start(MilliSeconds(250));
    }
    Ptr<RoundMonitor> monitor = training.CreateMonitor(&loss);
    monitor->SetAttribute("EvalEvery", UintegerValue(4));
    monitor->WatchDevices(devices);

    Simulator::Run();
    const bool complete = monitor->GetRoundsCompleted() == job->GetTotalRounds();
    const bool written = complete && monitor->WriteCsv(output);
    Simulator::Destroy();
    if (!written)
    {
        std::cerr << "dl-custom-network: error: "
                  << (complete ? "cannot write " + output
                               : "training did not complete: " + monitor->GetIncomplete())
                  << std::endl;
        return 1;
    }
    const RoundMonitor::Row& last = monitor->GetRows().back();
    std::cout << network << ": " << workers << " workers, arrival rate " << last.arrivalRate
              << ", test accuracy " << last.testAccuracy << ", sim time " << last.simTime
              << " s; results: " << output << std::endl;
    return 0;
}
