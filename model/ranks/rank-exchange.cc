/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "rank-exchange.h"

#include "ns3/abort.h"
#include "ns3/log.h"

#include <cstdlib>
#include <list>
#include <utility>

#ifdef NS3_MPI
#    include "ns3/global-value.h"
#    include "ns3/mpi-interface.h"
#    include "ns3/string.h"

#    include <mpi.h>
#endif

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("RankExchange");

namespace
{

/// This process's rank, the ranks, and those on this machine: one process until Enable.
uint32_t g_rank = 0;
uint32_t g_size = 1;
uint32_t g_localSize = 1;

/// \return the launcher's variable \p name as a number, or -1 if it is not set
long
EnvNumber(const char* name)
{
    const char* value = std::getenv(name);
    return value ? std::strtol(value, nullptr, 10) : -1;
}

#ifdef NS3_MPI
/// The module's own communicator (a duplicate of ns-3's), MPI_COMM_NULL until Enable.
MPI_Comm g_comm = MPI_COMM_NULL;

/// A message on its way: MPI reads the bytes until the request completes.
struct Outgoing
{
    MPI_Request request;       //!< the send
    std::vector<uint8_t> data; //!< its bytes
};

/// Sends not yet known to be complete.
std::list<Outgoing> g_outgoing;

/// Release the bytes of the sends that have completed.
void
ReleaseCompleted()
{
    for (auto it = g_outgoing.begin(); it != g_outgoing.end();)
    {
        int done = 0;
        MPI_Test(&it->request, &done, MPI_STATUS_IGNORE);
        it = done ? g_outgoing.erase(it) : std::next(it);
    }
}
#endif

} // namespace

bool
RankExchange::IsAvailable()
{
#ifdef NS3_MPI
    return true;
#else
    return false;
#endif
}

uint32_t
RankExchange::LaunchedSize()
{
    // mpirun (Open MPI), then srun --mpi=pmi2 or Hydra, then srun --mpi=pmix (whose own
    // variables name no size: the step's task count does).
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    {
        if (const long n = EnvNumber(name); n >= 1)
        {
            return uint32_t(n);
        }
    }
    const long n = EnvNumber("PMIX_RANK") >= 0 ? EnvNumber("SLURM_STEP_NUM_TASKS") : -1;
    return n >= 1 ? uint32_t(n) : 1;
}

uint32_t
RankExchange::LaunchedRank()
{
    for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"})
    {
        if (const long r = EnvNumber(name); r >= 0)
        {
            return uint32_t(r);
        }
    }
    return 0;
}

void
RankExchange::Enable(int* argc, char*** argv)
{
#ifdef NS3_MPI
    NS_ABORT_MSG_IF(g_comm != MPI_COMM_NULL, "RankExchange::Enable called twice");
    GlobalValue::Bind("SimulatorImplementationType", StringValue("ns3::DistributedSimulatorImpl"));
    MpiInterface::Enable(argc, argv);
    MPI_Comm_dup(MpiInterface::GetCommunicator(), &g_comm);
    g_rank = MpiInterface::GetSystemId();
    g_size = MpiInterface::GetSize();
    MPI_Comm local;
    MPI_Comm_split_type(g_comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local);
    int size = 1;
    MPI_Comm_size(local, &size);
    g_localSize = uint32_t(size);
    MPI_Comm_free(&local);
#else
    NS_ABORT_MSG("this build has no MPI (configure ns-3 with --enable-mpi)");
#endif
}

void
RankExchange::Disable()
{
#ifdef NS3_MPI
    if (g_comm != MPI_COMM_NULL)
    {
        Flush();
        MPI_Comm_free(&g_comm);
        g_comm = MPI_COMM_NULL;
        g_rank = 0;
        g_size = 1;
        g_localSize = 1;
        MpiInterface::Disable();
    }
#endif
}

bool
RankExchange::IsDistributed()
{
    return GetSize() > 1;
}

uint32_t
RankExchange::GetRank()
{
    return g_rank;
}

uint32_t
RankExchange::GetSize()
{
    return g_size;
}

uint32_t
RankExchange::GetLocalSize()
{
    return g_localSize;
}

void
RankExchange::Send(uint32_t to, int tag, std::vector<uint8_t> bytes)
{
#ifdef NS3_MPI
    NS_ABORT_MSG_IF(g_comm == MPI_COMM_NULL, "RankExchange::Send without MPI");
    ReleaseCompleted();
    g_outgoing.push_back(Outgoing{MPI_REQUEST_NULL, std::move(bytes)});
    Outgoing& out = g_outgoing.back();
    MPI_Isend(out.data.data(), int(out.data.size()), MPI_BYTE, int(to), tag, g_comm, &out.request);
#else
    NS_ABORT_MSG("RankExchange::Send to rank " << to << " (tag " << tag << ", " << bytes.size()
                                               << " bytes) in a build without MPI");
#endif
}

bool
RankExchange::TryReceive(int tag, uint32_t* from, std::vector<uint8_t>* bytes)
{
#ifdef NS3_MPI
    if (g_comm == MPI_COMM_NULL)
    {
        return false;
    }
    ReleaseCompleted();
    int arrived = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, tag, g_comm, &arrived, &status);
    if (!arrived)
    {
        return false;
    }
    *from = uint32_t(status.MPI_SOURCE);
    *bytes = Receive(*from, tag);
    return true;
#else
    return false;
#endif
}

std::vector<uint8_t>
RankExchange::Receive(uint32_t from, int tag)
{
#ifdef NS3_MPI
    NS_ABORT_MSG_IF(g_comm == MPI_COMM_NULL, "RankExchange::Receive without MPI");
    MPI_Status status;
    MPI_Probe(int(from), tag, g_comm, &status);
    int count = 0;
    MPI_Get_count(&status, MPI_BYTE, &count);
    std::vector<uint8_t> bytes(static_cast<size_t>(count));
    MPI_Recv(bytes.data(), count, MPI_BYTE, int(from), tag, g_comm, MPI_STATUS_IGNORE);
    return bytes;
#else
    NS_ABORT_MSG("RankExchange::Receive from rank " << from << " (tag " << tag
                                                    << ") in a build without MPI");
#endif
}

void
RankExchange::Flush()
{
#ifdef NS3_MPI
    for (Outgoing& out : g_outgoing)
    {
        MPI_Wait(&out.request, MPI_STATUS_IGNORE);
    }
    g_outgoing.clear();
#endif
}

std::vector<uint64_t>
RankExchange::AllSum(const std::vector<uint64_t>& values)
{
#ifdef NS3_MPI
    if (g_comm != MPI_COMM_NULL)
    {
        std::vector<uint64_t> sums(values.size());
        MPI_Allreduce(values.data(), sums.data(), int(values.size()), MPI_UINT64_T, MPI_SUM,
                      g_comm);
        return sums;
    }
#endif
    return values;
}

void
RankExchange::Broadcast(std::vector<uint8_t>* values, uint32_t root)
{
#ifdef NS3_MPI
    if (g_comm != MPI_COMM_NULL)
    {
        uint64_t size = values->size();
        MPI_Bcast(&size, 1, MPI_UINT64_T, int(root), g_comm);
        values->resize(size);
        MPI_Bcast(values->data(), int(size), MPI_BYTE, int(root), g_comm);
    }
#else
    NS_ABORT_MSG_IF(root != 0, "RankExchange::Broadcast from rank " << root << " of 1");
#endif
}

} // namespace ns3
