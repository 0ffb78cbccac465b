// The int8 flow between consecutive integer layers (planInt8Flow, eqw/integer.h): its decisions
// on a hand-built graph (a value with a float reader stays F32, readers on different grids keep
// it F32, graph outputs stay F32), the executor's integer buffers, and whole networks (generated
// ncnn-bench models, INT8 and INT7) whose outputs are bit-identical with the flow on and off.
#include <eqw/bench.h>
#include <eqw/integer.h>
#include <eqw/io.h>
#include <eqw/passes.h>
#include <eqw/runtime.h>

#include <gtest/gtest.h>

#include "hand_graph.h"

#include <cstring>
#include <filesystem>
#include <random>

namespace eqw {
namespace {

// A 1x1 convolution from `in` to a new value `out` with `channels` channels, on an INT8 grid of
// input scale `scale` (0: a float layer).
void addConv(Graph& g, const std::string& name, const std::string& in, const std::string& out, int channels, float scale,
             std::mt19937& rng, ActKind act = ActKind::ReLU) {
  std::normal_distribution<float> dist(0.f, 0.5f);
  Node n;
  n.name = name;
  n.kind = OpKind::Convolution;
  ConvParams p;
  p.num_output = channels;
  p.bias = true;
  p.act.kind = act;
  n.params = p;
  Tensor w({channels, channels, 1, 1}), b({channels});
  for (int64_t i = 0; i < w.numel(); ++i) w.f32()[i] = dist(rng);
  for (int64_t i = 0; i < b.numel(); ++i) b.f32()[i] = dist(rng);
  n.weights = {w, b};
  n.inputs = {g.findValue(in)};
  n.outputs = {g.findValue(out) >= 0 ? g.findValue(out) : g.addValue(out)};
  if (scale > 0.f) {
    n.quant.bits = 8;
    n.quant.input_scale = scale;
    n.quant.weight_qmax = 127;
    n.quant.weight_scales.assign(static_cast<size_t>(channels), 127.f / 1.5f);
  }
  g.addNode(std::move(n));
}

using runtimetest::addRelu;

// in -> A -> a -> B -> b -> {C, D} (same grid) ; c -> {E (int), relu (float)} ; d -> {F, G} on
// different scales ; e is a graph output also read by H ; h, f, g, r are outputs.
Graph handBuilt() {
  std::mt19937 rng(5);
  Graph g;
  g.name = "flow";
  g.inputs = {g.addValue("in", {1, 4, 3, 3})};
  addConv(g, "A", "in", "a", 4, 20.f, rng);
  addConv(g, "B", "a", "b", 4, 10.f, rng);
  addConv(g, "C", "b", "c", 4, 12.f, rng);
  addConv(g, "D", "b", "d", 4, 12.f, rng);
  addConv(g, "E", "c", "e", 4, 9.f, rng);
  addRelu(g, "relu", "c", "r");
  addConv(g, "F", "d", "f", 4, 8.f, rng);
  addConv(g, "G", "d", "gg", 4, 8.5f, rng);
  addConv(g, "H", "e", "h", 4, 7.f, rng);
  for (const char* o : {"e", "h", "f", "gg", "r"}) g.outputs.push_back(g.findValue(o));
  EXPECT_TRUE(g.validate().isOk());
  EXPECT_TRUE(g.inferShapes().isOk());
  return g;
}

DType dtypeOf(const Graph& g, const char* value) { return valueDType(g, g.findValue(value)); }
const NodeQuant& quantOf(const Graph& g, const char* node) { return g.nodes[static_cast<size_t>(g.findNode(node))].quant; }

TEST(Int8Flow, DecisionsOnAHandBuiltGraph) {
  Graph g = handBuilt();
  EXPECT_EQ(planInt8Flow(g), 2);
  EXPECT_EQ(dtypeOf(g, "a"), DType::I8) << "one integer reader";
  EXPECT_EQ(dtypeOf(g, "b"), DType::I8) << "two integer readers on the same grid";
  EXPECT_EQ(dtypeOf(g, "c"), DType::F32) << "a float reader (relu)";
  EXPECT_EQ(dtypeOf(g, "d"), DType::F32) << "readers on different scales";
  EXPECT_EQ(dtypeOf(g, "e"), DType::F32) << "a graph output";
  EXPECT_EQ(dtypeOf(g, "in"), DType::F32) << "the graph input";
  EXPECT_EQ(quantOf(g, "A").output_scale, 10.f);
  EXPECT_EQ(quantOf(g, "A").output_bits, 8);
  EXPECT_EQ(quantOf(g, "B").output_scale, 12.f);
  EXPECT_FALSE(quantOf(g, "A").quantized_input);
  EXPECT_TRUE(quantOf(g, "B").quantized_input);
  EXPECT_TRUE(quantOf(g, "C").quantized_input);
  EXPECT_TRUE(quantOf(g, "D").quantized_input);
  EXPECT_FALSE(quantOf(g, "E").quantized_input);
  EXPECT_FALSE(quantOf(g, "C").writesIntegers());
  EXPECT_FALSE(quantOf(g, "D").writesIntegers());
  EXPECT_FALSE(quantOf(g, "E").writesIntegers());
  EXPECT_TRUE(checkInt8Flow(g).isOk());
  Graph cleared = g;
  clearInt8Flow(cleared);
  EXPECT_EQ(dtypeOf(cleared, "a"), DType::F32);
  EXPECT_FALSE(quantOf(cleared, "B").quantized_input);
}

// An unsigned reader and a signed one of the same value: different grids, the value stays F32;
// so does a value read by a 7-bit and an 8-bit layer.
TEST(Int8Flow, GridsMustMatchInSignAndWidth) {
  for (int variant = 0; variant < 2; ++variant) {
    Graph g = handBuilt();
    NodeQuant& d = g.nodes[static_cast<size_t>(g.findNode("D"))].quant;
    if (variant == 0) d.unsigned_input = true;
    else d.bits = 7, d.weight_qmax = 63;
    planInt8Flow(g);
    EXPECT_EQ(dtypeOf(g, "b"), DType::F32) << variant;
    EXPECT_FALSE(quantOf(g, "C").quantized_input) << variant;
  }
}

std::vector<Tensor> randomInput(const Graph& g, uint64_t seed) {
  std::mt19937 rng(static_cast<unsigned>(seed));
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  Tensor t(g.values[g.inputs[0]].shape);
  for (int64_t i = 0; i < t.numel(); ++i) t.f32()[i] = dist(rng);
  return {t};
}

// Runs both graphs on the same input; every graph output must hold the same bytes.
void expectSameOutputs(const Graph& on, const Graph& off, const ExecutorOptions& eo, const std::string& what, uint64_t seed = 3) {
  auto a = Executor::create(on, eo);
  auto b = Executor::create(off, eo);
  ASSERT_TRUE(a.isOk()) << what << ": " << a.status().toString();
  ASSERT_TRUE(b.isOk()) << what << ": " << b.status().toString();
  const auto input = randomInput(on, seed);
  ASSERT_TRUE((*a)->run(input).isOk());
  ASSERT_TRUE((*b)->run(input).isOk());
  for (size_t i = 0; i < on.outputs.size(); ++i) {
    const Tensor& x = (*a)->output(i);
    const Tensor& y = (*b)->output(i);
    ASSERT_EQ(x.dtype(), DType::F32) << what;
    ASSERT_EQ(x.numel(), y.numel()) << what;
    EXPECT_EQ(std::memcmp(x.f32(), y.f32(), x.bytes()), 0) << what << ": output '" << on.values[on.outputs[i]].name << "' differs";
  }
}

TEST(Int8Flow, HandBuiltGraphRunsBitIdenticalWithAndWithoutTheFlow) {
  const Graph off = handBuilt();
  Graph on = off;
  ASSERT_EQ(planInt8Flow(on), 2);
  for (bool reference : {false, true}) {
    ExecutorOptions eo;
    eo.reference = reference;
    expectSameOutputs(on, off, eo, reference ? "reference" : "fast");
  }
  // Observers see the integer values as I8; keep_values turns the flow off (every value F32).
  ExecutorOptions eo;
  auto exec = Executor::create(on, eo);
  ASSERT_TRUE(exec.isOk());
  std::vector<DType> seen(on.values.size(), DType::F32);
  ASSERT_TRUE((*exec)->run(randomInput(on, 3), [&](int n, const std::vector<const Tensor*>& outs) {
    seen[static_cast<size_t>(on.nodes[static_cast<size_t>(n)].outputs[0])] = outs[0]->dtype();
  }).isOk());
  EXPECT_EQ(seen[static_cast<size_t>(on.findValue("a"))], DType::I8);
  EXPECT_EQ(seen[static_cast<size_t>(on.findValue("c"))], DType::F32);
  eo.keep_values = true;
  auto keep = Executor::create(on, eo);
  ASSERT_TRUE(keep.isOk());
  ASSERT_TRUE((*keep)->run(randomInput(on, 3)).isOk());
  for (size_t v = 0; v < on.values.size(); ++v) EXPECT_EQ((*keep)->value(static_cast<int>(v)).dtype(), DType::F32) << v;
  expectSameOutputs(on, off, eo, "keep_values");
}

void addMaxPool(Graph& g, const std::string& name, const std::string& in, const std::string& out, PoolParams p) {
  Node n;
  n.name = name;
  n.kind = OpKind::Pooling;
  p.type = PoolType::Max;
  n.params = p;
  n.inputs = {g.findValue(in)};
  n.outputs = {g.addValue(out)};
  g.addNode(std::move(n));
}

void addSplit(Graph& g, const std::string& name, const std::string& in, const std::vector<std::string>& outs) {
  Node n;
  n.name = name;
  n.kind = OpKind::Split;
  n.params = SplitParams{};
  n.inputs = {g.findValue(in)};
  for (const auto& o : outs) n.outputs.push_back(g.addValue(o));
  g.addNode(std::move(n));
}

// in -> A -> a -> max pool -> p -> Split -> {B, C} on one grid (signed or unsigned): a, p and the
// Split's outputs are integers, the pool runs on them, and the outputs equal the float run's.
TEST(Int8Flow, MaxPoolAndSplitKeepIntegers) {
  PoolParams window;  // 3x3 stride 2 pad 1 (resnet50's stem)
  window.kernel_h = window.kernel_w = 3;
  window.stride_h = window.stride_w = 2;
  window.pads = {1, 1, 1, 1};
  PoolParams ceil;  // 3x3 stride 2, ceil mode (Caffe / squeezenet)
  ceil.kernel_h = ceil.kernel_w = 3;
  ceil.stride_h = ceil.stride_w = 2;
  ceil.ceil_mode = true;
  PoolParams global;
  global.global = true;
  PoolParams wide;  // pads as large as the kernel: windows without a real element (0)
  wide.kernel_h = wide.kernel_w = 2;
  wide.stride_h = wide.stride_w = 2;
  wide.pads = {2, 2, 2, 2};
  int variant = 0;
  for (const PoolParams& pp : {window, ceil, global, wide})
    for (bool uns : {false, true}) {
      std::mt19937 rng(11 + variant++);
      Graph g;
      g.name = "pool";
      g.inputs = {g.addValue("in", {1, 4, 9, 9})};
      addConv(g, "A", "in", "a", 4, 20.f, rng, ActKind::None);  // negative values too
      addMaxPool(g, "pool", "a", "p", pp);
      addSplit(g, "split", "p", {"p0", "p1"});
      addConv(g, "B", "p0", "b", 4, 10.f, rng);
      addConv(g, "C", "p1", "c", 4, 10.f, rng);
      g.outputs = {g.findValue("b"), g.findValue("c")};
      ASSERT_TRUE(g.validate().isOk());
      ASSERT_TRUE(g.inferShapes().isOk());
      for (const char* n : {"B", "C"}) {
        NodeQuant& q = g.nodes[static_cast<size_t>(g.findNode(n))].quant;
        q.unsigned_input = uns;
        q.input_scale = uns ? 20.f : 10.f;
      }
      Graph on = g;
      EXPECT_EQ(planInt8Flow(on), 2) << variant;
      const DType want = uns ? DType::U8 : DType::I8;
      for (const char* v : {"a", "p", "p0", "p1"}) EXPECT_EQ(dtypeOf(on, v), want) << v << " variant " << variant;
      EXPECT_TRUE(quantOf(on, "pool").quantized_input);
      EXPECT_TRUE(quantOf(on, "pool").writesIntegers());
      ASSERT_TRUE(checkInt8Flow(on).isOk()) << checkInt8Flow(on).toString();
      auto exec = Executor::create(on, ExecutorOptions{});
      ASSERT_TRUE(exec.isOk()) << exec.status().toString();
      EXPECT_EQ((*exec)->kernelName(on.findNode("pool")).rfind(uns ? "q8_pool_max_u8" : "q8_pool_max_i8", 0), 0u)
          << (*exec)->kernelName(on.findNode("pool"));
      EXPECT_EQ((*exec)->kernelName(on.findNode("split")), "q8_split_view");
      for (bool reference : {false, true}) {
        ExecutorOptions eo;
        eo.reference = reference;
        for (uint64_t seed : {1u, 2u, 3u}) expectSameOutputs(on, g, eo, "pool variant " + std::to_string(variant), seed);
      }
    }
}

TEST(Int8Flow, InconsistentFlowFieldsAreAClearError) {
  Graph g = handBuilt();
  planInt8Flow(g);
  g.nodes[static_cast<size_t>(g.findNode("C"))].quant.input_scale = 13.f;
  Status s = checkInt8Flow(g);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("'C'"), std::string::npos) << s.message();
  auto exec = Executor::create(g, ExecutorOptions{});
  EXPECT_FALSE(exec.isOk());
  // A float value read as integers.
  Graph h = handBuilt();
  h.nodes[static_cast<size_t>(h.findNode("E"))].quant.quantized_input = true;
  s = checkInt8Flow(h);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("'E'"), std::string::npos) << s.message();
}

// Whole generated networks at a reduced input: INT8 and INT7 with the flow on and off give the
// same output bytes (fast kernels, 2 threads; the integer reference on the smaller ones).
class Int8FlowNetworks : public ::testing::TestWithParam<std::tuple<std::string, int, bool>> {};

TEST_P(Int8FlowNetworks, OutputsAreBitIdenticalWithAndWithoutTheFlow) {
  const auto& [model, size, reference] = GetParam();
  const std::string path = std::string(EQW_SHARED_DIR) + "/models/ncnn-bench/" + model + ".param";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent (../shared not beside the checkout)";
  ImportOptions io;
  io.input_shape = {1, 3, size, size};
  auto graph = loadModel(path, io);
  ASSERT_TRUE(graph.isOk()) << graph.status().toString();
  ASSERT_TRUE(canonicalize(*graph).isOk());
  for (Precision p : {Precision::Int8, Precision::Int7}) {
    auto spec = benchmarkSpec(*graph, p);
    ASSERT_TRUE(spec.isOk()) << spec.status().toString();
    auto on = integerGraph(*graph, *spec);
    auto off = integerGraph(*graph, *spec, IntegerGraphOptions{false});
    ASSERT_TRUE(on.isOk() && off.isOk());
    int integers = 0, layers = 0;
    for (size_t v = 0; v < on->values.size(); ++v) integers += valueDType(*on, static_cast<int>(v)) != DType::F32;
    for (const Node& n : on->nodes) layers += n.quant.active();
    EXPECT_GT(integers, layers / 3) << model << ": only " << integers << " integer values for " << layers << " integer layers";
    for (size_t v = 0; v < off->values.size(); ++v) ASSERT_EQ(valueDType(*off, static_cast<int>(v)), DType::F32);
    ExecutorOptions eo;
    eo.threads = 2;
    eo.reference = reference;
    expectSameOutputs(*on, *off, eo, model + " " + toString(p) + (reference ? " reference" : ""));
  }
}

INSTANTIATE_TEST_SUITE_P(NcnnBench, Int8FlowNetworks,
                         ::testing::Values(std::tuple{std::string("mobilenet"), 96, false}, std::tuple{std::string("mobilenet"), 64, true},
                                           std::tuple{std::string("mobilenet_v2"), 96, false},
                                           std::tuple{std::string("resnet50"), 224, false},
                                           std::tuple{std::string("squeezenet"), 96, false}));

}  // namespace
}  // namespace eqw
