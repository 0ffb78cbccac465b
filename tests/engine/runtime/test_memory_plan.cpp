// Buffer reuse: a dead value's buffer goes to a later value, never to a live one. Checked on a
// small chain and on real networks, where a reusing executor must give exactly the outputs of
// one that keeps every value, run after run (stale data from other layers must not leak in).
#include <eqw/io.h>
#include <eqw/runtime.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <random>

#include "runtime/memory_plan.h"

namespace eqw {
namespace {

TEST(MemoryPlan, ChainUsesTwoBuffersAndKeepsOutputs) {
  Graph g;
  int x = g.addValue("x", {1, 8});
  g.inputs = {x};
  int prev = x;
  for (int i = 0; i < 5; ++i) {
    Node n;
    n.name = "act" + std::to_string(i);
    n.kind = OpKind::Activation;
    n.params = ActivationParams{};
    n.inputs = {prev};
    int out = g.addValue("v" + std::to_string(i), {1, 8});
    n.outputs = {out};
    g.addNode(n);
    prev = out;
  }
  g.outputs = {prev};
  const std::vector<bool> noViews(g.nodes.size(), false);
  MemoryPlan reuse = planMemory(g, noViews, true);
  EXPECT_EQ(reuse.buffer[x], -1) << "graph inputs are the caller's";
  // act0 -> A, act1 -> B, act2 -> A (v0 dead after act1), act3 -> B, act4 = output -> its own.
  EXPECT_EQ(reuse.bytes.size(), 3u);
  EXPECT_NE(reuse.buffer[g.findValue("v0")], reuse.buffer[g.findValue("v1")]);
  EXPECT_EQ(reuse.buffer[g.findValue("v0")], reuse.buffer[g.findValue("v2")]);
  for (const char* name : {"v0", "v1", "v2", "v3"}) EXPECT_NE(reuse.buffer[g.findValue(name)], reuse.buffer[prev]) << name;
  MemoryPlan keep = planMemory(g, noViews, false);
  EXPECT_EQ(keep.bytes.size(), 5u);

  // A view (act1 seen as Reshape) keeps its input's buffer alive until the view's last reader.
  std::vector<bool> views(g.nodes.size(), false);
  views[1] = true;
  MemoryPlan viewPlan = planMemory(g, views, true);
  EXPECT_EQ(viewPlan.buffer[g.findValue("v1")], -1);
  EXPECT_NE(viewPlan.buffer[g.findValue("v2")], viewPlan.buffer[g.findValue("v0")]) << "v0 is read through v1 by act2";
}

// x -> a -> b; sum(b, a) may write over a (inPlace 1) when nothing later reads a; out = act(sum).
struct InPlaceGraph {
  Graph g;
  int x, a, b, sum, out;
  explicit InPlaceGraph(bool readALater) {
    x = g.addValue("x", {1, 16});
    g.inputs = {x};
    auto add = [&](const char* name, std::vector<int> in, const char* outName) {
      Node n;
      n.name = name;
      n.kind = OpKind::Activation;
      n.params = ActivationParams{};
      n.inputs = std::move(in);
      const int v = g.addValue(outName, {1, 16});
      n.outputs = {v};
      g.addNode(n);
      return v;
    };
    a = add("A", {x}, "a");
    b = add("B", {a}, "b");
    sum = add("S", {b, a}, "sum");
    out = add("O", readALater ? std::vector<int>{sum, a} : std::vector<int>{sum}, "out");
    g.outputs = {out};
  }
};

TEST(MemoryPlan, InPlaceOutputTakesTheBufferOfAnInputThatDiesThere) {
  const std::vector<size_t> four(5, sizeof(float));
  {
    InPlaceGraph h(false);
    const std::vector<bool> noViews(h.g.nodes.size(), false);
    std::vector<int> inPlace(h.g.nodes.size(), -1);
    inPlace[2] = 1;  // S over a
    const MemoryPlan p = planMemory(h.g, noViews, true, four, inPlace);
    EXPECT_EQ(p.buffer[h.sum], p.buffer[h.a]);
    EXPECT_NE(p.buffer[h.sum], p.buffer[h.b]) << "b is read by S itself";
    EXPECT_NE(p.buffer[h.out], p.buffer[h.sum]) << "the graph output keeps its own buffer";
    // Without the hint the sum needs a buffer of its own: a is freed only after S has placed it.
    const MemoryPlan q = planMemory(h.g, noViews, true, four);
    EXPECT_NE(q.buffer[h.sum], q.buffer[h.a]);
    // The buffer stays the sum's until O has read it: O's output may not take it.
    EXPECT_LE(p.totalBytes(), q.totalBytes());
    // Without reuse every value keeps its own buffer, hint or not.
    const MemoryPlan k = planMemory(h.g, noViews, false, four, inPlace);
    EXPECT_NE(k.buffer[h.sum], k.buffer[h.a]);
  }
  {
    InPlaceGraph h(true);  // O reads a after S: a is alive, S may not overwrite it
    const std::vector<bool> noViews(h.g.nodes.size(), false);
    std::vector<int> inPlace(h.g.nodes.size(), -1);
    inPlace[2] = 1;
    const MemoryPlan p = planMemory(h.g, noViews, true, four, inPlace);
    EXPECT_NE(p.buffer[h.sum], p.buffer[h.a]);
  }
  {
    InPlaceGraph h(false);  // S reads a twice: writing over one read would change the other
    h.g.nodes[2].inputs = {h.a, h.a};
    const std::vector<bool> noViews(h.g.nodes.size(), false);
    std::vector<int> inPlace(h.g.nodes.size(), -1);
    inPlace[2] = 1;
    const MemoryPlan p = planMemory(h.g, noViews, true, four, inPlace);
    EXPECT_NE(p.buffer[h.sum], p.buffer[h.a]);
  }
  {
    InPlaceGraph h(false);  // a graph input is the caller's: never written over
    const std::vector<bool> noViews(h.g.nodes.size(), false);
    std::vector<int> inPlace(h.g.nodes.size(), -1);
    inPlace[0] = 0;  // A over x
    const MemoryPlan p = planMemory(h.g, noViews, true, four, inPlace);
    EXPECT_GE(p.buffer[h.a], 0);
    EXPECT_EQ(p.buffer[h.x], -1);
  }
}

Tensor randomInput(const Shape& shape, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  Tensor t(shape);
  for (int64_t i = 0; i < t.numel(); ++i) t.f32()[i] = dist(rng);
  return t;
}

class ReuseMatchesKeep : public ::testing::TestWithParam<std::string> {};

TEST_P(ReuseMatchesKeep, SameOutputsRunAfterRun) {
  const std::string path = std::string(EQW_SHARED_DIR) + "/models/ncnn-bench/" + GetParam() + ".param";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  auto graph = loadModel(path);
  ASSERT_TRUE(graph.isOk()) << graph.status().toString();
  ExecutorOptions reuseOptions, keepOptions;
  keepOptions.keep_values = true;
  auto reuse = Executor::create(*graph, reuseOptions);
  auto keep = Executor::create(*graph, keepOptions);
  ASSERT_TRUE(reuse.isOk() && keep.isOk());
  EXPECT_LT((*reuse)->activationBytes(), (*keep)->activationBytes());

  const Shape& shape = graph->values[graph->inputs[0]].shape;
  for (unsigned seed : {1u, 2u}) {
    Tensor in = randomInput(shape, seed);
    ASSERT_TRUE((*reuse)->run({in}).isOk());
    ASSERT_TRUE((*keep)->run({in}).isOk());
    for (size_t o = 0; o < (*keep)->outputCount(); ++o) {
      const Tensor& a = (*reuse)->output(o);
      const Tensor& b = (*keep)->output(o);
      ASSERT_EQ(a.shape(), b.shape());
      EXPECT_EQ(std::memcmp(a.f32(), b.f32(), b.bytes()), 0) << "output " << o << " differs on run " << seed;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(NcnnBench, ReuseMatchesKeep,
                         ::testing::Values("mobilenet_v2", "googlenet", "shufflenet_v2", "squeezenet_ssd", "mobilenet_v3"));

}  // namespace
}  // namespace eqw
