/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "distributed-learning-helper.h"

#include "ns3/block-transport.h"
#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/gilbert-elliott-error-model.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/pointer.h"
#include "ns3/rps-sync.h"
#include "ns3/string.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/type-id.h"
#include "ns3/uinteger.h"

#include <cmath>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("DistributedLearningHelper");

DistributedLearningHelper::DistributedLearningHelper()
{
    m_syncFactory.SetTypeId(RpsSync::GetTypeId());
    m_workerFactory.SetTypeId(LearningWorker::GetTypeId());
}

void
DistributedLearningHelper::SetTopology(const std::string& topology)
{
    NS_ABORT_MSG_UNLESS(topology == "star" || topology == "leaf-spine",
                        "unknown topology '" << topology << "' (expected star or leaf-spine)");
    m_topology = topology;
}

void
DistributedLearningHelper::SetLeafSpineShape(uint32_t workersPerLeaf, uint32_t spines)
{
    NS_ABORT_MSG_IF(workersPerLeaf < 1 || spines < 1,
                    "leaf-spine needs >= 1 worker per leaf and spine");
    m_workersPerLeaf = workersPerLeaf;
    m_spines = spines;
}

void
DistributedLearningHelper::SetLinkRate(DataRate rate)
{
    m_linkRate = rate;
}

void
DistributedLearningHelper::SetLinkDelay(Time delay)
{
    m_linkDelay = delay;
}

void
DistributedLearningHelper::SetQueueSize(QueueSize size)
{
    m_queueSize = size;
}

void
DistributedLearningHelper::SetMtu(uint32_t mtu)
{
    NS_ABORT_MSG_UNLESS(mtu > TCP_IP_OVERHEAD + 4, "MTU " << mtu << " leaves no room for data");
    m_mtu = mtu;
}

void
DistributedLearningHelper::SetLoss(const std::string& model, double rate)
{
    NS_ABORT_MSG_UNLESS(model == "bernoulli" || model == "burst" || model == "gilbert-elliott",
                        "unknown loss model '"
                            << model << "' (expected bernoulli, burst or gilbert-elliott)");
    NS_ABORT_MSG_UNLESS(rate >= 0.0 && rate < 1.0, "loss rate " << rate << " is not in [0, 1)");
    m_lossModel = model;
    m_lossRate = rate;
}

void
DistributedLearningHelper::SetBurstLength(double packets)
{
    NS_ABORT_MSG_IF(packets < 1.0, "burst length must be at least 1 packet");
    m_burstLength = packets;
}

void
DistributedLearningHelper::SetLossPlacement(const std::string& placement)
{
    NS_ABORT_MSG_UNLESS(placement == "receiver" || placement == "every-link",
                        "unknown loss placement '" << placement
                                                   << "' (expected receiver or every-link)");
    m_placement = placement;
}

void
DistributedLearningHelper::SetGranularity(dl::BlockPartition::Granularity granularity)
{
    m_granularity = granularity;
}

void
DistributedLearningHelper::SetSyncType(const std::string& typeId)
{
    m_syncFactory.SetTypeId(typeId);
}

void
DistributedLearningHelper::SetParameterServer(const std::string& transport)
{
    NS_ABORT_MSG_UNLESS(transport == "udp" || transport == "tcp",
                        "unknown parameter-server transport '" << transport
                                                               << "' (expected udp or tcp)");
    m_psTransport = transport;
}

void
DistributedLearningHelper::SetTcp(const std::string& variant, Time minRto)
{
    TypeId tid;
    NS_ABORT_MSG_UNLESS(TypeId::LookupByNameFailSafe(variant, &tid),
                        "unknown TCP variant '" << variant << "'");
    m_tcpVariant = variant;
    m_tcpMinRto = minRto;
}

void
DistributedLearningHelper::SetSyncAttribute(const std::string& name, const AttributeValue& value)
{
    m_syncFactory.Set(name, value);
}

void
DistributedLearningHelper::SetWorkerAttribute(const std::string& name, const AttributeValue& value)
{
    m_workerFactory.Set(name, value);
}

NetDeviceContainer
DistributedLearningHelper::Link(Ptr<Node> a, Ptr<Node> b)
{
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", DataRateValue(m_linkRate));
    p2p.SetDeviceAttribute("Mtu", UintegerValue(m_mtu));
    p2p.SetChannelAttribute("Delay", TimeValue(m_linkDelay));
    p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(m_queueSize));
    NetDeviceContainer d = p2p.Install(a, b);
    m_devices.Add(d);
    return d;
}

Ptr<ErrorModel>
DistributedLearningHelper::MakeErrorModel() const
{
    if (m_lossModel == "bernoulli")
    {
        Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
        em->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
        em->SetRate(m_lossRate);
        return em;
    }
    if (m_lossModel == "burst")
    {
        // ns-3's BurstErrorModel draws a burst start for every packet and drops the next
        // BurstSize packets from each start, so a packet survives only if no burst started in
        // the last L packets: loss = 1 - (1 - q)^L, hence q = 1 - (1 - loss)^(1/L).
        Ptr<BurstErrorModel> em = CreateObject<BurstErrorModel>();
        const double length = std::round(m_burstLength);
        em->SetBurstRate(1.0 - std::pow(1.0 - m_lossRate, 1.0 / length));
        Ptr<ConstantRandomVariable> size = CreateObject<ConstantRandomVariable>();
        size->SetAttribute("Constant", DoubleValue(length));
        em->SetRandomBurstSize(size);
        return em;
    }
    Ptr<GilbertElliottErrorModel> em = CreateObject<GilbertElliottErrorModel>();
    em->SetLossRateAndBurst(m_lossRate, m_burstLength);
    return em;
}

void
DistributedLearningHelper::InstallErrorModels()
{
    if (m_lossRate <= 0.0)
    {
        return;
    }
    const NetDeviceContainer& targets = m_placement == "receiver" ? m_endpointDevices : m_devices;
    for (auto it = targets.Begin(); it != targets.End(); ++it)
    {
        (*it)->SetAttribute("ReceiveErrorModel", PointerValue(MakeErrorModel()));
    }
}

Time
DistributedLearningHelper::GetAutoPhaseTimeout() const
{
    NS_ABORT_MSG_UNLESS(m_partition, "Install first");
    // A phase moves about one model's worth of packets through each worker's link. Allow three
    // times that, the path's propagation both ways, and 1 ms of slack for workers that are out
    // of step.
    // A parameter server's link carries every worker's copy.
    const double copies = m_psTransport.empty() ? 1.0 : double(m_workerNodes.GetN());
    const double bytes = double(m_partition->TotalChunks()) * m_mtu * copies;
    const Time serialisation = m_linkRate.CalculateBytesTxTime(uint32_t(bytes));
    return serialisation * 3 + m_linkDelay * (2 * m_hops) + MilliSeconds(1);
}

ApplicationContainer
DistributedLearningHelper::Install(Ptr<TrainingJob> job)
{
    const uint32_t n = job->GetConfig().workers;
    m_workerNodes.Create(n);
    NodeContainer serverNode;
    if (!m_psTransport.empty())
    {
        serverNode.Create(1);
    }
    Ptr<NetDevice> serverDevice;
    if (m_topology == "star")
    {
        m_switchNodes.Create(1);
        for (uint32_t i = 0; i < n; ++i)
        {
            m_workerDevices.Add(Link(m_workerNodes.Get(i), m_switchNodes.Get(0)).Get(0));
        }
        if (serverNode.GetN() > 0)
        {
            serverDevice = Link(serverNode.Get(0), m_switchNodes.Get(0)).Get(0);
        }
        m_hops = 2;
    }
    else
    {
        // Per-flow hashing would pin each worker pair to one spine; ns-3's global routing
        // offers per-packet random ECMP, which spreads the block exchange over all spines.
        Config::SetDefault("ns3::Ipv4GlobalRouting::RandomEcmpRouting", BooleanValue(true));
        const uint32_t leaves = (n + m_workersPerLeaf - 1) / m_workersPerLeaf;
        m_switchNodes.Create(leaves + m_spines);
        for (uint32_t i = 0; i < n; ++i)
        {
            Ptr<Node> leaf = m_switchNodes.Get(i / m_workersPerLeaf);
            m_workerDevices.Add(Link(m_workerNodes.Get(i), leaf).Get(0));
        }
        if (serverNode.GetN() > 0)
        {
            serverDevice = Link(serverNode.Get(0), m_switchNodes.Get(leaves - 1)).Get(0);
        }
        for (uint32_t l = 0; l < leaves; ++l)
        {
            for (uint32_t s = 0; s < m_spines; ++s)
            {
                Link(m_switchNodes.Get(l), m_switchNodes.Get(leaves + s));
            }
        }
        m_hops = leaves > 1 ? 4 : 2;
    }

    // Endpoints: the workers 0..n-1, then the server (n) if any.
    m_endpointDevices.Add(m_workerDevices);
    if (serverDevice)
    {
        m_endpointDevices.Add(serverDevice);
    }
    // TCP settings must be defaults before the stacks (and their sockets) exist.
    Config::SetDefault("ns3::TcpL4Protocol::SocketType",
                       TypeIdValue(TypeId::LookupByName(m_tcpVariant)));
    // A segment and its headers must fit the MTU: IPv4 and TCP headers (20 + 20 bytes) and the
    // timestamp option every data segment carries (10 bytes, padded to 12). ns-3 counts
    // SegmentSize as payload only; one byte more and IPv4 fragments every segment, and once the
    // 16-bit IP identification wraps, a stale fragment left by a loss can be reassembled into a
    // new datagram: silently wrong bytes in the stream.
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(m_mtu - TCP_IP_OVERHEAD));
    Config::SetDefault("ns3::TcpSocketBase::MinRto", TimeValue(m_tcpMinRto));
    Config::SetDefault("ns3::TcpSocket::ConnTimeout", TimeValue(m_tcpMinRto)); // SYN retries
    // ns-3's 200 ms delayed ACK stalls every message tail at datacentre RTTs of microseconds.
    Config::SetDefault("ns3::TcpSocket::DelAckTimeout", TimeValue(MicroSeconds(100)));
    // A training job does not give up on a peer: keep retransmitting under heavy loss.
    Config::SetDefault("ns3::TcpSocket::ConnCount", UintegerValue(1000));
    Config::SetDefault("ns3::TcpSocket::DataRetries", UintegerValue(1000));
    InternetStackHelper stack;
    stack.Install(m_workerNodes);
    stack.Install(serverNode);
    stack.Install(m_switchNodes);
    Ipv4AddressHelper address("10.0.0.0", "255.255.255.252");
    for (auto it = m_devices.Begin(); it != m_devices.End(); it += 2)
    {
        NetDeviceContainer pair(*it, *(it + 1));
        address.Assign(pair);
        address.NewNetwork();
    }
    // Switch ports: only their DropTail device queue (real overflow). Worker NICs: a large FIFO
    // queue disc in front of the device, as a host's socket buffer would hold a burst.
    TrafficControlHelper none;
    none.Uninstall(m_devices);
    TrafficControlHelper host;
    host.SetRootQueueDisc("ns3::FifoQueueDisc", "MaxSize", QueueSizeValue(QueueSize("100000p")));
    host.Install(m_endpointDevices);
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();
    InstallErrorModels();

    const uint32_t floats = BlockTransport::FloatsPerPacket(m_mtu);
    m_partition = std::make_shared<const dl::BlockPartition>(job->GetBackend().ParamCount(), n,
                                                             floats, m_granularity);
    std::vector<Ipv4Address> peers;
    for (auto it = m_endpointDevices.Begin(); it != m_endpointDevices.End(); ++it)
    {
        Ptr<Ipv4> ip = (*it)->GetNode()->GetObject<Ipv4>();
        peers.push_back(ip->GetAddress(ip->GetInterfaceForDevice(*it), 0).GetLocal());
    }
    const Time autoTimeout = GetAutoPhaseTimeout();
    ApplicationContainer apps;
    for (uint32_t i = 0; i < n; ++i)
    {
        Ptr<BlockTransport> transport = CreateObject<BlockTransport>();
        transport->Setup(m_workerNodes.Get(i), i, peers, m_partition);
        Ptr<SyncAlgorithm> sync = m_syncFactory.Create<SyncAlgorithm>();
        TimeValue timeout;
        if (sync->GetAttributeFailSafe("PhaseTimeout", timeout) && timeout.Get().IsZero())
        {
            sync->SetAttribute("PhaseTimeout", TimeValue(autoTimeout));
        }
        Ptr<LearningWorker> worker = m_workerFactory.Create<LearningWorker>();
        m_workerNodes.Get(i)->AddApplication(worker);
        worker->Setup(job, i, transport, sync, m_partition);
        worker->SetStartTime(Seconds(0));
        m_workers.push_back(worker);
        apps.Add(worker);
    }
    if (serverNode.GetN() > 0)
    {
        Ptr<BlockTransport> transport = CreateObject<BlockTransport>();
        transport->Setup(serverNode.Get(0), n, peers, m_partition);
        m_server = CreateObject<ParameterServer>();
        m_server->SetAttribute(
            "Transport",
            EnumValue(m_psTransport == "tcp" ? ParameterServer::TCP : ParameterServer::UDP));
        serverNode.Get(0)->AddApplication(m_server);
        TimeValue timeout(autoTimeout); // the workers' setting, if they have one
        m_workers.front()->GetSync()->GetAttributeFailSafe("PhaseTimeout", timeout);
        m_server->Setup(job, transport, m_partition, timeout.Get());
    }
    return apps;
}

} // namespace ns3
