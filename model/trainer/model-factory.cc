/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "model-factory.h"

#include "conv2d-layer.h"
#include "dense-layer.h"
#include "flatten-layer.h"
#include "max-pool-layer.h"
#include "relu-layer.h"

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
    else
    {
        throw DataError("unknown model '" + name + "' (expected softmax, mlp or cnn)");
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
