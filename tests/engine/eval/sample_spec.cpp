#include "engine/eval/sample_spec.h"

#include <eqw/calib.h>
#include <eqw/io.h>
#include <eqw/passes.h>

#include <fstream>
#include <nlohmann/json.hpp>

namespace eqw::test {

std::string loadEvalSample(EvalSample& s) {
  const std::string dir = std::string(EQW_SOURCE_DIR) + "/samples/fashion-mnist";
  std::ifstream metaFile(dir + "/meta.json");
  if (!metaFile) return "samples/fashion-mnist/meta.json is missing";
  const auto meta = nlohmann::json::parse(metaFile, nullptr, false);
  if (meta.is_discarded()) return "samples/fashion-mnist/meta.json is not JSON";
  auto pre = parsePreprocess(meta["preprocess"]["eqw_flags"].get<std::string>());
  if (!pre) return pre.status().toString();
  auto graph = loadModel(dir + "/model.onnx");
  if (!graph) return graph.status().toString();
  if (auto c = canonicalize(*graph); !c) return c.status().toString();
  auto calib = openDataset(dir + "/calib/labels.txt");
  if (!calib) return calib.status().toString();
  auto test = openDataset(dir + "/test/labels.txt");
  if (!test) return test.status().toString();
  s.graph = std::move(graph.value());
  s.calib = std::move(calib.value());
  s.test = std::move(test.value());
  s.pre = *pre;
  return {};
}

QuantSpec maxSpec(const EvalSample& s, Precision precision, std::string& why) {
  QuantSpec spec;
  CollectOptions co;
  co.values = StatsValues::QuantizableInputs;
  co.passes = 1;
  Diagnostics diags;
  auto stats = collectStatistics(s.graph, s.calib, s.pre, co, {}, diags);
  if (!stats) {
    why = stats.status().toString();
    return spec;
  }
  auto method = makeCalibrationMethod("max");
  if (!method) {
    why = method.status().toString();
    return spec;
  }
  const int bits = activationBits(precision);
  for (const Node& node : s.graph.nodes) {
    if (!isQuantizable(node)) continue;
    const TensorStats* ts = stats->find(node.inputs[0]);
    if (!ts) {
      why = "no statistics for the input of '" + node.name + "'";
      return spec;
    }
    auto t = (*method)->threshold(*ts, bits);
    auto w = weightThresholds(node.weights[0], WeightMethod::Max, bits,
                              static_cast<int>(weightScaleCount(node, Granularity::PerChannel)));
    if (!t || !w) {
      why = "layer '" + node.name + "': " + (!t ? t.status() : w.status()).toString();
      return spec;
    }
    LayerQuant lq;
    lq.layer = node.name;
    lq.precision = precision;
    lq.weight_granularity = Granularity::PerChannel;
    lq.input = {*t, "max"};
    lq.weight_thresholds = *w;
    lq.weight_method = "max";
    spec.layers.push_back(std::move(lq));
  }
  return spec;
}

}  // namespace eqw::test
