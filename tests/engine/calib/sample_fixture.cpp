#include "sample_fixture.h"

#include <eqw/io.h>

#include <fstream>
#include <nlohmann/json.hpp>

namespace eqw::calibtest {

std::string loadSample(Sample& s) {
  std::ifstream metaFile(kSample + "/meta.json");
  if (!metaFile) return "samples/fashion-mnist/meta.json is missing";
  const auto meta = nlohmann::json::parse(metaFile);
  auto pre = parsePreprocess(meta.at("preprocess").at("eqw_flags").get<std::string>());
  if (!pre) return pre.status().toString();
  auto graph = loadModel(kSample + "/model.onnx");
  if (!graph) return graph.status().toString();
  auto calib = openDataset(kSample + "/calib");
  if (!calib) return calib.status().toString();
  s.graph = std::move(graph.value());
  s.calib = std::move(calib.value());
  s.pre = *pre;
  return {};
}

}  // namespace eqw::calibtest
