/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "model-factory.h"

#include "batch-norm-layer.h"
#include "conv2d-layer.h"
#include "dense-layer.h"
#include "embedding-layer.h"
#include "flatten-layer.h"
#include "global-avg-pool-layer.h"
#include "lstm-layer.h"
#include "max-pool-layer.h"
#include "relu-layer.h"
#include "residual-block.h"

#include <sstream>

namespace dl
{

namespace
{

/// Append a layer built from the model's current output shape.
template<typename L, typename... Args>
void
Push(SequentialModel& m, Args... args)
{
    m.Add(std::make_unique<L>(m.OutputShape(), args...));
}

/// Features of the lstm's character embedding.
constexpr int LSTM_EMBEDDING = 32;

/// The CIFAR residual networks' depths: 6n + 2 layers for n blocks per stage.
const int RESNET_DEPTHS[] = {20, 32, 56, 110};

/// Append a CIFAR residual network of \p depth layers (He et al. 2016, section 4.2).
void
BuildResNet(SequentialModel& m, int depth, int numClasses)
{
    const Shape in = m.InputShape();
    // A square picture a little smaller than the network's 32x32 (Fashion-MNIST's 28x28) is
    // zero-padded to it by the stem: padding by 2 and then by 1 for the 3x3 kernel is padding
    // by 3. Other sizes run as they are (8x8 to 2x2 through the stages).
    const bool padTo32 = in.h == in.w && in.h >= 24 && in.h < 32 && (32 - in.h) % 2 == 0;
    const int padding = padTo32 ? 1 + (32 - in.h) / 2 : 1;
    Push<Conv2dLayer>(m, 16, 3, padding, 1, false);
    Push<BatchNormLayer>(m);
    Push<ReluLayer>(m);
    const int blocks = (depth - 2) / 6;
    for (int channels : {16, 32, 64})
    {
        for (int b = 0; b < blocks; ++b)
        {
            const int stride = b == 0 && channels > 16 ? 2 : 1;
            Push<ResidualBlock>(m, channels, stride);
        }
    }
    Push<GlobalAvgPoolLayer>(m);
    Push<DenseLayer>(m, numClasses);
}

/// \return the depth of a "resnetN" name, or 0 when \p name is not one
int
ResNetDepth(const std::string& name)
{
    const std::string prefix = "resnet";
    if (name.compare(0, prefix.size(), prefix) != 0)
    {
        return 0;
    }
    for (int depth : RESNET_DEPTHS)
    {
        if (name == prefix + std::to_string(depth))
        {
            return depth;
        }
    }
    throw DataError("unknown model '" + name
                    + "' (residual networks: resnet20, resnet32, resnet56 or resnet110)");
}

} // namespace

std::unique_ptr<SequentialModel>
BuildModel(const std::string& name, Shape input, int numClasses, const std::vector<int>& hidden)
{
    auto m = std::make_unique<SequentialModel>(input);
    if (name == "softmax")
    {
        Push<FlattenLayer>(*m);
        Push<DenseLayer>(*m, numClasses);
    }
    else if (name == "mlp")
    {
        Push<FlattenLayer>(*m);
        for (int units : hidden)
        {
            Push<DenseLayer>(*m, units);
            Push<ReluLayer>(*m);
        }
        Push<DenseLayer>(*m, numClasses);
    }
    else if (name == "cnn")
    {
        Push<Conv2dLayer>(*m, 6, 5, 2);
        Push<ReluLayer>(*m);
        Push<MaxPoolLayer>(*m, 2);
        Push<Conv2dLayer>(*m, 16, 5, 0);
        Push<ReluLayer>(*m);
        Push<MaxPoolLayer>(*m, 2);
        Push<FlattenLayer>(*m);
        Push<DenseLayer>(*m, 120);
        Push<ReluLayer>(*m);
        Push<DenseLayer>(*m, numClasses);
    }
    else if (name == "lstm")
    {
        if (input.c != 1 || input.h != 1)
        {
            throw DataError("model 'lstm' reads sequences of character ids (--dataset=text)");
        }
        Push<EmbeddingLayer>(*m, numClasses, LSTM_EMBEDDING);
        for (int units : hidden)
        {
            Push<LstmLayer>(*m, units);
        }
        Push<DenseLayer>(*m, numClasses, true);
    }
    else if (const int depth = ResNetDepth(name); depth > 0)
    {
        BuildResNet(*m, depth, numClasses);
    }
    else
    {
        throw DataError("unknown model '" + name
                        + "' (expected softmax, mlp, cnn, resnet20, resnet32, resnet56, "
                          "resnet110 or lstm)");
    }
    return m;
}

std::vector<int>
ParseHiddenSizes(const std::string& text)
{
    std::vector<int> sizes;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
    {
        size_t used = 0;
        int v = 0;
        try
        {
            v = std::stoi(item, &used);
        }
        catch (const std::exception&)
        {
            used = 0;
        }
        if (used != item.size() || v <= 0)
        {
            throw DataError("hidden layer sizes '" + text
                            + "': expected comma-separated positive integers");
        }
        sizes.push_back(v);
    }
    return sizes;
}

} // namespace dl
