/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TRAINING_JOB_H
#define TRAINING_JOB_H

#include "ns3/data-sharding.h"
#include "ns3/dataset.h"
#include "ns3/lr-schedule.h"
#include "ns3/replica.h"
#include "ns3/thread-pool.h"
#include "ns3/trainer-backend.h"

#include "ns3/object.h"

#include <memory>
#include <string>
#include <vector>

/**
 * \defgroup dl-job Jobs
 * \ingroup distributed-learning
 * A training job: its workers, parameter server, round monitor and drop counter.
 */

namespace ns3
{

/**
 * \ingroup dl-job
 * What is being trained: dataset, model, optimiser and schedule, as plain values: a convenience
 * for TrainingJob::Create. Each field is also a TrainingJob attribute (the field's name
 * capitalised: epochs is "Epochs"), so Config and the command line (--ns3::TrainingJob::Epochs)
 * set them as any ns-3 attribute; TrainingJob::GetDefaultConfig gives their current defaults.
 */
struct TrainingConfig
{
    /** learningRate value that asks for the default rule (TrainingJob::DefaultLearningRate) */
    static constexpr double AUTO_LEARNING_RATE = -1.0;

    std::string dataset{"fashion-mnist"}; //!< fashion-mnist | cifar10 | synthetic | text
    std::string dataDir;                  //!< empty: the dataset's default location
    std::string dataFile;       //!< text: a UTF-8 file (empty: the fortunes package's texts)
    uint32_t seqLength{64};     //!< text: characters per window (truncated BPTT length)
    std::string model{"mlp"};   //!< softmax | mlp | cnn | resnet20 ... resnet110 | lstm
    std::string hidden{"256"};  //!< mlp hidden sizes, or lstm hidden state sizes, comma separated
    std::string backend{"cpu"}; //!< cpu | cuda
    uint32_t workers{16};       //!< number of replicas (shards)
    double epochs{3};           //!< passes over the training set (may be fractional)
    uint32_t batchSize{32};     //!< per-worker minibatch
    bool dropRemainder{true};   //!< never step on a short (remainder) minibatch
    bool augment{false};        //!< random 4-pixel crops and flips (dl::RandomCropFlip)
    double learningRate{AUTO_LEARNING_RATE}; //!< base learning rate (AUTO: the default rule)
    std::string lrSchedule{"constant"};      //!< constant | step | cosine
    uint32_t warmupRounds{0};                //!< linear warm-up length
    double momentum{0.9};                    //!< SGD momentum
    double weightDecay{0.0};                 //!< L2 weight decay
    double nonIidAlpha{0.0};                 //!< 0: IID shards; > 0: Dirichlet(alpha) label skew
    uint32_t trainSubset{0};                 //!< use only the first N training samples (0: all)
    uint32_t testSubset{0};                  //!< evaluate on the first N test samples (0: all)
    uint32_t trainEvalSamples{2000};         //!< training samples the global training loss uses
    uint32_t threads{0}; //!< threads for local steps and evaluations (0: one per core, at
                         //!< most 8); results are the same for every count
    uint64_t seed{1};    //!< the user's seed (results label)
    uint32_t run{1};     //!< run number: replications with one seed
};

/**
 * \ingroup dl-job
 * The shared part of an experiment: the loaded (standardised) datasets, the compute backend, the
 * shards, and the schedule. Workers get their Replica from here; the RoundMonitor evaluates
 * with it. One backend instance serves every replica; the job's thread pool runs local steps
 * and evaluations beside the (single-threaded) simulator, each thread on its own backend lane.
 */
class TrainingJob : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    TrainingJob();
    ~TrainingJob() override;

    /**
     * A job configured by \p config: CreateObject, then Load.
     * \param config what to train
     * \throws dl::DataError (a std::runtime_error) with a one-line message naming the problem:
     *         a TrainingConfig field out of range ("TrainingConfig::workers must be at least
     *         1"), an unknown dataset, model or backend, a missing or corrupt data file, a
     *         test set that does not fit the training set. Nothing is half-built: uncaught, it
     *         ends the program with that message.
     */
    static Ptr<TrainingJob> Create(const TrainingConfig& config);

    /**
     * Check the settings (the attributes), load the data and build the model, once: for a job
     * made with CreateObject<TrainingJob>("Model", StringValue("cnn"), ...).
     * \throws dl::DataError as Create
     */
    void Load();

    /** \return the settings a new job has: the attributes' defaults (Config::SetDefault) */
    static TrainingConfig GetDefaultConfig();

    /**
     * \return \p message with each "TrainingConfig::field" written "--field": for programs
     *         whose flags are named after the fields (dl-train, dl-colocation)
     */
    static std::string AsFlags(const std::string& message);

    /** \return this job's id, unique in the process (tags its packets: JobTag) */
    uint64_t GetId() const
    {
        return m_id;
    }

    /** \return the seed the trainer draws from: seed and run mixed */
    uint64_t GetTrainerSeed() const
    {
        return m_trainerSeed;
    }

    /** \return the configuration */
    const TrainingConfig& GetConfig() const
    {
        return m_config;
    }

    /** \return a new replica for worker \p worker (all start from the same parameters) */
    std::unique_ptr<dl::Replica> MakeReplica(uint32_t worker);

    /**
     * \return rounds in one epoch: mean shard size / batch size, rounded down when the
     *         remainder is dropped and up when it is kept (at least 1)
     */
    uint32_t GetRoundsPerEpoch() const;

    /**
     * \return rounds in the whole run: epochs x GetRoundsPerEpoch(), rounded up; when the
     *         remainder is kept, extended to the next round that ends on full minibatches, so
     *         that the last row is not taken right after a partial one
     */
    uint32_t GetTotalRounds() const
    {
        return m_totalRounds;
    }

    /** \return true if some worker steps on a short (remainder) minibatch in \p round */
    bool IsPartialRound(uint32_t round) const;

    /** \return the learning rate at \p round */
    float GetLearningRate(uint32_t round) const;

    /** \return the base learning rate in use (the configured one, or the default rule's) */
    double GetBaseLearningRate() const
    {
        return m_schedule.base;
    }

    /**
     * The default learning rate: 0.01 for one worker at batch 32 (momentum 0.9), scaled with
     * the square root of the global batch, 0.01 * sqrt(workers * batchSize / 32); ten times
     * that for the lstm, whose gradients per parameter are far smaller (measured on the
     * default text corpus: a quarter epoch reaches test loss 2.99 at 0.01, 2.41 at 0.1).
     * \param workers number of replicas
     * \param batchSize per-worker minibatch
     * \param model the model's name
     * \return the rate
     */
    static double DefaultLearningRate(uint32_t workers, uint32_t batchSize,
                                      const std::string& model = "mlp");

    /** \return the fixed training subset of the global training loss (EvenlySpaced) */
    const dl::Dataset& GetTrainEvalSet() const
    {
        return m_trainEval;
    }

    /** \return the compute backend */
    dl::TrainerBackend& GetBackend()
    {
        return *m_backend;
    }

    /** \return the threads that run local steps and evaluations */
    dl::ThreadPool& GetThreadPool()
    {
        return *m_pool;
    }

    /** \return the training set */
    const dl::Dataset& GetTrainSet() const
    {
        return m_train;
    }

    /** \return the test set */
    const dl::Dataset& GetTestSet() const
    {
        return m_test;
    }

  private:
    /// Attribute accessors of the TrainingConfig fields, stored in m_config.
    template<typename V, V TrainingConfig::*F> void SetField(V value)
    {
        m_config.*F = value;
    }

    template<typename V, V TrainingConfig::*F> V GetField() const
    {
        return m_config.*F;
    }

    /// Throw a dl::DataError naming the first field of \p c out of its range.
    static void CheckConfig(const TrainingConfig& c);
    /// Load, cut and standardise the training and test sets the configuration names.
    void LoadData();
    /// Build the model, its backend and thread pool, the shards and the learning-rate schedule.
    void BuildTrainer();

    /// \return the rounds GetTotalRounds reports (needs the shards); asked every round by every
    /// worker and the monitor, so computed once
    uint32_t CountTotalRounds() const;

    uint64_t m_id;                                 //!< unique id
    uint64_t m_trainerSeed{0};                     //!< seed mixed with the run number
    bool m_averageModelState{true};                //!< AverageModelState attribute
    TrainingConfig m_config;                       //!< what to train
    dl::Dataset m_train;                           //!< training set (standardised)
    dl::Dataset m_test;                            //!< test set (standardised like train)
    dl::Dataset m_trainEval;                       //!< fixed training subset for evaluation
    std::unique_ptr<dl::TrainerBackend> m_backend; //!< compute
    std::vector<dl::Shard> m_shards;               //!< per-worker sample indices
    dl::LrSchedule m_schedule;                     //!< learning rate per round
    uint32_t m_totalRounds{1};                     //!< rounds in the run (CountTotalRounds)
    std::unique_ptr<dl::ThreadPool> m_pool;        //!< after m_backend: its tasks end first
};

} // namespace ns3

#endif // TRAINING_JOB_H
