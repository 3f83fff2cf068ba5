/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "parameter-server.h"

#include "ns3/ns3-compat.h"
#include "ns3/ps-tcp-sync.h"

#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/pointer.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ParameterServer");

NS_OBJECT_ENSURE_REGISTERED(ParameterServer);

TypeId
ParameterServer::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::ParameterServer")
              .SetParent<Application>()
              .SetGroupName("DistributedLearning")
              .AddConstructor<ParameterServer>()
              .AddAttribute("Transport",
                            "Udp: lossy block exchange (units lost are left out). Tcp: reliable.",
                            EnumValue(UDP),
                            dlcompat::MakeEnumMemberAccessor(&ParameterServer::m_transportKind),
                            MakeEnumChecker(UDP, "Udp", TCP, "Tcp"))
              .AddAttribute("Stream",
                            "Tcp: the server's TCP endpoint (a default StreamTransport unless the "
                            "helper gives one).",
                            PointerValue(), MakePointerAccessor(&ParameterServer::m_stream),
                            MakePointerChecker<StreamTransport>());
    return tid;
}

ParameterServer::ParameterServer() = default;

ParameterServer::~ParameterServer() = default;

void
ParameterServer::Setup(Ptr<TrainingJob> job, Ptr<BlockTransport> transport,
                       std::shared_ptr<const dl::BlockPartition> partition,
                       Ptr<const SyncAlgorithm> workerSync)
{
    NS_LOG_FUNCTION(this);
    m_job = job;
    m_transport = transport;
    m_partition = partition;
    m_workers = transport->GetPeerCount() - 1;
    m_replica = job->MakeReplica(0); // same initial model as the workers; its shard is unused
    if (m_transportKind == UDP)
    {
        m_udp = CreateObject<PsUdpServerSync>();
        Ptr<const BlockExchangeSync> rule = DynamicCast<const BlockExchangeSync>(workerSync);
        NS_ABORT_MSG_UNLESS(rule,
                            "a parameter server over UDP needs workers on the block exchange");
        m_udp->CopyTimeouts(*rule);
        m_udp->SetJob(job);
        m_udp->Setup(m_workers, transport, m_replica.get(), partition);
        return;
    }
    if (!m_stream)
    {
        m_stream = CreateObject<StreamTransport>();
    }
    m_stream->Setup(transport->GetNode(), m_workers, transport->GetPeerAddresses(),
                    transport->GetJob());
    m_stream->SetReceiveCallback(MakeCallback(&ParameterServer::ReceiveTcp, this));
    m_replica->Gradient().SetZero();
}

void
ParameterServer::StartApplication()
{
    NS_LOG_FUNCTION(this);
}

void
ParameterServer::StopApplication()
{
    NS_LOG_FUNCTION(this);
    m_transport->Close();
    if (m_stream)
    {
        m_stream->Close();
    }
}

void
ParameterServer::ReceiveTcp(const ModelBlockHeader& h, const float* data)
{
    NS_ABORT_MSG_UNLESS(h.m_round == m_round && h.m_kind == ModelBlockHeader::GRADIENT,
                        "parameter server: unexpected message");
    dl::FlatVector& sum = m_replica->Gradient(); // zero at the start of every round
    sum.Add(dl::Slice{h.m_offset, h.m_count}, data);
    const uint32_t nonEmpty = m_partition->NonEmptyBlocks();
    if (++m_blocksIn < nonEmpty * m_workers)
    {
        return;
    }
    // Every gradient is in: average, step, push the model back.
    NS_LOG_INFO("server: round " << m_round << " complete, pushing the model");
    sum.Scale(1.0f / float(m_workers));
    m_replica->ApplyGradient(m_job->GetLearningRate(m_round));
    const dl::FloatBuffer model = m_replica->Params().ToHost();
    for (uint32_t w = 0; w < m_workers; ++w)
    {
        PsTcpSync::SendVector(m_stream, *m_partition, m_workers, w, m_round,
                              ModelBlockHeader::MODEL, model);
    }
    sum.SetZero();
    m_blocksIn = 0;
    ++m_round;
}

void
ParameterServer::DoDispose()
{
    m_udp = nullptr;
    m_stream = nullptr;
    m_transport = nullptr;
    m_replica.reset();
    m_job = nullptr;
    Application::DoDispose();
}

} // namespace ns3
