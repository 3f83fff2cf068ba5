/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TRAINING_SCENARIO_HELPER_H
#define TRAINING_SCENARIO_HELPER_H

#include "distributed-learning-helper.h"
#include "fabric-helper.h"
#include "packet-loss-helper.h"

#include "ns3/command-line.h"
#include "ns3/ns3-compat.h"
#include "ns3/object-factory.h"
#include "ns3/round-monitor.h"
#include "ns3/training-job.h"

#include <map>
#include <string>

namespace ns3
{

/**
 * \ingroup distributed-learning
 * The settings of dl-train's standard experiment, one per flag (doc: "dl-train"), as the
 * command line gives them: numbers where they are numbers, ns-3 value strings ("10Gbps",
 * "5ms", "1000p") where ns-3 parses them. The trainer's settings (dataset, model, epochs,
 * seed, threads, ...) are TrainingJob's attributes, which Build reads as they are then.
 */
struct TrainingScenario
{
    std::string workers;                       //!< empty: TrainingJob Workers (1 for local)
    std::string learningRate{"auto"};          //!< a number, or auto
    std::string algorithm{"rps"};              //!< short name or SyncAlgorithm TypeId name
    std::string psTransport{"udp"};            //!< ps: udp | tcp
    std::string tcpVariant{"ns3::TcpNewReno"}; //!< congestion control of the TCP baselines
    std::string tcpMinRto{"10ms"};             //!< TCP minimum retransmission timeout
    double lossRate{0.05};                     //!< end-to-end loss probability
    std::string lossModel{"bernoulli"};        //!< bernoulli | burst | gilbert-elliott
    std::string lossPlacement{"receiver"};     //!< receiver | every-link
    double burstLength{4.0};                   //!< mean loss burst, in packets
    std::string granularity{"packet"};         //!< packet | block
    std::string topology{"star"};              //!< star | leaf-spine | fat-tree
    uint32_t workersPerLeaf{4};                //!< leaf-spine: hosts per leaf
    uint32_t spines{2};                        //!< leaf-spine: spine switches
    uint32_t fatTreeK{0};                      //!< fat-tree arity (0: the smallest that fits)
    std::string linkRate{"10Gbps"};            //!< every link's rate
    std::string linkDelay{"5us"};              //!< every link's propagation delay
    std::string queueSize{"1000p"};            //!< switch port queue size
    uint32_t mtu{1500};                        //!< IP MTU in bytes
    std::string computeTime;                   //!< empty: LearningWorker's ComputeTime
    std::string phaseTimeout{"0s"};            //!< 0s: derived from model size and link rate
    std::string straggler{"none"};             //!< DistributedLearningHelper::SetStragglers
    std::string fail;                          //!< FabricHelper::ScheduleFailures
    std::string failDetection{"10ms"};         //!< how long routing takes to see a failure
    std::string crash;                         //!< DistributedLearningHelper::ScheduleCrashes
    uint32_t evalEvery{0};                     //!< rounds between rows (0: once per epoch)
    uint32_t run{1};                           //!< ns-3 run number
    std::string eventOrder{"ns3"};             //!< ns3 | canonical
};

/**
 * \ingroup distributed-learning
 * dl-train's standard experiment as a helper: a fabric of hosts (FabricHelper), loss on it
 * (PacketLossHelper), a training job on its hosts (DistributedLearningHelper) and the job's
 * RoundMonitor, from one TrainingScenario. AddCommandLineValues gives a program dl-train's
 * flags; Build checks every setting (each check made once, by the helper that owns it, so a
 * message has one source) and builds the simulation, ready for Simulator::Run.
 *
 * Build applies the run's own global settings, as a program would: it seeds ns-3's random
 * numbers (RngSeedManager) from TrainingJob's Seed and \c run, and eventOrder "canonical" installs
 * CanonicalOrderHelper's scheduler. No attribute default is changed.
 */
class TrainingScenarioHelper
{
  public:
    TrainingScenarioHelper();

    /** \return the settings, to change before Build */
    TrainingScenario& GetSettings()
    {
        return m_settings;
    }

    /** Add one value per setting to \p cmd, named and explained as dl-train's flags. */
    void AddCommandLineValues(CommandLine& cmd);

    /**
     * Check every setting, then build the fabric, the loss, the job and its monitor. On a bad
     * setting nothing is built that matters: the caller reports the line and exits.
     * \return why the settings make no experiment (one line, naming flags), or empty
     */
    std::string Build();

    /** \return the job's monitor (after Build) */
    Ptr<RoundMonitor> GetMonitor() const
    {
        return m_monitor;
    }

    /** \return one line saying what runs: algorithm, workers, network, model, data, rounds */
    std::string Describe() const;

  private:
    /** \return the first setting this program rejects before the helpers see it, or empty */
    std::string CheckFlags();
    /** \return why the learning rate, worker count or seed is rejected, or empty (CheckFlags) */
    std::string CheckNumbers();
    /** \return why one of the time flags is rejected, or empty (CheckFlags) */
    std::string CheckTimes();
    /** Set on \p job the trainer's flags this command line gave. \return a reason or empty */
    std::string SetJobFlags(ObjectFactory& job) const;
    /** \return the first setting the helpers reject, or empty (configures them as it goes) */
    std::string ConfigureHelpers();
    /** Build the fabric's hosts, switches, stacks and addresses. \return a reason or empty */
    std::string BuildFabric(uint32_t hosts);

    TrainingScenario m_settings;                           //!< what to build
    std::map<std::string, dlcompat::GivenText> m_jobFlags; //!< the trainer's flags, by name
    DistributedLearningHelper m_training;                  //!< the job's install
    FabricHelper m_fabric;                                 //!< the network
    PacketLossHelper m_loss;                               //!< loss on it
    TrainingConfig m_config;                               //!< the trainer's settings (from Build)
    Ptr<TrainingJob> m_job;                                //!< the trainer side
    Ptr<RoundMonitor> m_monitor;                           //!< the results
    Time m_linkDelay;                                      //!< parsed linkDelay
    Time m_computeTime;   //!< parsed computeTime (0: the worker's default)
    Time m_phaseTimeout;  //!< parsed phaseTimeout
    Time m_tcpMinRto;     //!< parsed tcpMinRto
    Time m_failDetection; //!< parsed failDetection
};

} // namespace ns3

#endif // TRAINING_SCENARIO_HELPER_H
