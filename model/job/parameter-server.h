/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef PARAMETER_SERVER_H
#define PARAMETER_SERVER_H

#include "ns3/block-transport.h"
#include "ns3/ps-udp-sync.h"
#include "ns3/stream-transport.h"
#include "training-job.h"

#include "ns3/application.h"

#include <memory>

namespace ns3
{

/**
 * \ingroup dl-job
 * A central parameter server on its own node (endpoint n, after the n workers). Every round it
 * collects the workers' gradients, averages them, takes the SGD step on its model (the same
 * optimiser as the workers'), and pushes the model to every worker. Transport "udp": lossy
 * block exchange (PsUdpServerSync; units that did not arrive are left out of the average).
 * Transport "tcp": reliable (it waits for every gradient).
 */
class ParameterServer : public Application
{
  public:
    /** Transport between the server and the workers. */
    enum Transport
    {
        UDP, //!< lossy, PsUdpSync on the workers
        TCP  //!< reliable, PsTcpSync on the workers
    };

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    ParameterServer();
    ~ParameterServer() override;

    /**
     * Bind to the experiment and the network (the helper calls this).
     * \param job the experiment
     * \param transport a block transport already set up on the server node (endpoint n)
     * \param partition the cut of the parameter vector
     * \param workerSync a worker's algorithm, set up as the workers' are: over UDP, the server
     *        waits out its phases by the same rule (BlockExchangeSync::CopyTimeouts)
     */
    void Setup(Ptr<TrainingJob> job, Ptr<BlockTransport> transport,
               std::shared_ptr<const dl::BlockPartition> partition,
               Ptr<const SyncAlgorithm> workerSync);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;
    /// TCP: a gradient block from a worker.
    void ReceiveTcp(const ModelBlockHeader& header, const float* data);

    Transport m_transportKind;                             //!< udp or tcp
    Ptr<TrainingJob> m_job;                                //!< the experiment
    std::unique_ptr<dl::Replica> m_replica;                //!< model and optimiser state
    std::shared_ptr<const dl::BlockPartition> m_partition; //!< the cut of the vector
    uint32_t m_workers{0};                                 //!< number of workers
    Ptr<BlockTransport> m_transport;                       //!< UDP endpoint
    Ptr<PsUdpServerSync> m_udp;                            //!< UDP exchange
    Ptr<StreamTransport> m_stream;                         //!< TCP endpoint
    uint32_t m_round{0};                                   //!< TCP: round being collected
    uint32_t m_blocksIn{0}; //!< TCP: gradient blocks received this round
};

} // namespace ns3

#endif // PARAMETER_SERVER_H
