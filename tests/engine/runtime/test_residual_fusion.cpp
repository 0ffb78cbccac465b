// Residual fusion (ExecutorOptions::fuse_residual): an integer convolution followed by an Eltwise
// sum (and a ReLU) runs as one kernel. A hand-built graph checks which patterns fuse and which
// must not (a conv output that is a graph output or has two readers, a shortcut computed after the
// conv, a sum that is a graph output keeps its ReLU), with negatives, zeros, -0.0f and NaN in the
// shortcut; whole generated networks (resnet50, mobilenet_v2) check the count. Every case
// compares the outputs bit for bit with the unfused run at every ISA level this CPU runs.
#include <eqw/bench.h>
#include <eqw/integer.h>
#include <eqw/io.h>
#include <eqw/passes.h>
#include <eqw/runtime.h>

#include <gtest/gtest.h>

#include "hand_graph.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <random>

namespace eqw {
namespace {

constexpr int kChannels = 8;

// A kxk convolution (pad k / 2) from `in` to a new value `out`, quantized on an INT8 grid.
void addConv(Graph& g, const std::string& name, const std::string& in, const std::string& out, int k, std::mt19937& rng,
             ActKind act = ActKind::None) {
  std::normal_distribution<float> dist(0.f, 0.4f);
  Node n;
  n.name = name;
  n.kind = OpKind::Convolution;
  ConvParams p;
  p.num_output = kChannels;
  p.kernel_h = p.kernel_w = k;
  p.pads = {k / 2, k / 2, k / 2, k / 2};
  p.bias = true;
  p.act.kind = act;
  n.params = p;
  Tensor w({kChannels, kChannels, k, k}), b({kChannels});
  for (int64_t i = 0; i < w.numel(); ++i) w.f32()[i] = dist(rng);
  for (int64_t i = 0; i < b.numel(); ++i) b.f32()[i] = dist(rng);
  b.f32()[1] = -0.f;
  n.weights = {w, b};
  n.inputs = {g.findValue(in)};
  n.outputs = {g.addValue(out)};
  n.quant.bits = 8;
  n.quant.input_scale = 127.f / 3.f;
  n.quant.weight_qmax = 127;
  n.quant.weight_scales.assign(kChannels, 127.f / 1.2f);
  g.addNode(std::move(n));
}

using runtimetest::addRelu;

void addSum(Graph& g, const std::string& name, const std::string& a, const std::string& b, const std::string& out,
            std::vector<float> coeffs = {}) {
  Node n;
  n.name = name;
  n.kind = OpKind::Eltwise;
  EltwiseParams p;
  p.op = EltwiseOp::Sum;
  p.coeffs = std::move(coeffs);
  n.params = p;
  n.inputs = {g.findValue(a), g.findValue(b)};
  n.outputs = {g.addValue(out)};
  g.addNode(std::move(n));
}

// 5 x 7 planes: 35 pixels, a full 32-pixel tile and a short one; 8 channels, a short row tile.
//   C1 -> E1 (c1 + in) -> R1           fuses with its ReLU
//   C2 (ReLU) -> E2 (r1 + c2)           fuses, no ReLU after it (e2 is read by a conv)
//   C3 -> c3 graph output, E3           must not fuse
//   C4 -> c4 read by E4 and R4b         must not fuse
//   C5 -> E5 (coeffs 1, 1) -> R5        fuses; e5 is a graph output, so R5 runs on its own
//   C6, then R6a, E6 (c6 + r6a)         must not fuse: the shortcut comes after the conv
// A graph of input "in" and the first fused block C1 (3x3) -> E1 (c1 + in) -> R1 -> r1.
Graph fusedStem(const std::string& name, std::mt19937& rng) {
  Graph g;
  g.name = name;
  g.inputs = {g.addValue("in", {1, kChannels, 5, 7})};
  addConv(g, "C1", "in", "c1", 3, rng);
  addSum(g, "E1", "c1", "in", "e1");
  addRelu(g, "R1", "e1", "r1");
  return g;
}

Graph handBuilt() {
  std::mt19937 rng(11);
  Graph g = fusedStem("residual", rng);
  addConv(g, "C2", "r1", "c2", 1, rng, ActKind::ReLU);
  addSum(g, "E2", "r1", "c2", "e2");
  addConv(g, "C3", "e2", "c3", 3, rng);
  addSum(g, "E3", "c3", "e2", "e3");
  addConv(g, "C4", "e3", "c4", 1, rng);
  addSum(g, "E4", "c4", "e3", "e4");
  addRelu(g, "R4b", "c4", "r4b");
  addConv(g, "C5", "e4", "c5", 3, rng);
  addSum(g, "E5", "e4", "c5", "e5", {1.f, 1.f});
  addRelu(g, "R5", "e5", "r5");
  addConv(g, "C6", "r5", "c6", 1, rng);
  addRelu(g, "R6a", "r5", "r6a");
  addSum(g, "E6", "c6", "r6a", "e6");
  for (const char* o : {"c3", "r4b", "e5", "r5", "e6"}) g.outputs.push_back(g.findValue(o));
  EXPECT_TRUE(g.validate().isOk());
  EXPECT_TRUE(g.inferShapes().isOk());
  return g;
}

// Uniform [-3, 3] with exact zeros, -0.0f, values past the grid and a NaN sprinkled in.
Tensor specialInput(const Shape& shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-3.f, 3.f);
  Tensor t(shape);
  float* x = t.f32();
  for (int64_t i = 0; i < t.numel(); ++i) x[i] = u(rng);
  for (int64_t i = 0; i < t.numel(); i += 5) x[i] = -0.f;
  for (int64_t i = 2; i < t.numel(); i += 7) x[i] = 0.f;
  for (int64_t i = 3; i < t.numel(); i += 11) x[i] = -5.f;
  x[17] = std::numeric_limits<float>::quiet_NaN();
  return t;
}

// Tensor t as float bits (F32 outputs), for exact comparison.
std::vector<uint32_t> bitsOf(const Tensor& t) {
  std::vector<uint32_t> b(static_cast<size_t>(t.numel()));
  std::memcpy(b.data(), t.f32(), b.size() * sizeof(float));
  return b;
}

struct RunResult {
  std::vector<std::vector<uint32_t>> outputs;
  std::map<std::string, std::string> kernels;  // node name -> kernel name
  int fused = 0;                                // nodes whose kernel is "fused into ..."
  int twins = 0;                                // Executor::residualTwins
};

RunResult runGraph(const Graph& g, ExecutorOptions eo, bool fuse, const std::vector<Tensor>& inputs, bool twin = true) {
  eo.fuse_residual = fuse;
  eo.residual_twin = twin;
  RunResult r;
  auto exec = Executor::create(g, eo);
  EXPECT_TRUE(exec.isOk()) << exec.status().toString();
  if (!exec.isOk()) return r;
  r.twins = (*exec)->residualTwins();
  EXPECT_EQ(r.twins, residualTwinCount(g, eo)) << "the executor writes another number of twins than planned";
  Status s = (*exec)->run(inputs);
  EXPECT_TRUE(s.isOk()) << s.toString();
  for (size_t i = 0; i < (*exec)->outputCount(); ++i) {
    EXPECT_EQ((*exec)->output(i).dtype(), DType::F32);
    r.outputs.push_back(bitsOf((*exec)->output(i)));
  }
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    const std::string& k = (*exec)->kernelName(static_cast<int>(n));
    r.kernels[g.nodes[n].name] = k;
    r.fused += k.rfind("fused into ", 0) == 0;
  }
  return r;
}

// The ISA levels this CPU runs, each a cap for the executor.
std::vector<Isa> levels() {
  std::vector<Isa> out;
  for (Isa isa : {Isa::Avx512Vnni, Isa::AvxVnni, Isa::Avx2, Isa::Sse41, Isa::Scalar})
    if (isaSupported(isa)) out.push_back(isa);
  return out;
}

void expectSameBits(const RunResult& a, const RunResult& b, const std::string& what) {
  ASSERT_EQ(a.outputs.size(), b.outputs.size()) << what;
  for (size_t i = 0; i < a.outputs.size(); ++i) {
    ASSERT_EQ(a.outputs[i].size(), b.outputs[i].size()) << what;
    size_t diff = 0;
    while (diff < a.outputs[i].size() && a.outputs[i][diff] == b.outputs[i][diff]) ++diff;
    EXPECT_EQ(diff, a.outputs[i].size()) << what << ": output " << i << " differs first at element " << diff;
  }
}

TEST(ResidualFusion, HandBuiltGraphFusesOnlyTheSafePatternsAndStaysBitIdentical) {
  const Graph g = handBuilt();
  const std::vector<Tensor> input{specialInput(g.values[g.inputs[0]].shape, 7)};
  EXPECT_EQ(residualFusionCount(g, ExecutorOptions{}), 3);
  ExecutorOptions noFuse;
  noFuse.fuse_residual = false;
  EXPECT_EQ(residualFusionCount(g, noFuse), 0);
  ExecutorOptions keep;
  keep.keep_values = true;
  EXPECT_EQ(residualFusionCount(g, keep), 0);
  // r1 is read by C2 (itself fused) and e2 by C3, both integer layers: twins. e5 has no integer reader.
  EXPECT_EQ(residualTwinCount(g, ExecutorOptions{}), 2);
  ExecutorOptions noTwin;
  noTwin.residual_twin = false;
  EXPECT_EQ(residualTwinCount(g, noTwin), 0);
  EXPECT_EQ(residualTwinCount(g, keep), 0);
  for (bool reference : {false, true})
    for (Isa isa : reference ? std::vector<Isa>{Isa::Scalar} : levels())
      for (int threads : {1, 2}) {
        ExecutorOptions eo;
        eo.isa = isa;
        eo.reference = reference;
        eo.threads = threads;
        const std::string what = std::string(toString(isa)) + (reference ? " reference" : "") + " threads " + std::to_string(threads);
        const RunResult fused = runGraph(g, eo, true, input);
        const RunResult plain = runGraph(g, eo, false, input);
        const RunResult floatsOnly = runGraph(g, eo, true, input, false);
        expectSameBits(fused, plain, what);
        expectSameBits(floatsOnly, plain, what + " without twins");
        EXPECT_EQ(plain.fused, 0) << what;
        EXPECT_EQ(fused.fused, 4) << what;  // E1, R1, E2, E5
        EXPECT_EQ(fused.kernels.at("E1"), "fused into C1") << what;
        EXPECT_EQ(fused.kernels.at("R1"), "fused into C1") << what;
        EXPECT_EQ(fused.kernels.at("E2"), "fused into C2") << what;
        EXPECT_EQ(fused.kernels.at("E5"), "fused into C5") << what;
        for (const char* n : {"E3", "E4", "R4b", "R5", "E6", "R6a"})
          EXPECT_EQ(fused.kernels.at(n).rfind("fused", 0), std::string::npos) << what << ": " << n << " must not fuse";
        EXPECT_EQ(fused.kernels.at("C1"), plain.kernels.at("C1")) << what;
      }
}

// A fused output read by integer layers on two different grids gets no twin (each reads floats
// and quantizes them itself); read by two on one grid, it gets one, and both read it. Bit-identical
// either way.
TEST(ResidualFusion, TwinOnlyForReadersOnOneGrid) {
  for (bool sameGrid : {true, false}) {
    std::mt19937 rng(13);
    Graph g = fusedStem("twin", rng);
    addConv(g, "A", "r1", "a", 1, rng);
    addConv(g, "B", "r1", "b", 3, rng);
    g.outputs = {g.findValue("a"), g.findValue("b")};
    if (!sameGrid) g.nodes[static_cast<size_t>(g.findNode("B"))].quant.input_scale = 127.f / 2.f;
    ASSERT_TRUE(g.validate().isOk());
    ASSERT_TRUE(g.inferShapes().isOk());
    EXPECT_EQ(residualFusionCount(g, ExecutorOptions{}), 1);
    EXPECT_EQ(residualTwinCount(g, ExecutorOptions{}), sameGrid ? 1 : 0);
    const std::vector<Tensor> input{specialInput(g.values[g.inputs[0]].shape, 3)};
    for (Isa isa : levels()) {
      ExecutorOptions eo;
      eo.isa = isa;
      const std::string what = std::string(toString(isa)) + (sameGrid ? " one grid" : " two grids");
      expectSameBits(runGraph(g, eo, true, input), runGraph(g, eo, false, input), what);
    }
  }
}

// An independent check of the fused kernel: relu(conv + shortcut) summed here in float from the
// conv's own output (a run where the conv output is the graph output, so nothing fuses).
TEST(ResidualFusion, FusedConvolutionComputesReluOfConvPlusShortcut) {
  std::mt19937 rng(3);
  Graph g;
  g.name = "one";
  g.inputs = {g.addValue("in", {1, kChannels, 6, 6})};
  addConv(g, "C", "in", "c", 3, rng);
  addSum(g, "E", "in", "c", "e");
  addRelu(g, "R", "e", "r");
  g.outputs = {g.findValue("r")};
  ASSERT_TRUE(g.validate().isOk());
  ASSERT_TRUE(g.inferShapes().isOk());
  // The conv alone (its output the graph's), to add the shortcut by hand.
  Graph convOnly = g;
  convOnly.outputs = {convOnly.findValue("c")};
  const Tensor x = specialInput({1, kChannels, 6, 6}, 9);
  for (Isa isa : levels()) {
    ExecutorOptions eo;
    eo.isa = isa;
    auto fusedExec = Executor::create(g, eo);
    auto convExec = Executor::create(convOnly, eo);
    ASSERT_TRUE(fusedExec.isOk() && convExec.isOk());
    EXPECT_EQ((*fusedExec)->kernelName(1), "fused into C");
    ASSERT_TRUE((*fusedExec)->run({x}).isOk());
    ASSERT_TRUE((*convExec)->run({x}).isOk());
    const float* y = (*fusedExec)->output(0).f32();
    const float* c = (*convExec)->output(0).f32();
    for (int64_t i = 0; i < x.numel(); ++i) {
      const float v = x.f32()[i] + c[i];
      const float want = v > 0.f ? v : 0.f;
      ASSERT_EQ(std::memcmp(&y[i], &want, sizeof(float)), 0) << toString(isa) << " element " << i << ": " << y[i] << " vs " << want;
    }
  }
}

// Whole generated networks, INT8: fused and unfused outputs are the same bytes at every ISA
// level this CPU runs (1 and 2 threads at the top level), and every residual sum is fused.
class ResidualFusionNetworks : public ::testing::TestWithParam<std::tuple<std::string, int, int, int>> {};

TEST_P(ResidualFusionNetworks, OutputsAreBitIdenticalWithAndWithoutFusion) {
  const auto& [model, size, expectedSums, expectedTwins] = GetParam();
  const std::string path = std::string(EQW_SHARED_DIR) + "/models/ncnn-bench/" + model + ".param";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent (../shared not beside the checkout)";
  ImportOptions io;
  io.input_shape = {1, 3, size, size};
  auto graph = loadModel(path, io);
  ASSERT_TRUE(graph.isOk()) << graph.status().toString();
  ASSERT_TRUE(canonicalize(*graph).isOk());
  auto spec = benchmarkSpec(*graph, Precision::Int8);
  ASSERT_TRUE(spec.isOk()) << spec.status().toString();
  auto ig = integerGraph(*graph, *spec);
  ASSERT_TRUE(ig.isOk()) << ig.status().toString();
  EXPECT_EQ(residualFusionCount(*ig, ExecutorOptions{}), expectedSums) << model;
  EXPECT_EQ(residualTwinCount(*ig, ExecutorOptions{}), expectedTwins) << model;
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  Tensor x(ig->values[ig->inputs[0]].shape);
  for (int64_t i = 0; i < x.numel(); ++i) x.f32()[i] = u(rng);
  for (Isa isa : levels()) {
    if (isa == Isa::Scalar) continue;  // the integer reference GEMM is too slow for whole networks
    for (int threads : {1, 2}) {
      if (threads == 2 && isa != levels().front()) continue;
      ExecutorOptions eo;
      eo.isa = isa;
      eo.threads = threads;
      const std::string what = model + " " + toString(isa) + " threads " + std::to_string(threads);
      const RunResult fused = runGraph(*ig, eo, true, {x});
      const RunResult plain = runGraph(*ig, eo, false, {x});
      expectSameBits(fused, plain, what);
      expectSameBits(runGraph(*ig, eo, true, {x}, false), plain, what + " without twins");
      int sums = 0;
      for (const Node& n : ig->nodes)
        sums += n.kind == OpKind::Eltwise && fused.kernels.at(n.name).rfind("fused into ", 0) == 0;
      EXPECT_EQ(sums, expectedSums) << what;
      EXPECT_EQ(plain.fused, 0) << what;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(NcnnBench, ResidualFusionNetworks,
                         ::testing::Values(std::tuple{std::string("resnet50"), 224, 16, 15},
                                           std::tuple{std::string("mobilenet_v2"), 224, 10, 10}));

}  // namespace
}  // namespace eqw
