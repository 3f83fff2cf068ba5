/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "results-table.h"

#include <cstdio>
#include <sys/stat.h>

namespace ns3
{

void
ResultsTable::SetJobLabels(uint32_t workers, uint64_t seed)
{
    m_workers = workers;
    m_seed = seed;
}

void
ResultsTable::SetLabels(const std::string& algorithm, double lossRate)
{
    m_algorithm = algorithm;
    m_lossRate = lossRate;
}

void
ResultsTable::Add(const ResultsRow& row)
{
    m_rows.push_back(row);
}

void
ResultsTable::SetPacketsDropped(size_t i, uint64_t dropped)
{
    m_rows.at(i).packetsDropped = dropped;
}

std::string
ResultsTable::Header()
{
    return "algorithm,workers,loss_rate,seed,epoch,round,sim_time_s,train_loss,test_loss,"
           "test_accuracy,replica_test_accuracy,consensus_distance,arrival_rate,packets_sent,"
           "packets_dropped,wall_time_s,packets_late,global_train_loss,replica_train_loss,"
           "sim_compute_s,sim_comm_s,replicas_evaluated,replica_test_accuracy_se,live_workers";
}

std::string
ResultsTable::Line(const ResultsRow& r) const
{
    // The 23 numbers take at most 21 characters each with their commas (a wall time in
    // seconds, never near 1e17); the algorithm's name, a TypeId name for a user's algorithm,
    // has no bound, so it is not formatted into the buffer.
    char buf[640];
    std::snprintf(
        buf, sizeof(buf),
        ",%u,%.9g,%llu,%.9g,%u,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%llu,%llu,%.3f,%llu,"
        "%.9g,%.9g,%.9g,%.9g,%u,%.9g,%u",
        m_workers, m_lossRate, static_cast<unsigned long long>(m_seed), r.epoch, r.round, r.simTime,
        r.trainLoss, r.testLoss, r.testAccuracy, r.replicaTestAccuracy, r.consensusDistance,
        r.arrivalRate, static_cast<unsigned long long>(r.packetsSent),
        static_cast<unsigned long long>(r.packetsDropped), r.wallTime,
        static_cast<unsigned long long>(r.packetsLate), r.globalTrainLoss, r.replicaTrainLoss,
        r.simCompute, r.simComm, r.replicasEvaluated, r.replicaTestAccuracySe, r.liveWorkers);
    return m_algorithm + buf;
}

bool
ResultsTable::Write(const std::string& path) const
{
    // A special file (/dev/null, /dev/stdout, a FIFO) is written to as it is: renaming a
    // temporary file over it would replace the device with a regular file.
    struct stat st;
    const bool special = ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
    const std::string tmp = special ? path : path + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "w");
    if (f == nullptr)
    {
        return false;
    }
    bool ok = std::fprintf(f, "%s\n", Header().c_str()) > 0;
    for (const ResultsRow& r : m_rows)
    {
        ok = ok && std::fprintf(f, "%s\n", Line(r).c_str()) > 0;
    }
    ok = (std::fclose(f) == 0) && ok;
    if (special)
    {
        return ok;
    }
    if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0)
    {
        std::remove(tmp.c_str());
        return false;
    }
    return true;
}

} // namespace ns3
