/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef RANK_EXCHANGE_H
#define RANK_EXCHANGE_H

#include <cstdint>
#include <string>
#include <vector>

/**
 * \defgroup dl-ranks Ranks
 * \ingroup distributed-learning
 * One simulation over several MPI processes: rank messages and outcomes, the canonical
 * order of same-instant events.
 */

namespace ns3
{

/**
 * \ingroup dl-ranks
 * The messages this module's ranks exchange besides the simulation's own: a thin layer over MPI
 * (ns-3's mpi module must be enabled first, MpiInterface::Enable) on a duplicate of ns-3's
 * communicator, so that they never mix with the simulator's packets. In a build without MPI
 * (NS3_MPI undefined), or before MPI is enabled, there is one rank and nothing to exchange: the
 * same calling code runs sequentially.
 *
 * The RoundMonitor uses it to gather every rank's workers at rank 0 (Send/TryReceive while the
 * simulation runs, which never blocks: the ranks advance in lock-step windows of simulated time,
 * and a blocking call inside an event would stall them) and to agree on the outcome once
 * Simulator::Run has returned on every rank (the collectives, called by all ranks in the same
 * order).
 */
class RankExchange
{
  public:
    /** \return true if this build has ns-3's mpi module (configured with --enable-mpi) */
    static bool IsAvailable();

    /**
     * Number of processes the launcher started, from its environment (mpirun's
     * OMPI_COMM_WORLD_SIZE, PMI_SIZE from srun --mpi=pmi2 or Hydra, SLURM_STEP_NUM_TASKS under
     * srun --mpi=pmix); 1 when not launched by one.
     * Readable before MPI is initialised, and in a build without MPI, so that such a build can
     * refuse to run as N copies of the same job.
     * \return the launcher's process count
     */
    static uint32_t LaunchedSize();

    /**
     * This process's rank according to its launcher (OMPI_COMM_WORLD_RANK, PMI_RANK,
     * PMIX_RANK); 0 when not launched by one. A build without MPI launched as several
     * processes uses it to have one of them say why it stops.
     * \return the launcher's rank of this process
     */
    static uint32_t LaunchedRank();

    /**
     * Initialise MPI and make the simulator ns-3's DistributedSimulatorImpl (granted-time
     * windows; the lookahead is the smallest delay of the point-to-point links between ranks).
     * Call before any node is created. Aborts in a build without MPI.
     * \param argc main's argc
     * \param argv main's argv
     */
    static void Enable(int* argc, char*** argv);

    /** Finalise MPI (after Simulator::Destroy); nothing if it was not enabled. */
    static void Disable();

    /** \return true if MPI is enabled with more than one rank */
    static bool IsDistributed();

    /** \return this process's rank (0 when not distributed) */
    static uint32_t GetRank();

    /** \return the number of ranks (1 when not distributed) */
    static uint32_t GetSize();

    /** \return the ranks on this machine, this one included (1 when not distributed) */
    static uint32_t GetLocalSize();

    /**
     * Send a message without waiting for it to be received; the bytes are kept until it has
     * been (Flush, or any later call, releases them).
     * \param to destination rank
     * \param tag message kind
     * \param bytes the message
     */
    static void Send(uint32_t to, int tag, std::vector<uint8_t> bytes);

    /**
     * Receive a message of this kind if one has arrived; never waits.
     * \param tag message kind
     * \param from set to the sender's rank
     * \param bytes set to the message
     * \return false if none has arrived
     */
    static bool TryReceive(int tag, uint32_t* from, std::vector<uint8_t>* bytes);

    /**
     * Wait for a message of this kind from this rank.
     * \param from sender's rank
     * \param tag message kind
     * \return the message
     */
    static std::vector<uint8_t> Receive(uint32_t from, int tag);

    /** Wait until every message this rank sent has been received. */
    static void Flush();

    /**
     * Collective: every rank's values, element by element, summed (integers: the same sum
     * whatever the order).
     * \param values this rank's values; all ranks pass the same length
     * \return the sums, on every rank
     */
    static std::vector<uint64_t> AllSum(const std::vector<uint64_t>& values);

    /**
     * Collective: one rank's bytes on every rank.
     * \param values the root's bytes (other ranks' are replaced)
     * \param root the rank whose bytes every rank gets
     */
    static void Broadcast(std::vector<uint8_t>* values, uint32_t root = 0);
};

} // namespace ns3

#endif // RANK_EXCHANGE_H
