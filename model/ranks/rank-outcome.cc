/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "rank-outcome.h"

#include "rank-exchange.h"
#include "rank-message.h"

#include "ns3/log.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RankOutcome");

namespace
{
/// RankExchange tag of status messages.
constexpr int STATUS_TAG = 7102;
} // namespace

RankOutcome::RankOutcome()
    : m_self(RankExchange::GetRank())
    , m_latest(RankExchange::GetSize(), RUNNING)
    , m_received(RankExchange::GetSize(), 0)
{
}

void
RankOutcome::Set(Status status)
{
    if (status <= m_latest[m_self])
    {
        return;
    }
    NS_LOG_INFO("rank " << m_self << ": status " << int(status));
    m_latest[m_self] = status;
    if (!RankExchange::IsDistributed())
    {
        return;
    }
    for (uint32_t r = 0; r < m_latest.size(); ++r)
    {
        if (r != m_self)
        {
            RankMessage m;
            m.Put<uint8_t>(status);
            RankExchange::Send(r, STATUS_TAG, m.Take());
        }
    }
    ++m_sent;
}

void
RankOutcome::Poll()
{
    uint32_t from = 0;
    std::vector<uint8_t> bytes;
    while (RankExchange::TryReceive(STATUS_TAG, &from, &bytes))
    {
        m_received[from]++;
        const auto status = Status(RankMessage(std::move(bytes)).Get<uint8_t>());
        m_latest[from] = std::max(m_latest[from], status);
    }
}

RankOutcome::Status
RankOutcome::Worst() const
{
    return *std::max_element(m_latest.begin(), m_latest.end());
}

bool
RankOutcome::AllDone() const
{
    return *std::min_element(m_latest.begin(), m_latest.end()) == DONE && Worst() == DONE;
}

std::pair<RankOutcome::Status, std::string>
RankOutcome::Agree(const std::string& reason)
{
    const uint32_t ranks = m_latest.size();
    // Every rank's final status, and how many status messages it sent to each other rank.
    std::vector<uint64_t> table(2 * ranks, 0);
    table[m_self] = m_latest[m_self];
    table[ranks + m_self] = m_sent;
    table = RankExchange::AllSum(table);
    const auto worst = Status(*std::max_element(table.begin(), table.begin() + ranks));
    const auto first
        = uint32_t(std::find(table.begin(), table.begin() + ranks, worst) - table.begin());
    RankMessage why;
    why.PutString(first == m_self ? reason : "");
    std::vector<uint8_t> bytes = why.Take();
    RankExchange::Broadcast(&bytes, first);
    const std::string agreed = RankMessage(std::move(bytes)).GetString();
    // Read the messages still unread, so that every send completes.
    for (uint32_t r = 0; r < ranks; ++r)
    {
        for (; r != m_self && m_received[r] < table[ranks + r]; ++m_received[r])
        {
            RankExchange::Receive(r, STATUS_TAG);
        }
    }
    return {worst, agreed};
}

} // namespace ns3
