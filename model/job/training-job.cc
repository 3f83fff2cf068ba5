/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "training-job.h"

#include "ns3/backend-factory.h"
#include "ns3/cifar-reader.h"
#include "ns3/idx-reader.h"
#include "ns3/model-factory.h"
#include "ns3/seed-mixer.h"
#include "ns3/synthetic-dataset.h"
#include "ns3/text-corpus.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <limits>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("TrainingJob");

NS_OBJECT_ENSURE_REGISTERED(TrainingJob);

// Each setting of TrainingConfig is an attribute stored in m_config itself: SetField and
// GetField are its accessors, one instantiation per field.
#define DL_CONFIG_FIELD(make, type, field)                     \
    make(&TrainingJob::SetField<type, &TrainingConfig::field>, \
         &TrainingJob::GetField<type, &TrainingConfig::field>)

TypeId
TrainingJob::GetTypeId()
{
    const TrainingConfig d; // the defaults
    static TypeId tid
        = TypeId("ns3::TrainingJob")
              .SetParent<Object>()
              .SetGroupName("DistributedLearning")
              .AddConstructor<TrainingJob>()
              .AddAttribute("AverageModelState",
                            "Whether algorithms that exchange gradients (allreduce, "
                            "ring-allreduce, ps) average the model state -- batch-norm running "
                            "statistics -- as they average gradients (true), or every worker "
                            "keeps its own (false). Algorithms that average models (rps, gossip) "
                            "average it with the block it lives in either way. Set before "
                            "DistributedLearningHelper::Install.",
                            BooleanValue(true),
                            MakeBooleanAccessor(&TrainingJob::m_averageModelState),
                            MakeBooleanChecker())
              .AddAttribute(
                  "Dataset", "fashion-mnist | cifar10 | synthetic | text", StringValue(d.dataset),
                  DL_CONFIG_FIELD(MakeStringAccessor, std::string, dataset), MakeStringChecker())
              .AddAttribute("DataDir",
                            "Dataset folder (empty: for fashion-mnist, "
                            "/usr/share/datasets/fashion-mnist).",
                            StringValue(d.dataDir),
                            DL_CONFIG_FIELD(MakeStringAccessor, std::string, dataDir),
                            MakeStringChecker())
              .AddAttribute(
                  "DataFile", "text: a UTF-8 file (empty: the texts of Debian's fortunes package).",
                  StringValue(d.dataFile),
                  DL_CONFIG_FIELD(MakeStringAccessor, std::string, dataFile), MakeStringChecker())
              .AddAttribute("SeqLength",
                            "text: characters per window (truncated back-propagation length).",
                            UintegerValue(d.seqLength),
                            DL_CONFIG_FIELD(MakeUintegerAccessor, uint32_t, seqLength),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("Model",
                            "softmax | mlp | cnn | resnet20 | resnet32 | resnet56 | resnet110 | "
                            "lstm",
                            StringValue(d.model),
                            DL_CONFIG_FIELD(MakeStringAccessor, std::string, model),
                            MakeStringChecker())
              .AddAttribute("Hidden",
                            "mlp hidden layer sizes, or lstm hidden state sizes (one layer each), "
                            "comma separated.",
                            StringValue(d.hidden),
                            DL_CONFIG_FIELD(MakeStringAccessor, std::string, hidden),
                            MakeStringChecker())
              .AddAttribute("Backend", "cpu | cuda", StringValue(d.backend),
                            DL_CONFIG_FIELD(MakeStringAccessor, std::string, backend),
                            MakeStringChecker())
              .AddAttribute("Workers", "Replicas (data shards), one per worker node.",
                            UintegerValue(d.workers),
                            DL_CONFIG_FIELD(MakeUintegerAccessor, uint32_t, workers),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("Epochs", "Passes over the training set (may be fractional).",
                            DoubleValue(d.epochs),
                            DL_CONFIG_FIELD(MakeDoubleAccessor, double, epochs),
                            MakeDoubleChecker<double>())
              .AddAttribute("BatchSize", "Per-worker minibatch size.", UintegerValue(d.batchSize),
                            DL_CONFIG_FIELD(MakeUintegerAccessor, uint32_t, batchSize),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("DropRemainder",
                            "Never step on a short last minibatch of a pass (false: keep it; rows "
                            "are then never taken right after one).",
                            BooleanValue(d.dropRemainder),
                            DL_CONFIG_FIELD(MakeBooleanAccessor, bool, dropRemainder),
                            MakeBooleanChecker())
              .AddAttribute("Augment",
                            "Random crops (4-pixel padding) and left-right flips of training "
                            "pictures.",
                            BooleanValue(d.augment),
                            DL_CONFIG_FIELD(MakeBooleanAccessor, bool, augment),
                            MakeBooleanChecker())
              .AddAttribute("LearningRate",
                            "Base learning rate; -1: the default rule (DefaultLearningRate).",
                            DoubleValue(d.learningRate),
                            DL_CONFIG_FIELD(MakeDoubleAccessor, double, learningRate),
                            MakeDoubleChecker<double>())
              .AddAttribute("LrSchedule", "constant | step | cosine", StringValue(d.lrSchedule),
                            DL_CONFIG_FIELD(MakeStringAccessor, std::string, lrSchedule),
                            MakeStringChecker())
              .AddAttribute("WarmupRounds", "Linear learning-rate warm-up, in rounds.",
                            UintegerValue(d.warmupRounds),
                            DL_CONFIG_FIELD(MakeUintegerAccessor, uint32_t, warmupRounds),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("Momentum", "SGD momentum, in [0, 1).", DoubleValue(d.momentum),
                            DL_CONFIG_FIELD(MakeDoubleAccessor, double, momentum),
                            MakeDoubleChecker<double>())
              .AddAttribute("WeightDecay", "L2 weight decay.", DoubleValue(d.weightDecay),
                            DL_CONFIG_FIELD(MakeDoubleAccessor, double, weightDecay),
                            MakeDoubleChecker<double>())
              .AddAttribute("NonIidAlpha", "0: IID shards; > 0: Dirichlet(alpha) label skew.",
                            DoubleValue(d.nonIidAlpha),
                            DL_CONFIG_FIELD(MakeDoubleAccessor, double, nonIidAlpha),
                            MakeDoubleChecker<double>())
              .AddAttribute("TrainSubset", "Use the first N training samples (0: all).",
                            UintegerValue(d.trainSubset),
                            DL_CONFIG_FIELD(MakeUintegerAccessor, uint32_t, trainSubset),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("TestSubset", "Evaluate on the first N test samples (0: all).",
                            UintegerValue(d.testSubset),
                            DL_CONFIG_FIELD(MakeUintegerAccessor, uint32_t, testSubset),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("TrainEvalSamples",
                            "Training samples the global training loss is measured on.",
                            UintegerValue(d.trainEvalSamples),
                            DL_CONFIG_FIELD(MakeUintegerAccessor, uint32_t, trainEvalSamples),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("Threads",
                            "Threads for local steps and evaluations, 0 to 256 (0: one per core, "
                            "at most 8); the results do not depend on it.",
                            UintegerValue(d.threads),
                            DL_CONFIG_FIELD(MakeUintegerAccessor, uint32_t, threads),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("Seed", "Seed of the trainer (and, in dl-train, of the network).",
                            UintegerValue(d.seed),
                            DL_CONFIG_FIELD(MakeUintegerAccessor, uint64_t, seed),
                            MakeUintegerChecker<uint64_t>())
              .AddAttribute("Run", "Run number: independent replications with one seed.",
                            UintegerValue(d.run),
                            DL_CONFIG_FIELD(MakeUintegerAccessor, uint32_t, run),
                            MakeUintegerChecker<uint32_t>());
    return tid;
}

#undef DL_CONFIG_FIELD

TrainingJob::TrainingJob()
{
    // Ids tell jobs apart in the packet tags; they never reach the results.
    static uint64_t nextId = 1;
    m_id = nextId++;
    NS_LOG_FUNCTION(this << m_id);
}

TrainingJob::~TrainingJob() = default;

namespace
{

/// \return \p x as a stream writes it (six significant digits: enough for a message)
std::string
Describe(double x)
{
    std::ostringstream out;
    out << x;
    return out.str();
}

void
Require(bool ok, const std::string& message)
{
    if (!ok)
    {
        throw dl::DataError(message);
    }
}

/// \return "CxHxW"
std::string
ShapeText(const dl::Shape& s)
{
    return std::to_string(s.c) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w);
}

} // namespace

Ptr<TrainingJob>
TrainingJob::Create(const TrainingConfig& c)
{
    Ptr<TrainingJob> job = CreateObject<TrainingJob>();
    job->m_config = c;
    job->Load();
    return job;
}

TrainingConfig
TrainingJob::GetDefaultConfig()
{
    return CreateObject<TrainingJob>()->m_config;
}

void
TrainingJob::Load()
{
    NS_ABORT_MSG_IF(m_backend, "TrainingJob::Load: loaded already");
    CheckConfig(m_config);
    // The trainer follows the run number too, so runs of one seed are independent replications.
    m_trainerSeed = dl::MixSeed(m_config.seed, dl::SeedStream::INIT, m_config.run);
    LoadData();
    BuildTrainer();
    NS_LOG_INFO("model:\n" << m_backend->Summary());
}

void
TrainingJob::CheckConfig(const TrainingConfig& c)
{
    Require(c.workers >= 1, "TrainingConfig::workers must be at least 1");
    Require(c.epochs > 0 && std::isfinite(c.epochs), "TrainingConfig::epochs must be positive");
    Require(c.batchSize >= 1, "TrainingConfig::batchSize must be at least 1");
    Require((c.learningRate >= 0 && std::isfinite(c.learningRate))
                || c.learningRate == TrainingConfig::AUTO_LEARNING_RATE,
            "TrainingConfig::learningRate must not be negative (0 freezes the models: pure "
            "synchronisation)");
    Require(c.momentum >= 0 && c.momentum < 1, "TrainingConfig::momentum must lie in [0, 1)");
    Require(c.weightDecay >= 0, "TrainingConfig::weightDecay must not be negative");
    Require(c.nonIidAlpha >= 0, "TrainingConfig::nonIidAlpha must not be negative (0 means IID)");
    Require(c.run >= 1, "TrainingConfig::run must be at least 1");
    Require(c.seqLength >= 1, "TrainingConfig::seqLength must be at least 1");
    // A thread count that wrapped from a negative number, or one far past any machine's cores,
    // would only spend minutes creating threads.
    Require(c.threads <= dl::ThreadPool::MAX_THREADS,
            "TrainingConfig::threads must lie in [0, " + std::to_string(dl::ThreadPool::MAX_THREADS)
                + "] (0: one per core)");
}

void
TrainingJob::LoadData()
{
    const TrainingConfig& c = m_config;
    const uint64_t seed = m_trainerSeed;
    if (c.dataset == "fashion-mnist")
    {
        const std::string dir = c.dataDir.empty() ? "/usr/share/datasets/fashion-mnist" : c.dataDir;
        m_train = dl::LoadMnistDir(dir, true);
        m_test = dl::LoadMnistDir(dir, false);
    }
    else if (c.dataset == "cifar10")
    {
        Require(!c.dataDir.empty(), "TrainingConfig::dataset=cifar10 needs TrainingConfig::dataDir "
                                    "(the folder of data_batch_1.bin ... test_batch.bin)");
        m_train = dl::LoadCifarDir(c.dataDir, true);
        m_test = dl::LoadCifarDir(c.dataDir, false);
    }
    else if (c.dataset == "synthetic")
    {
        dl::SyntheticConfig sc;
        sc.seed = seed;
        sc.samples = c.trainSubset ? c.trainSubset : 8192;
        m_train = dl::MakeSynthetic(sc, 0);
        sc.samples = c.testSubset ? c.testSubset : 2048;
        m_test = dl::MakeSynthetic(sc, 1);
    }
    else if (c.dataset == "text")
    {
        const std::vector<std::string> files
            = c.dataFile.empty() ? dl::DefaultTextCorpusFiles() : std::vector{c.dataFile};
        dl::TextCorpus corpus = dl::LoadTextCorpus(files, int(c.seqLength));
        m_train = std::move(corpus.train);
        m_test = std::move(corpus.test);
    }
    else
    {
        throw dl::DataError("unknown TrainingConfig::dataset '" + c.dataset
                            + "' (expected fashion-mnist, cifar10, synthetic or text)");
    }
    m_train = dl::Head(std::move(m_train), c.trainSubset);
    m_test = dl::Head(std::move(m_test), c.testSubset);
    // A model is built for the training samples and evaluated on the test samples: they must
    // agree, and an empty test set gives no results to write.
    const dl::Shape& a = m_train.shape;
    const dl::Shape& b = m_test.shape;
    Require(a.c == b.c && a.h == b.h && a.w == b.w, "test samples are " + ShapeText(b)
                                                        + " but training samples " + ShapeText(a)
                                                        + " (" + m_test.name + ")");
    Require(m_test.numClasses == m_train.numClasses,
            "test set has " + std::to_string(m_test.numClasses) + " classes, training set "
                + std::to_string(m_train.numClasses));
    Require(m_test.Size() > 0, "the test set is empty (" + m_test.name + ")");
    Require(m_train.Size() > 0, "the training set is empty (" + m_train.name + ")");
    if (c.dataset != "text") // a text's samples are character ids, not measurements
    {
        const dl::ChannelStats stats = dl::ComputeChannelStats(m_train);
        dl::Standardize(m_train, stats);
        dl::Standardize(m_test, stats);
    }
    m_trainEval = dl::EvenlySpaced(m_train, c.trainEvalSamples);
    Require(m_train.Size() >= c.workers, "TrainingConfig::workers=" + std::to_string(c.workers)
                                             + " exceeds the " + std::to_string(m_train.Size())
                                             + " training samples");
}

void
TrainingJob::BuildTrainer()
{
    const TrainingConfig& c = m_config;
    const uint64_t seed = m_trainerSeed;
    auto model = dl::BuildModel(c.model, m_train.shape, m_train.numClasses,
                                dl::ParseHiddenSizes(c.hidden));
    // A model predicts one label per sample (a picture's class) or one per step (the next
    // character): the dataset must have as many.
    Require(model->OutputShape().h == m_train.labelsPerSample,
            "TrainingConfig::model=" + c.model + " predicts "
                + std::to_string(model->OutputShape().h) + " label(s) per sample, and "
                + m_train.name + " has " + std::to_string(m_train.labelsPerSample)
                + " (text takes TrainingConfig::model=lstm)");
    m_backend = dl::MakeBackend(c.backend, std::move(model));
    const unsigned threads = c.threads ? c.threads : dl::ThreadPool::DefaultThreads();
    m_pool = std::make_unique<dl::ThreadPool>(threads);
    if (m_backend->SetLanes(m_pool->Lanes()) < m_pool->Lanes())
    {
        m_pool = std::make_unique<dl::ThreadPool>(1); // a backend for one thread (cuda)
    }
    m_shards = c.nonIidAlpha > 0 ? dl::ShardDirichlet(m_train, c.workers, c.nonIidAlpha, seed)
                                 : dl::ShardIid(m_train, c.workers, seed);
    m_schedule.kind = dl::LrSchedule::ParseKind(c.lrSchedule);
    m_schedule.base = c.learningRate == TrainingConfig::AUTO_LEARNING_RATE
                          ? DefaultLearningRate(c.workers, c.batchSize, c.model)
                          : c.learningRate;
    m_schedule.warmupSteps = c.warmupRounds;
    m_totalRounds = CountTotalRounds();
    m_schedule.totalSteps = GetTotalRounds();
    m_schedule.stepSize = std::max<uint32_t>(1, GetTotalRounds() / 3);
}

std::string
TrainingJob::AsFlags(const std::string& message)
{
    static const std::string field = "TrainingConfig::";
    std::string out = message;
    for (size_t at = out.find(field); at != std::string::npos; at = out.find(field, at))
    {
        out.replace(at, field.size(), "--");
    }
    return out;
}

std::unique_ptr<dl::Replica>
TrainingJob::MakeReplica(uint32_t worker)
{
    NS_LOG_FUNCTION(this << worker);
    auto replica = std::make_unique<dl::Replica>(
        *m_backend, m_train, m_shards.at(worker), m_trainerSeed,
        dl::MixSeed(m_trainerSeed, dl::SeedStream::MINIBATCH, worker), float(m_config.momentum),
        float(m_config.weightDecay), m_config.dropRemainder, m_config.augment);
    replica->SetStateInGradient(m_averageModelState);
    return replica;
}

uint32_t
TrainingJob::GetRoundsPerEpoch() const
{
    const double batches = double(m_train.Size()) / m_config.workers / m_config.batchSize;
    return std::max<uint32_t>(
        1, uint32_t(m_config.dropRemainder ? std::floor(batches) : std::ceil(batches)));
}

bool
TrainingJob::IsPartialRound(uint32_t round) const
{
    if (m_config.dropRemainder)
    {
        return false;
    }
    const size_t b = m_config.batchSize;
    for (const dl::Shard& s : m_shards)
    {
        const size_t batchesPerPass = (s.size() + b - 1) / b;
        if (s.size() % b != 0 && (round + 1) % batchesPerPass == 0)
        {
            return true;
        }
    }
    return false;
}

uint32_t
TrainingJob::CountTotalRounds() const
{
    // Rounds are counted in 32 bits; more than that (days of simulated training per worker even
    // for the smallest model) is a typo, and casting it would wrap to a few rounds or none.
    const double wanted = std::ceil(m_config.epochs * GetRoundsPerEpoch());
    const double maxRounds = double(std::numeric_limits<uint32_t>::max() - GetRoundsPerEpoch());
    Require(wanted <= maxRounds, "TrainingConfig::epochs of " + Describe(m_config.epochs)
                                     + " makes " + Describe(wanted) + " rounds; at most "
                                     + Describe(maxRounds) + " fit");
    uint32_t rounds = std::max<uint32_t>(1, uint32_t(wanted));
    // Keeping the remainder: end on a full round if one comes within an epoch.
    for (uint32_t extra = 0; extra < GetRoundsPerEpoch() && IsPartialRound(rounds - 1); ++extra)
    {
        ++rounds;
    }
    return rounds;
}

double
TrainingJob::DefaultLearningRate(uint32_t workers, uint32_t batchSize, const std::string& model)
{
    const double base = model == "lstm" ? 0.1 : 0.01;
    return base * std::sqrt(double(workers) * double(batchSize) / 32.0);
}

float
TrainingJob::GetLearningRate(uint32_t round) const
{
    return float(m_schedule.At(round));
}

} // namespace ns3
