/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
// Bad calls of DistributedLearningHelper, one per --case: each must stop with a message that
// names the problem (test/install-errors-test.sh checks the exit and the message).

#include "ns3/core-module.h"
#include "ns3/distributed-learning-module.h"
#include "ns3/internet-module.h"

using namespace ns3;

namespace
{

/// A star of \p hosts hosts with addresses and routes.
NodeContainer
Star(uint32_t hosts)
{
    static FabricHelper fabric; // alive until the end of the simulation
    NodeContainer nodes = fabric.Create(hosts);
    fabric.InstallStack(InternetStackHelper());
    fabric.AssignIpv4Addresses(Ipv4AddressHelper("10.9.0.0", "255.255.255.252"));
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    return nodes;
}

/// A small synthetic job of \p workers workers.
Ptr<TrainingJob>
Job(uint32_t workers)
{
    TrainingConfig c;
    c.dataset = "synthetic";
    c.hidden = "8";
    c.workers = workers;
    c.trainSubset = 256;
    c.testSubset = 64;
    c.epochs = 0.25;
    return TrainingJob::Create(c);
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string which;
    CommandLine cmd(__FILE__);
    cmd.AddValue(
        "case",
        "no-ipv4 | twice | count | too-few | same-port | ps-no-server | "
        "tcp-variant | bad-config | not-an-algorithm | fabric-topology | fabric-mtu | loss-rate",
        which);
    cmd.Parse(argc, argv);
    DistributedLearningHelper training;
    if (which == "no-ipv4")
    {
        training.Install(NodeContainer(2), Job(2));
    }
    else if (which == "twice")
    {
        NodeContainer hosts = Star(2);
        training.Install(NodeContainer(hosts.Get(0), hosts.Get(0)), Job(2));
    }
    else if (which == "count")
    {
        training.Install(Star(3), Job(4));
    }
    else if (which == "too-few")
    {
        training.SetAlgorithm("allreduce");
        training.Install(Star(1), Job(1));
    }
    else if (which == "same-port")
    {
        NodeContainer hosts = Star(2);
        training.Install(hosts, Job(2));
        DistributedLearningHelper other;
        other.Install(hosts, Job(2));
    }
    else if (which == "ps-no-server")
    {
        training.SetAlgorithm("ps");
        training.Install(Star(2), Job(2));
    }
    else if (which == "tcp-variant")
    {
        training.SetTcp("ns3::Node", MilliSeconds(5));
    }
    else if (which == "not-an-algorithm")
    {
        training.SetAlgorithm("ns3::Node");
    }
    else if (which == "fabric-topology")
    {
        FabricHelper fabric; // the setter takes the name; Create checks every setting
        fabric.SetTopology("ring");
        fabric.Create(4);
    }
    else if (which == "fabric-mtu")
    {
        FabricHelper fabric;
        fabric.SetMtu(50);
        fabric.Create(4);
    }
    else if (which == "loss-rate")
    {
        PacketLossHelper loss;
        loss.SetModel("bernoulli", -0.5); // would have installed nothing, silently
        loss.Install(NetDeviceContainer());
    }
    else if (which == "bad-config")
    {
        Job(0); // uncaught: the exception's message names the field
    }
    else
    {
        std::cerr << "unknown --case '" << which << "'" << std::endl;
        return 2;
    }
    Simulator::Run();
    Simulator::Destroy();
    return 0; // reached only if the bad call was accepted: the test fails
}
