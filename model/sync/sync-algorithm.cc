/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "sync-algorithm.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SyncAlgorithm");

NS_OBJECT_ENSURE_REGISTERED(SyncAlgorithm);

TypeId
SyncAlgorithm::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::SyncAlgorithm")
              .SetParent<Object>()
              .SetGroupName("DistributedLearning")
              .AddTraceSource("PhaseEnd",
                              "A phase of a round ended: round, phase, units expected, units "
                              "arrived, whether the deadline fired. What a phase and a unit are "
                              "depends on the algorithm (the module's documentation, Traces).",
                              MakeTraceSourceAccessor(&SyncAlgorithm::m_phaseEndTrace),
                              "ns3::SyncAlgorithm::PhaseEndTracedCallback")
              .AddTraceSource("UnitLost",
                              "An aggregation unit did not arrive before its phase ended: round, "
                              "phase, block, unit.",
                              MakeTraceSourceAccessor(&SyncAlgorithm::m_unitLostTrace),
                              "ns3::SyncAlgorithm::UnitLostTracedCallback")
              .AddTraceSource("SendError",
                              "One of the worker's transports could not send to a peer (no route, "
                              "say): peer, errno. The RoundMonitor stops a job whose sends fail "
                              "before its first round has ended.",
                              MakeTraceSourceAccessor(&SyncAlgorithm::m_sendErrorTrace),
                              "ns3::SyncAlgorithm::SendErrorTracedCallback");
    return tid;
}

SyncAlgorithm::SyncAlgorithm() = default;

SyncAlgorithm::~SyncAlgorithm() = default;

void
SyncAlgorithm::Setup(uint32_t self, Ptr<BlockTransport> transport, dl::Replica* replica,
                     std::shared_ptr<const dl::BlockPartition> partition)
{
    NS_LOG_FUNCTION(this << self);
    m_self = self;
    m_workers = partition->Blocks();
    m_transport = transport;
    m_replica = replica;
    m_partition = partition;
    m_transport->SetReceiveCallback(MakeCallback(&SyncAlgorithm::Deliver, this));
    m_transport->TraceConnectWithoutContext("SendError",
                                            MakeCallback(&SyncAlgorithm::NotifySendError, this));
}

void
SyncAlgorithm::NotifySendError(uint32_t peer, Socket::SocketErrno error)
{
    m_sendErrorTrace(peer, error);
}

void
SyncAlgorithm::BeginCompute(dl::ThreadPool& pool, int batchSize, float lr)
{
    NS_LOG_FUNCTION(this << batchSize << lr);
    AwaitCompute();
    m_compute = pool.Submit([this, batchSize, lr] { m_computeLoss = ComputeStep(batchSize, lr); });
}

double
SyncAlgorithm::AwaitCompute()
{
    if (m_compute.valid())
    {
        m_compute.get(); // rethrows what the step threw
    }
    return m_computeLoss;
}

void
SyncAlgorithm::Deliver(const ModelBlockHeader& header, const float* data)
{
    AwaitCompute();
    Receive(header, data);
}

uint32_t
SyncAlgorithm::GetMinWorkers() const
{
    return 2;
}

uint64_t
SyncAlgorithm::GetPacketsSent() const
{
    return m_transport->GetPacketsSent();
}

void
SyncAlgorithm::Stop()
{
    NS_LOG_FUNCTION(this << m_self);
    m_transport->Close();
}

void
SyncAlgorithm::Suspend()
{
}

bool
SyncAlgorithm::CanResume() const
{
    return false;
}

void
SyncAlgorithm::Resume(uint32_t)
{
    NS_FATAL_ERROR(GetInstanceTypeId().GetName() << " cannot take a crashed worker back");
}

void
SyncAlgorithm::DoDispose()
{
    if (m_compute.valid())
    {
        m_compute.wait(); // the task uses this object; what it threw no longer matters
    }
    m_transport = nullptr;
    m_replica = nullptr;
    Object::DoDispose();
}

} // namespace ns3
