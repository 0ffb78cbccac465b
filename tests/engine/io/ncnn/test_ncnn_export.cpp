// ncnn export round trip: a graph exported as .param/.bin and imported again has the same
// layer and blob names, the same weights bit for bit, and runs to bit-identical outputs.
// Ops ncnn cannot express and unwritable paths are clear errors.
#include <eqw/export.h>
#include <eqw/io.h>
#include <eqw/runtime.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <unistd.h>

#include "ncnn_test_util.h"

namespace eqw {
namespace {

namespace fs = std::filesystem;

const char* const kModels[] = {
    "efficientnet_b0", "googlenet",    "googlenet_int8",     "mnasnet",       "mobilenet",        "mobilenet_int8",
    "mobilenet_ssd",   "mobilenet_ssd_int8", "mobilenet_v2", "mobilenet_v3", "resnet18",          "resnet18_int8",
    "resnet50",        "resnet50_int8", "shufflenet_v2",     "squeezenet",    "squeezenet_int8",  "squeezenet_ssd",
    "squeezenet_ssd_int8", "vgg16",     "vgg16_int8"};

// A scratch folder removed when the test ends, also when an assertion stops it early (vgg16's
// round trip writes about 800 MB).
struct TempDir {
  explicit TempDir(const std::string& tag)
      : path((fs::temp_directory_path() / ("eqw_ncnn_export_" + std::to_string(::getpid()) + "_" + tag)).string()) {
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string path;
};

std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<Tensor> randomInputs(const Graph& g, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.f, 1.f);
  std::vector<Tensor> in;
  for (int v : g.inputs) {
    Tensor t(g.values[v].shape);
    for (int64_t i = 0; i < t.numel(); ++i) t.f32()[i] = dist(rng);
    in.push_back(std::move(t));
  }
  return in;
}

std::vector<Tensor> runOnce(const Graph& g, const std::vector<Tensor>& in) {
  ExecutorOptions opt;
  opt.threads = 1;
  auto ex = Executor::create(g, opt);
  EXPECT_TRUE(ex.isOk()) << ex.status().toString();
  if (!ex.isOk()) return {};
  Status s = (*ex)->run(in);
  EXPECT_TRUE(s.isOk()) << s.toString();
  std::vector<Tensor> out;
  for (size_t i = 0; i < (*ex)->outputCount(); ++i) out.push_back((*ex)->output(i));
  return out;
}

void expectSameOutputs(const Graph& a, const Graph& b) {
  std::vector<Tensor> in = randomInputs(a, 1234);
  std::vector<Tensor> outA = runOnce(a, in), outB = runOnce(b, in);
  ASSERT_EQ(outA.size(), a.outputs.size());
  ASSERT_EQ(outA.size(), outB.size());
  for (size_t i = 0; i < outA.size(); ++i) {
    EXPECT_EQ(a.values[a.outputs[i]].name, b.values[b.outputs[i]].name);
    ASSERT_EQ(outA[i].shape(), outB[i].shape()) << "output " << i;
    EXPECT_EQ(0, std::memcmp(outA[i].f32(), outB[i].f32(), outA[i].bytes())) << "output " << a.values[a.outputs[i]].name << " differs";
  }
}

void expectSameStructure(const Graph& a, const Graph& b) {
  ASSERT_EQ(a.nodes.size(), b.nodes.size());
  ASSERT_EQ(a.values.size(), b.values.size());
  for (size_t v = 0; v < a.values.size(); ++v) {
    EXPECT_EQ(a.values[v].name, b.values[v].name);
    EXPECT_EQ(a.values[v].shape, b.values[v].shape) << a.values[v].name;
  }
  for (size_t n = 0; n < a.nodes.size(); ++n) {
    const Node& x = a.nodes[n];
    const Node& y = b.nodes[n];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.kind, y.kind) << x.name;
    EXPECT_EQ(x.inputs, y.inputs) << x.name;
    EXPECT_EQ(x.outputs, y.outputs) << x.name;
    ASSERT_EQ(x.weights.size(), y.weights.size()) << x.name;
    for (size_t w = 0; w < x.weights.size(); ++w) {
      ASSERT_EQ(x.weights[w].shape(), y.weights[w].shape()) << x.name << " weight " << w;
      EXPECT_EQ(0, std::memcmp(x.weights[w].f32(), y.weights[w].f32(), x.weights[w].bytes())) << x.name << " weight " << w;
    }
  }
}

class NcnnExportBench : public ::testing::TestWithParam<const char*> {};

TEST_P(NcnnExportBench, RoundTripIsBitIdentical) {
  if (test::ncnnBenchDir().empty()) GTEST_SKIP() << "shared models absent (" << EQW_SHARED_DIR << "/models/ncnn-bench)";
  Result<Graph> g = loadModel(test::ncnnBenchDir() + "/" + GetParam() + ".param");
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  const TempDir scratch(GetParam());
  const std::string& dir = scratch.path;
  const std::string param = dir + "/model.param", bin = dir + "/model.bin";
  Status s = exportNcnn(*g, param, bin);
  ASSERT_TRUE(s.isOk()) << s.toString();

  Diagnostics diags;
  Result<Graph> back = loadModel(param, {}, &diags);
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  for (const Diagnostic& d : diags) EXPECT_NE(d.severity, Severity::Warning) << d.message;  // e.g. trailing .bin bytes
  expectSameStructure(*g, *back);
  expectSameOutputs(*g, *back);

  // Exporting the re-imported graph writes the same files: the format is a fixed point.
  ASSERT_TRUE(exportNcnn(*back, dir + "/again.param", dir + "/again.bin").isOk());
  EXPECT_EQ(readBytes(param), readBytes(dir + "/again.param"));
  EXPECT_TRUE(readBytes(bin) == readBytes(dir + "/again.bin"));
}

INSTANTIATE_TEST_SUITE_P(Models, NcnnExportBench, ::testing::ValuesIn(kModels));

TEST(NcnnExport, OnnxSampleRoundTrip) {
  const std::string onnx = std::string(EQW_SOURCE_DIR) + "/samples/fashion-mnist/model.onnx";
  if (!fs::exists(onnx)) GTEST_SKIP() << onnx << " absent";
  Result<Graph> g = loadModel(onnx);
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  const TempDir scratch("onnx");
  const std::string& dir = scratch.path;
  Status s = exportNcnn(*g, dir + "/m.param", dir + "/m.bin");
  ASSERT_TRUE(s.isOk()) << s.toString();
  Result<Graph> back = loadModel(dir + "/m.param");
  ASSERT_TRUE(back.isOk()) << back.status().toString() << "\n" << readBytes(dir + "/m.param");
  ASSERT_EQ(g->inputs.size(), back->inputs.size());
  EXPECT_EQ(g->values[g->inputs[0]].shape, back->values[back->inputs[0]].shape);
  expectSameOutputs(*g, *back);
}

// x -> relu a, relu b (both read x) -> sum: x needs an ncnn Split.
Graph fanOutGraph() {
  Graph g;
  g.name = "fanout";
  const int x = g.addValue("x", {1, 2, 3, 3});
  g.inputs = {x};
  const int a = g.addValue("a"), b = g.addValue("b"), y = g.addValue("y");
  Node r1;
  r1.name = "relu a";  // whitespace: exported as relu_a
  r1.kind = OpKind::Activation;
  r1.params = ActivationParams{Activation{ActKind::ReLU}};
  r1.inputs = {x};
  r1.outputs = {a};
  Node r2 = r1;
  r2.name = "leaky";
  r2.params = ActivationParams{Activation{ActKind::LeakyReLU, 0.1f}};
  r2.outputs = {b};
  Node sum;
  sum.name = "sum";
  sum.kind = OpKind::Eltwise;
  sum.params = EltwiseParams{EltwiseOp::Sum, {0.5f, 2.f}};
  sum.inputs = {a, b};
  sum.outputs = {y};
  g.addNode(r1);
  g.addNode(r2);
  g.addNode(sum);
  g.outputs = {y};
  return g;
}

TEST(NcnnExport, SharedValueGetsSplit) {
  Graph g = fanOutGraph();
  ASSERT_TRUE(g.validate().isOk());
  ASSERT_TRUE(g.inferShapes().isOk());
  const TempDir scratch("fanout");
  const std::string& dir = scratch.path;
  ASSERT_TRUE(exportNcnn(g, dir + "/f.param", dir + "/f.bin").isOk());
  const std::string text = readBytes(dir + "/f.param");
  EXPECT_NE(text.find("Split splitncnn_0 1 2 x x_splitncnn_0 x_splitncnn_1"), std::string::npos) << text;
  EXPECT_NE(text.find("ReLU relu_a 1 1 x_splitncnn_0 a"), std::string::npos) << text;
  EXPECT_NE(text.find("-23301=2,0.5,2.0"), std::string::npos) << text;
  Result<Graph> back = loadModel(dir + "/f.param");
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_EQ(back->nodes.size(), g.nodes.size() + 2);  // + Input, + Split
  expectSameOutputs(g, *back);
}

// Grouped deconvolution: our [in][out/g][kh][kw] weights go out in ncnn's per-group
// [out/g][in/g][kh][kw] order and come back unchanged.
TEST(NcnnExport, GroupedDeconvolutionWeightsRoundTrip) {
  Graph g;
  const int x = g.addValue("x", {1, 4, 5, 5});
  g.inputs = {x};
  const int y = g.addValue("y");
  Node d;
  d.name = "deconv";
  d.kind = OpKind::Deconvolution;
  ConvParams p;
  p.num_output = 6;
  p.kernel_h = 3;
  p.kernel_w = 2;
  p.stride_h = p.stride_w = 2;
  p.pads = Pads2d{1, 0, 1, 1};
  p.group = 2;
  p.bias = true;
  p.output_pad_h = 1;
  p.act = Activation{ActKind::LeakyReLU, 0.25f};
  d.params = p;
  d.weights = {Tensor({4, 3, 3, 2}), Tensor({6})};
  for (int64_t i = 0; i < d.weights[0].numel(); ++i) d.weights[0].f32()[i] = 0.01f * static_cast<float>(i) - 0.3f;
  for (int64_t i = 0; i < 6; ++i) d.weights[1].f32()[i] = 0.1f * static_cast<float>(i);
  d.inputs = {x};
  d.outputs = {y};
  g.addNode(d);
  g.outputs = {y};
  ASSERT_TRUE(g.validate().isOk());
  ASSERT_TRUE(g.inferShapes().isOk());
  const TempDir scratch("deconv");
  const std::string& dir = scratch.path;
  ASSERT_TRUE(exportNcnn(g, dir + "/d.param", dir + "/d.bin").isOk());
  Result<Graph> back = loadModel(dir + "/d.param");
  ASSERT_TRUE(back.isOk()) << back.status().toString() << "\n" << readBytes(dir + "/d.param");
  const int n = back->findNode("deconv");
  ASSERT_GE(n, 0);
  const Node& b = back->nodes[n];
  EXPECT_EQ(b.p<ConvParams>().group, 2);
  EXPECT_EQ(b.p<ConvParams>().act, p.act);
  ASSERT_EQ(b.weights.size(), 2u);
  ASSERT_EQ(b.weights[0].shape(), d.weights[0].shape());
  EXPECT_EQ(0, std::memcmp(b.weights[0].f32(), d.weights[0].f32(), d.weights[0].bytes()));
  EXPECT_EQ(0, std::memcmp(b.weights[1].f32(), d.weights[1].f32(), d.weights[1].bytes()));
  // ncnn order in the file: group 0, output 1, input 0 is our weight[0][1][..].
  const std::string bin = readBytes(dir + "/d.bin");
  ASSERT_EQ(bin.size(), 4 + (72 + 6) * sizeof(float));
  float v = 0;
  std::memcpy(&v, bin.data() + 4 + 1 * 2 * 6 * sizeof(float), sizeof v);  // [g0][o1][i0][k0]
  EXPECT_EQ(v, d.weights[0].f32()[1 * 6]);                                 // ours [i0][o1][k0]
  expectSameOutputs(g, *back);
}

TEST(NcnnExport, OpWithoutNcnnFormIsUnsupportedNamingTheNode) {
  Graph g;
  const int x = g.addValue("x", {1, 2, 3, 3});
  g.inputs = {x};
  const int y = g.addValue("y");
  Node r;
  r.name = "my_reduce";
  r.kind = OpKind::Reduce;
  r.params = ReduceParams{ReduceOp::Mean, {2, 3}, true};
  r.inputs = {x};
  r.outputs = {y};
  g.addNode(r);
  g.outputs = {y};
  ASSERT_TRUE(g.validate().isOk());
  ASSERT_TRUE(g.inferShapes().isOk());
  const TempDir scratch("unsupported");
  const std::string& dir = scratch.path;
  Status s = exportNcnn(g, dir + "/u.param", dir + "/u.bin");
  EXPECT_EQ(s.code(), StatusCode::Unsupported) << s.toString();
  EXPECT_NE(s.message().find("my_reduce"), std::string::npos) << s.message();
}

TEST(NcnnExport, UnwritablePathIsIoErrorNamingIt) {
  Graph g = fanOutGraph();
  ASSERT_TRUE(g.validate().isOk());
  ASSERT_TRUE(g.inferShapes().isOk());
  const TempDir scratch("badpath");
  const std::string& dir = scratch.path;
  const std::string missing = dir + "/no/such/dir";
  Status s = exportNcnn(g, missing + "/m.param", missing + "/m.bin");
  EXPECT_EQ(s.code(), StatusCode::IoError) << s.toString();
  EXPECT_NE(s.message().find(missing), std::string::npos) << s.message();
  // A directory where the .param should go: the .bin is written, the .param cannot be.
  fs::create_directories(dir + "/taken.param");
  s = exportNcnn(g, dir + "/taken.param", dir + "/ok.bin");
  EXPECT_EQ(s.code(), StatusCode::IoError) << s.toString();
  EXPECT_NE(s.message().find(dir + "/taken.param"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace eqw
