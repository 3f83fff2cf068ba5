/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "sync-algorithm-names.h"

namespace ns3
{

const std::vector<SyncAlgorithmAlias>&
GetSyncAlgorithmAliases()
{
    static const std::vector<SyncAlgorithmAlias> aliases = {
        {"rps", "ns3::RpsSync", "", false,
         "Robust Parameter Server: models averaged block by block over a lossy exchange"},
        {"allreduce", "ns3::AllreduceSync", "", false,
         "AllReduce-SGD: gradients averaged over the same lossy exchange"},
        {"ring-allreduce", "ns3::RingAllreduceSync", "", false,
         "reliable ring AllReduce over TCP (reduce-scatter, all-gather)"},
        {"ps", "ns3::PsUdpSync", "ns3::PsTcpSync", true,
         "a central parameter server, over UDP or TCP"},
        {"optireduce", "ns3::OptiReduceSync", "", false,
         "bounded-time AllReduce (OptiReduce): Hadamard-transformed gradients, adaptive "
         "deadlines"},
        {"gossip", "ns3::GossipSync", "", false, "decentralised SGD with ring neighbours"},
        {"local", "ns3::RpsSync", "", false, "one worker, no network: the trainer's reference"},
    };
    return aliases;
}

const SyncAlgorithmAlias*
FindSyncAlgorithmAlias(const std::string& name)
{
    for (const SyncAlgorithmAlias& a : GetSyncAlgorithmAliases())
    {
        if (a.name == name)
        {
            return &a;
        }
    }
    return nullptr;
}

std::string
JoinSyncAlgorithmNames(const std::string& separator)
{
    std::string out;
    for (const SyncAlgorithmAlias& a : GetSyncAlgorithmAliases())
    {
        out += (out.empty() ? "" : separator) + a.name;
    }
    return out;
}

} // namespace ns3
