#include "engine/io/caffe/caffe_test_util.h"

#include <eqw/runtime.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>
#include "scratch_root.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace eqw::test {

namespace pb = eqw::caffepb;

std::string caffeFixtureDir() { return std::string(EQW_SOURCE_DIR) + "/tests/data/caffe"; }
std::string caffeFixture(const std::string& name) { return caffeFixtureDir() + "/" + name; }

std::string caffeTempDir() {
  static const eqw::testing::ScratchRoot root("eqw_caffe_test");
  return root.path().string();
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void writeFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

float patternValue(int layer, int blob, int64_t i) {
  // Distinct per layer and blob, irregular, in [-0.5, 0.5].
  const double x = std::sin(0.7 * static_cast<double>(i) + 1.3 * layer + 2.1 * blob + 0.1) * 0.5;
  return static_cast<float>(std::round(x * 1024.0) / 1024.0);
}

namespace {

int64_t shapeCount(const pb::BlobProto& b) {
  int64_t n = 1;
  if (b.has_shape()) {
    for (int64_t d : b.shape().dim()) n *= d;
  } else {
    n = int64_t{b.num()} * b.channels() * b.height() * b.width();
  }
  return n;
}

void fill(pb::BlobProto* b, int layer, int blob) {
  if (b->data_size() > 0 || b->double_data_size() > 0) return;
  const int64_t n = shapeCount(*b);
  for (int64_t i = 0; i < n; ++i) b->add_data(patternValue(layer, blob, i));
}

}  // namespace

pb::NetParameter writeCaffemodel(const std::string& fixture, const std::string& out) {
  pb::NetParameter net;
  const std::string text = readFile(fixture + "/weights.pbtxt");
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &net)) << fixture << "/weights.pbtxt does not parse";
  for (int l = 0; l < net.layer_size(); ++l)
    for (int b = 0; b < net.layer(l).blobs_size(); ++b) fill(net.mutable_layer(l)->mutable_blobs(b), l, b);
  for (int l = 0; l < net.layers_size(); ++l)
    for (int b = 0; b < net.layers(l).blobs_size(); ++b) fill(net.mutable_layers(l)->mutable_blobs(b), l, b);
  std::string bytes;
  EXPECT_TRUE(net.SerializeToString(&bytes));
  writeFile(out, bytes);
  return net;
}

std::vector<float> blobValues(const pb::BlobProto& b) {
  if (b.data_size() > 0) return std::vector<float>(b.data().begin(), b.data().end());
  std::vector<float> v;
  for (double d : b.double_data()) v.push_back(static_cast<float>(d));
  return v;
}

std::vector<float> layerBlob(const pb::NetParameter& net, const std::string& name, int index) {
  for (const auto& l : net.layer())
    if (l.name() == name && index < l.blobs_size()) return blobValues(l.blobs(index));
  for (const auto& l : net.layers())
    if (l.name() == name && index < l.blobs_size()) return blobValues(l.blobs(index));
  ADD_FAILURE() << "no blob " << index << " for layer " << name;
  return {};
}

Tensor patternInput(const Shape& shape, int seed) {
  Tensor t(shape);
  for (int64_t i = 0; i < t.numel(); ++i) t.f32()[i] = static_cast<float>(std::cos(0.37 * static_cast<double>(i) + seed) * 1.5);
  return t;
}

RunResult runGraph(const Graph& g, const std::vector<Tensor>& inputs, bool reference) {
  RunResult r;
  ExecutorOptions o;
  o.reference = reference;
  o.keep_values = true;
  auto ex = Executor::create(g, o);
  if (!ex) {
    r.status = ex.status();
    return r;
  }
  r.status = (*ex)->run(inputs);
  if (!r.status.isOk()) return r;
  for (size_t i = 0; i < (*ex)->outputCount(); ++i) r.outputs.push_back((*ex)->output(i).clone());
  for (size_t v = 0; v < g.values.size(); ++v) r.values.push_back((*ex)->value(static_cast<int>(v)).clone());
  return r;
}

Result<Graph> loadCaffe(const std::string& prototxt, const std::string& caffemodel, Diagnostics* diags, const Shape& inputShape) {
  ImportOptions o;
  o.weights_path = caffemodel;
  o.input_shape = inputShape;
  return loadModel(prototxt, o, diags);
}

double maxRelError(const Tensor& a, const std::vector<float>& b) {
  if (a.numel() != static_cast<int64_t>(b.size())) return std::numeric_limits<double>::infinity();
  double worst = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    const double d = std::fabs(double(a.f32()[i]) - b[i]) / std::max(1.0, std::fabs(double(b[i])));
    if (!(d <= worst)) worst = d;  // NaN propagates as a failure
  }
  return worst;
}

}  // namespace eqw::test
