// Hand-made networks with real .bin files (tests/data/ncnn/good, written by make_fixtures.py):
// every weight encoding decodes to the values the generator wrote, the int8 scale blobs land in
// the nodes, and the FP32 output equals PyTorch's for the same network.
#include <eqw/io.h>
#include <eqw/runtime.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "ncnn_test_util.h"

namespace eqw {
namespace {

std::string good(const std::string& name) { return test::ncnnFixtureDir() + "/good/" + name; }

Graph loadOrFail(const std::string& path, Diagnostics* diags = nullptr, const ImportOptions& options = {}) {
  Result<Graph> g = loadModel(path, options, diags);
  EXPECT_TRUE(g.isOk()) << g.status().toString();
  return g ? std::move(g.value()) : Graph{};
}

void expectTensor(const Tensor& t, const test::ExpectedEntry& e, double tol, const std::string& what) {
  ASSERT_EQ(toString(t.shape()), toString(e.shape)) << what;
  ASSERT_EQ(static_cast<size_t>(t.numel()), e.values.size()) << what;
  for (size_t i = 0; i < e.values.size(); ++i) ASSERT_NEAR(t.f32()[i], e.values[i], tol) << what << " [" << i << "]";
}

void expectWeights(const Graph& g, const std::vector<test::ExpectedEntry>& expected) {
  int checked = 0;
  for (const test::ExpectedEntry& e : expected) {
    if (e.kind != "weight") continue;
    const int n = g.findNode(e.keys[0]);
    ASSERT_GE(n, 0) << e.keys[0];
    const size_t i = std::stoul(e.keys[1]);
    ASSERT_LT(i, g.nodes[n].weights.size()) << e.keys[0];
    expectTensor(g.nodes[n].weights[i], e, 1e-6, e.keys[0] + " weight " + e.keys[1]);
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

void expectQuant(const Graph& g, const std::vector<test::ExpectedEntry>& expected) {
  for (const test::ExpectedEntry& e : expected) {
    if (e.kind != "quant") continue;
    const int n = g.findNode(e.keys[0]);
    ASSERT_GE(n, 0) << e.keys[0];
    const ImportedQuant& q = g.nodes[n].imported_quant;
    if (e.keys[1] == "weight_scales") {
      ASSERT_EQ(q.weight_scales.size(), e.values.size()) << e.keys[0];
      for (size_t i = 0; i < e.values.size(); ++i) EXPECT_FLOAT_EQ(q.weight_scales[i], e.values[i]) << e.keys[0];
    } else if (e.keys[1] == "input_scale") {
      EXPECT_FLOAT_EQ(q.input_scale, e.values[0]) << e.keys[0];
    } else {
      EXPECT_FLOAT_EQ(q.output_scale, e.values[0]) << e.keys[0];
    }
  }
}

// Runs the graph on the .expected.txt input with the reference kernels and compares every
// `output` / `value` entry to PyTorch's float64 result.
void expectRunMatches(const Graph& g, const std::vector<test::ExpectedEntry>& expected) {
  const test::ExpectedEntry* in = nullptr;
  for (const auto& e : expected)
    if (e.kind == "input") in = &e;
  ASSERT_NE(in, nullptr);
  std::vector<float> x(in->values.begin(), in->values.end());
  ExecutorOptions opt;
  opt.reference = true;
  opt.keep_values = true;
  auto ex = Executor::create(g, opt);
  ASSERT_TRUE(ex.isOk()) << ex.status().toString();
  ASSERT_TRUE((*ex)->run({Tensor::fromVector(in->shape, x)}).isOk());
  int compared = 0;
  for (const auto& e : expected) {
    if (e.kind != "output" && e.kind != "value") continue;
    const int v = g.findValue(e.keys[0]);
    ASSERT_GE(v, 0) << e.keys[0];
    expectTensor((*ex)->value(v), e, 1e-4, "blob " + e.keys[0]);
    ++compared;
  }
  EXPECT_GT(compared, 0);
}

TEST(NcnnFixtures, TinyDecodesEveryWeightEncoding) {
  Diagnostics diags;
  Graph g = loadOrFail(good("tiny.param"), &diags);
  ASSERT_FALSE(g.nodes.empty());
  const auto expected = test::readExpected(good("tiny.expected.txt"));
  expectWeights(g, expected);  // f32 tag 0, table + indices, f16, int8, raw
  expectQuant(g, expected);
  // The int8-stored fc weights are flagged, naming the layer; nothing says "generated".
  bool int8Note = false;
  for (const Diagnostic& d : diags) {
    EXPECT_EQ(d.message.find("generated"), std::string::npos) << d.message;
    if (d.message.find("'fc'") != std::string::npos && d.message.find("int8") != std::string::npos) int8Note = true;
  }
  EXPECT_TRUE(int8Note);
}

TEST(NcnnFixtures, TinyParamsMapToOps) {
  Graph g = loadOrFail(good("tiny.param"));
  ASSERT_EQ(g.nodes.size(), 10u);
  const Node& dw = g.nodes[g.findNode("dw")];
  EXPECT_EQ(dw.kind, OpKind::Convolution);
  EXPECT_EQ(dw.p<ConvParams>().group, 3);
  EXPECT_EQ(dw.p<ConvParams>().act.kind, ActKind::LeakyReLU);  // 9=2 with the -23310 array
  EXPECT_FLOAT_EQ(dw.p<ConvParams>().act.a, 0.1f);
  const Node& elt = g.nodes[g.findNode("elt")];
  ASSERT_EQ(elt.p<EltwiseParams>().coeffs.size(), 2u);
  EXPECT_FLOAT_EQ(elt.p<EltwiseParams>().coeffs[1], -0.5f);
  EXPECT_FLOAT_EQ(g.nodes[g.findNode("bn")].p<BatchNormParams>().eps, 1e-3f);
  const Node& pool = g.nodes[g.findNode("pool")];
  EXPECT_TRUE(pool.p<PoolParams>().global);
  EXPECT_FALSE(pool.p<PoolParams>().keep_dims);
  EXPECT_EQ(toString(g.values[g.findValue("p")].shape), "[1, 3]");
  EXPECT_EQ(toString(g.values[g.findValue("d")].shape), "[1, 3, 2, 2]");
  ASSERT_EQ(g.outputs.size(), 1u);
  EXPECT_EQ(g.values[g.outputs[0]].name, "out");
  ASSERT_EQ(g.inputs.size(), 1u);
  EXPECT_EQ(toString(g.values[g.inputs[0]].shape), "[1, 2, 4, 4]");
}

TEST(NcnnFixtures, TinyOutputMatchesPyTorch) {
  Graph g = loadOrFail(good("tiny.param"));
  ASSERT_FALSE(g.nodes.empty());
  expectRunMatches(g, test::readExpected(good("tiny.expected.txt")));
}

TEST(NcnnFixtures, Int8ScaleBlobsAreKept) {
  Graph g = loadOrFail(good("int8.param"));
  ASSERT_FALSE(g.nodes.empty());
  const auto expected = test::readExpected(good("int8.expected.txt"));
  expectWeights(g, expected);  // int8 values kept as integers; dw2 has float32 (0x0002C056) weights
  expectQuant(g, expected);    // 8=102, 8=101, and 8=2's single scale repeated per group
  EXPECT_FLOAT_EQ(g.nodes[g.findNode("dw2")].imported_quant.output_scale, 0.f);  // no fused requantize
}

TEST(NcnnFixtures, DeconvolutionLayoutAndOutputMatchPyTorch) {
  Graph g = loadOrFail(good("deconv.param"));
  ASSERT_FALSE(g.nodes.empty());
  const auto expected = test::readExpected(good("deconv.expected.txt"));
  expectWeights(g, expected);
  const Node& up = g.nodes[g.findNode("up")];
  EXPECT_EQ(up.p<ConvParams>().output_pad_w, 1);
  EXPECT_EQ(up.p<ConvParams>().output_pad_h, 1);
  EXPECT_EQ(g.nodes[g.findNode("dwup")].p<ConvParams>().group, 2);
  expectRunMatches(g, expected);
}

// Parameter-only layers in a chain: every intermediate blob named in the oracle is compared.
TEST(NcnnFixtures, LayerZooMatchesPyTorch) {
  Diagnostics diags;
  Graph g = loadOrFail(good("layers.param"), &diags);
  ASSERT_FALSE(g.nodes.empty());
  for (const Diagnostic& d : diags) EXPECT_NE(d.severity, Severity::Warning) << d.message;
  const auto expected = test::readExpected(good("layers.expected.txt"));
  for (const auto& e : expected)
    if (e.kind != "input") {
      const int v = g.findValue(e.keys[0]);
      ASSERT_GE(v, 0);
      EXPECT_EQ(toString(g.values[v].shape), toString(e.shape)) << e.keys[0];
    }
  expectRunMatches(g, expected);
}

TEST(NcnnFixtures, ExplicitWeightsPath) {
  ImportOptions opt;
  opt.weights_path = good("tiny.bin");
  Graph g = loadOrFail(good("tiny.param"), nullptr, opt);
  ASSERT_FALSE(g.nodes.empty());
  expectWeights(g, test::readExpected(good("tiny.expected.txt")));

  opt.weights_path = good("no_such_file.bin");
  Result<Graph> missing = loadModel(good("tiny.param"), opt);
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().code(), StatusCode::NotFound);
  EXPECT_NE(missing.status().message().find("no_such_file.bin"), std::string::npos);
}

TEST(NcnnFixtures, InputShapeOption) {
  ImportOptions opt;
  opt.input_shape = {1, 2, 8, 6};
  Graph g = loadOrFail(good("tiny.param"), nullptr, opt);
  ASSERT_FALSE(g.nodes.empty());
  EXPECT_EQ(toString(g.values[g.findValue("c1")].shape), "[1, 3, 8, 6]");
}

// Without a .bin the same network gets seeded weights: the same seed reproduces them, another
// seed changes them, and an Info diagnostic says so.
TEST(NcnnFixtures, GeneratedWeightsAreSeeded) {
  const auto dir = std::filesystem::path(EQW_BINARY_DIR) / "ncnn_generated";
  std::filesystem::create_directories(dir);
  const auto param = dir / "tiny_nobin.param";
  std::filesystem::copy_file(good("tiny.param"), param, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::remove(dir / "tiny_nobin.bin");

  Diagnostics diags;
  Graph a = loadOrFail(param.string(), &diags);
  Graph b = loadOrFail(param.string());
  ImportOptions other;
  other.generate_seed = 12345;
  Graph c = loadOrFail(param.string(), nullptr, other);
  ASSERT_FALSE(a.nodes.empty());
  ASSERT_FALSE(c.nodes.empty());
  bool info = false;
  for (const Diagnostic& d : diags) info |= d.severity == Severity::Info && d.message.find("generated") != std::string::npos;
  EXPECT_TRUE(info);
  const Tensor& wa = a.nodes[a.findNode("conv1")].weights[0];
  const Tensor& wb = b.nodes[b.findNode("conv1")].weights[0];
  const Tensor& wc = c.nodes[c.findNode("conv1")].weights[0];
  ASSERT_EQ(wa.numel(), 54);
  int differ = 0;
  for (int64_t i = 0; i < wa.numel(); ++i) {
    EXPECT_EQ(wa.f32()[i], wb.f32()[i]);
    differ += wa.f32()[i] != wc.f32()[i];
  }
  EXPECT_GT(differ, 50);
  // No .bin: the int8 scales of fc are unknown and left empty.
  EXPECT_TRUE(a.nodes[a.findNode("fc")].imported_quant.weight_scales.empty());
}

}  // namespace
}  // namespace eqw
