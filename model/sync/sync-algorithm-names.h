/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef SYNC_ALGORITHM_NAMES_H
#define SYNC_ALGORITHM_NAMES_H

#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup dl-sync
 * A short name of one of the module's algorithms: what dl-train's --algorithm takes and the
 * results' algorithm column says. Any SyncAlgorithm subclass can also be installed by its TypeId
 * name (DistributedLearningHelper::SetAlgorithm); these names are aliases for the module's own.
 */
struct SyncAlgorithmAlias
{
    std::string name;      //!< short name, e.g. "rps"
    std::string typeId;    //!< the worker's SyncAlgorithm TypeId name
    std::string tcpTypeId; //!< over TCP (ps): the TypeId name, else empty
    bool needsServer;      //!< installed with a server node (ps)
    std::string summary;   //!< one line, for --PrintHelp and error messages
};

/**
 * \return the module's algorithms by short name, in the order help lists them: the one table
 *         that the helper, dl-train's flag and its help read
 */
const std::vector<SyncAlgorithmAlias>& GetSyncAlgorithmAliases();

/** \return the alias called \p name, or null if there is none */
const SyncAlgorithmAlias* FindSyncAlgorithmAlias(const std::string& name);

/** \return the short names joined by \p separator, e.g. "rps | allreduce | ..." */
std::string JoinSyncAlgorithmNames(const std::string& separator);

} // namespace ns3

#endif // SYNC_ALGORITHM_NAMES_H
