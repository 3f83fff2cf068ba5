/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "web-flow-application.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/tcp-socket-state.h"
#include "ns3/uinteger.h"

#include <memory>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("WebFlowApplication");

NS_OBJECT_ENSURE_REGISTERED(WebFlowApplication);

TypeId
WebFlowApplication::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::WebFlowApplication")
              .SetParent<Application>()
              .SetGroupName("DistributedLearning")
              .AddAttribute("Port", "TCP port of the servers.", UintegerValue(80),
                            MakeUintegerAccessor(&WebFlowApplication::m_port),
                            MakeUintegerChecker<uint16_t>(1))
              .AddAttribute("SegmentSize",
                            "TCP payload per segment (1448: a 1500-byte MTU less IPv4, TCP and "
                            "timestamp headers; ns-3's socket default is 536).",
                            UintegerValue(1448),
                            MakeUintegerAccessor(&WebFlowApplication::m_segmentSize),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("MinRto",
                            "Minimum retransmission timeout (data-centre stacks use milliseconds; "
                            "ns-3's default is 1 s).",
                            TimeValue(MilliSeconds(10)),
                            MakeTimeAccessor(&WebFlowApplication::m_minRto),
                            MakeTimeChecker(Time(0)))
              .AddAttribute("DelAckTimeout", "Delayed-ACK timeout.", TimeValue(MicroSeconds(100)),
                            MakeTimeAccessor(&WebFlowApplication::m_delAckTimeout),
                            MakeTimeChecker(Time(0)));
    return tid;
}

WebFlowApplication::WebFlowApplication() = default;

WebFlowApplication::~WebFlowApplication() = default;

namespace
{

/// A CongState trace sink: \p onTimeout at each entry into the loss state.
void
OnCongState(Callback<void> onTimeout, TcpSocketState::TcpCongState_t before,
            TcpSocketState::TcpCongState_t now)
{
    if (now == TcpSocketState::CA_LOSS && before != TcpSocketState::CA_LOSS)
    {
        onTimeout();
    }
}

/// A Tx trace sink: \p onTimeout at each SYN sent again (the connection timer's work; TCP's
/// loss state is not entered before the connection is established).
void
OnTx(Callback<void> onTimeout, std::shared_ptr<bool> synSent, Ptr<const Packet>,
     const TcpHeader& header, Ptr<const TcpSocketBase>)
{
    const uint8_t flags = header.GetFlags();
    if ((flags & TcpHeader::SYN) && !(flags & TcpHeader::ACK))
    {
        if (*synSent)
        {
            onTimeout();
        }
        *synSent = true;
    }
}

} // namespace

void
WebFlowApplication::WatchTimeouts(Ptr<Socket> socket, Callback<void> onTimeout, bool connecting)
{
    const bool connected
        = socket->TraceConnectWithoutContext("CongState",
                                             MakeBoundCallback(&OnCongState, onTimeout))
          && (!connecting
              || socket->TraceConnectWithoutContext(
                  "Tx", MakeBoundCallback(&OnTx, onTimeout, std::make_shared<bool>(false))));
    NS_ABORT_MSG_UNLESS(connected, "a web flow's socket has no CongState or Tx trace (not TCP?)");
}

Ptr<Socket>
WebFlowApplication::CreateSocket() const
{
    Ptr<Socket> socket = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
    socket->SetAttribute("SegmentSize", UintegerValue(m_segmentSize));
    socket->SetAttribute("MinRto", TimeValue(m_minRto));
    socket->SetAttribute("ConnTimeout", TimeValue(m_minRto));
    socket->SetAttribute("DelAckTimeout", TimeValue(m_delAckTimeout));
    socket->SetAttribute("MaxSegLifetime", DoubleValue(m_msl.GetSeconds()));
    return socket;
}

} // namespace ns3
