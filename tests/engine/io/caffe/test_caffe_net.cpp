// Net-level behaviour of the Caffe importer: registration, the three ways to declare inputs,
// SSA renaming of in-place layers, TEST-phase rules, generated weights, and the shapes of most
// mapped layer types against Caffe's rules.
#include <eqw/io.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/io/caffe/caffe_test_util.h"

namespace eqw::test {
namespace {

bool hasDiagnostic(const Diagnostics& d, Severity s, const std::string& text) {
  for (const Diagnostic& x : d)
    if (x.severity == s && x.message.find(text) != std::string::npos) return true;
  return false;
}

Shape inputShape(const Graph& g) { return g.values[g.inputs.at(0)].shape; }

TEST(CaffeNet, ImporterIsRegisteredForPrototxt) {
  const Importer* caffe = nullptr;
  for (const Importer* i : importers())
    if (std::string(i->name()) == "Caffe") caffe = i;
  ASSERT_NE(caffe, nullptr);
  EXPECT_TRUE(caffe->canRead("x/deploy.prototxt"));
  EXPECT_TRUE(caffe->canRead("X.PROTOTXT"));
  EXPECT_FALSE(caffe->canRead("x.caffemodel"));
  EXPECT_FALSE(caffe->canRead("x.param"));
}

TEST(CaffeNet, InputFromInputShape) {
  Result<Graph> g = loadCaffe(caffeFixture("conv_group_dilation/net.prototxt"), "");
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  EXPECT_EQ(inputShape(*g), (Shape{1, 4, 7, 6}));
  EXPECT_EQ(g->name, "conv_group_dilation");
}

TEST(CaffeNet, InputFromLegacyInputDimReadsBatchAsOne) {
  Diagnostics d;
  Result<Graph> g = loadCaffe(caffeFixture("bn_scale_inplace/net.prototxt"), "", &d);
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  EXPECT_EQ(inputShape(*g), (Shape{1, 3, 4, 4}));
  EXPECT_TRUE(hasDiagnostic(d, Severity::Info, "batch 10 is read as 1"));
}

TEST(CaffeNet, InputFromInputLayer) {
  Result<Graph> g = loadCaffe(caffeFixture("pool_ceil/net.prototxt"), "");
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  EXPECT_EQ(inputShape(*g), (Shape{1, 2, 6, 6}));
  EXPECT_EQ(g->values[g->inputs[0]].name, "data");
}

TEST(CaffeNet, InputFromImportOptionsAndItsAbsence) {
  const std::string dir = caffeFixture("input_options");
  const std::string model = caffeTempDir() + "/input_options_net.caffemodel";
  writeCaffemodel(dir, model);
  Result<Graph> g = loadCaffe(dir + "/net.prototxt", model, nullptr, {1, 5, 2, 2});
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  EXPECT_EQ(inputShape(*g), (Shape{1, 5, 2, 2}));
  Result<Graph> none = loadCaffe(dir + "/net.prototxt", model);
  ASSERT_FALSE(none.isOk());
  EXPECT_NE(none.status().message().find("input 'data' has no shape"), std::string::npos) << none.status().message();
  // The options also override a shape the file declares.
  Result<Graph> over = loadCaffe(caffeFixture("pool_ceil/net.prototxt"), "", nullptr, {1, 2, 9, 9});
  ASSERT_TRUE(over.isOk()) << over.status().toString();
  EXPECT_EQ(inputShape(*over), (Shape{1, 2, 9, 9}));
}

TEST(CaffeNet, InPlaceLayersBecomeSsaAndTheLastWriteKeepsTheName) {
  Result<Graph> g = loadCaffe(caffeFixture("bn_scale_inplace/net.prototxt"), "");
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  const struct {
    const char* value;
    const char* producer;
  } expected[] = {{"conv1@conv1", "conv1"}, {"conv1@conv1/bn", "conv1/bn"}, {"conv1@conv1/scale", "conv1/scale"}, {"conv1", "conv1/relu"}};
  for (const auto& e : expected) {
    const int v = g->findValue(e.value);
    ASSERT_GE(v, 0) << e.value;
    ASSERT_GE(g->values[v].producer, 0);
    EXPECT_EQ(g->nodes[g->values[v].producer].name, e.producer) << e.value;
  }
  const int bn = g->findNode("conv1/bn");
  ASSERT_GE(bn, 0);
  EXPECT_EQ(g->nodes[bn].kind, OpKind::BatchNorm);
  EXPECT_EQ(g->nodes[bn].source_type, "BatchNorm");
  EXPECT_EQ(g->values[g->nodes[bn].inputs[0]].name, "conv1@conv1");
}

TEST(CaffeNet, TrainValFollowsTestPhaseRules) {
  const std::string dir = caffeFixture("train_val");
  const std::string model = caffeTempDir() + "/train_val.caffemodel";
  writeCaffemodel(dir, model);
  Diagnostics d;
  Result<Graph> g = loadCaffe(dir + "/net.prototxt", model, &d);
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  std::vector<std::string> names;
  for (const Node& n : g->nodes) names.push_back(n.name);
  EXPECT_EQ(names, (std::vector<std::string>{"data", "conv", "relu"}));
  EXPECT_EQ(inputShape(*g), (Shape{1, 3, 2, 2}));
  ASSERT_EQ(g->outputs.size(), 1u);
  EXPECT_EQ(g->values[g->outputs[0]].name, "conv");
  EXPECT_TRUE(hasDiagnostic(d, Severity::Info, "layer 'acc' (Accuracy): skipped"));
  EXPECT_TRUE(hasDiagnostic(d, Severity::Info, "layer 'loss' (SoftmaxWithLoss): skipped"));
  EXPECT_TRUE(hasDiagnostic(d, Severity::Warning, "data_param"));  // a field we do not read
}

TEST(CaffeNet, GeneratedWeightsWithoutCaffemodel) {
  Diagnostics d;
  Result<Graph> g = loadCaffe(caffeFixture("bn_scale_inplace/net.prototxt"), "", &d);
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  EXPECT_TRUE(hasDiagnostic(d, Severity::Info, "no caffemodel; weights were generated"));
  RunResult r = runGraph(*g, {patternInput(inputShape(*g))}, true);
  ASSERT_TRUE(r.status.isOk()) << r.status.toString();
  ASSERT_EQ(r.outputs.size(), 1u);
  double sq = 0;
  for (int64_t i = 0; i < r.outputs[0].numel(); ++i) {
    ASSERT_TRUE(std::isfinite(r.outputs[0].f32()[i]));
    sq += double(r.outputs[0].f32()[i]) * r.outputs[0].f32()[i];
  }
  EXPECT_GT(sq, 0.0);
}

// protobuf refuses messages over 64 MiB unless the reader raises its limit; vgg16's caffemodel
// is 528 MiB.
TEST(CaffeNet, CaffemodelAbove64MiBLoads) {
  const std::string proto = caffeTempDir() + "/big.prototxt";
  writeFile(proto,
            "input: \"data\"\ninput_shape { dim: 1 dim: 4096 }\n"
            "layer { name: \"fc\" type: \"InnerProduct\" bottom: \"data\" top: \"fc\" inner_product_param { num_output: 4500 bias_term: false } }\n");
  caffepb::NetParameter net;
  caffepb::LayerParameter* fc = net.add_layer();
  fc->set_name("fc");
  caffepb::BlobProto* w = fc->add_blobs();
  w->mutable_shape()->add_dim(4500);
  w->mutable_shape()->add_dim(4096);
  const int64_t n = int64_t{4500} * 4096;
  w->mutable_data()->Resize(static_cast<int>(n), 0.f);
  w->set_data(static_cast<int>(n - 1), 7.5f);
  w->set_data(4096 + 3, -2.f);  // row 1, column 3
  std::string bytes;
  ASSERT_TRUE(net.SerializeToString(&bytes));
  ASSERT_GT(bytes.size(), size_t{64} << 20);
  const std::string model = caffeTempDir() + "/big.caffemodel";
  writeFile(model, bytes);
  bytes.clear();
  Result<Graph> g = loadCaffe(proto, model);
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  const Node& node = g->nodes[g->findNode("fc")];
  ASSERT_EQ(node.weights.at(0).shape(), (Shape{4500, 4096}));
  EXPECT_EQ(node.weights[0].f32()[n - 1], 7.5f);
  EXPECT_EQ(node.weights[0].f32()[4096 + 3], -2.f);
  std::filesystem::remove(model);
}

std::vector<std::pair<std::string, Shape>> readShapes(const std::string& path) {
  std::vector<std::pair<std::string, Shape>> out;
  std::istringstream in(readFile(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream l(line);
    std::string name;
    l >> name;
    Shape s;
    for (int64_t d; l >> d;) s.push_back(d);
    out.emplace_back(name, s);
  }
  return out;
}

TEST(CaffeNet, LayerZooShapesFollowCaffeRules) {
  Diagnostics d;
  Result<Graph> g = loadCaffe(caffeFixture("zoo/net.prototxt"), "", &d);
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  const auto shapes = readShapes(caffeFixture("zoo/expected_shapes.txt"));
  ASSERT_GT(shapes.size(), 20u);
  for (const auto& [name, shape] : shapes) {
    const int v = g->findValue(name);
    ASSERT_GE(v, 0) << name;
    EXPECT_EQ(g->values[v].shape, shape) << name;
  }
  for (bool reference : {true, false}) {
    RunResult r = runGraph(*g, {patternInput(inputShape(*g))}, reference);
    ASSERT_TRUE(r.status.isOk()) << r.status.toString();
    for (size_t v = 0; v < r.values.size(); ++v)
      for (int64_t i = 0; i < r.values[v].numel(); ++i)
        ASSERT_TRUE(std::isfinite(r.values[v].f32()[i])) << g->values[v].name << " [" << i << "]";
    // Scale with a second bottom [1, 6] at axis 0... multiplies channel c by gapflat[c].
    const Tensor& conv = r.values[g->findValue("conv")];
    const Tensor& gap = r.values[g->findValue("gapflat")];
    const Tensor& se = r.values[g->findValue("se")];
    std::vector<float> expected(static_cast<size_t>(conv.numel()));
    for (int64_t i = 0; i < conv.numel(); ++i) expected[i] = conv.f32()[i] * gap.f32()[i / 64];
    EXPECT_LE(maxRelError(se, expected), 1e-6);
    // Caffe's prior order for min 4, max 8, ratio 2 (flip): 4x4, sqrt(32) square, then ratio 2 and 1/2.
    const Tensor& pb = r.values[g->findValue("priorbox")];
    const float* b = pb.f32();  // first cell, centre (1, 1) in a 16 x 16 image
    const float side = std::sqrt(32.f), w2 = 4.f * std::sqrt(2.f), h2 = 4.f / std::sqrt(2.f);
    const float want[] = {-1.f, -1.f, 3.f, 3.f, 1 - side / 2, 1 - side / 2, 1 + side / 2, 1 + side / 2,
                          1 - w2 / 2, 1 - h2 / 2, 1 + w2 / 2, 1 + h2 / 2, 1 - h2 / 2, 1 - w2 / 2, 1 + h2 / 2, 1 + w2 / 2};
    for (int i = 0; i < 16; ++i) EXPECT_NEAR(b[i], want[i] / 16.f, 1e-6) << "prior coordinate " << i;
    EXPECT_NEAR(b[1024 + 2], 0.2f, 1e-7);  // variances follow the boxes
  }
}

}  // namespace
}  // namespace eqw::test
