// BatchNorm / Scale folding and activation fusion: the folded graph computes what the original
// did (checked by running both), has the expected layers, and leaves shared values alone.
#include <eqw/io.h>
#include <eqw/passes.h>
#include <eqw/runtime.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>

namespace eqw {
namespace {

int countKind(const Graph& g, OpKind k) {
  int n = 0;
  for (const Node& node : g.nodes) n += node.kind == k;
  return n;
}

// Max |a - b| / max(1, max |a|) over the graph outputs for the same random input.
double compareRuns(const Graph& a, const Graph& b, uint32_t seed) {
  Tensor x(a.values[static_cast<size_t>(a.inputs[0])].shape);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  for (int64_t i = 0; i < x.numel(); ++i) x.f32()[i] = u(rng);
  ExecutorOptions opt;
  opt.reference = true;
  auto ea = Executor::create(a, opt);
  auto eb = Executor::create(b, opt);
  EXPECT_TRUE(ea.isOk() && eb.isOk());
  EXPECT_TRUE((*ea)->run({x}).isOk());
  EXPECT_TRUE((*eb)->run({x}).isOk());
  double worst = 0.0;
  for (size_t o = 0; o < (*ea)->outputCount(); ++o) {
    const Tensor &ta = (*ea)->output(o), &tb = (*eb)->output(o);
    EXPECT_EQ(ta.shape(), tb.shape());
    double peak = 1.0, diff = 0.0;
    for (int64_t i = 0; i < ta.numel(); ++i) {
      peak = std::max(peak, static_cast<double>(std::fabs(ta.f32()[i])));
      diff = std::max(diff, static_cast<double>(std::fabs(ta.f32()[i] - tb.f32()[i])));
    }
    worst = std::max(worst, diff / peak);
  }
  return worst;
}

TEST(Canonicalize, FoldsTheSamplesBatchNormsAndClips) {
  auto original = loadModel(std::string(EQW_SOURCE_DIR) + "/samples/fashion-mnist/model.onnx");
  ASSERT_TRUE(original.isOk()) << original.status().toString();
  Graph g = *original;
  const int bn = countKind(g, OpKind::BatchNorm);
  const int acts = countKind(g, OpKind::Activation);
  ASSERT_GT(bn, 5);
  auto report = canonicalize(g);
  ASSERT_TRUE(report.isOk()) << report.status().toString();
  EXPECT_EQ(report->folded_batchnorm, bn);
  EXPECT_EQ(countKind(g, OpKind::BatchNorm), 0);
  EXPECT_EQ(report->fused_activations, acts - countKind(g, OpKind::Activation));
  EXPECT_GT(report->fused_activations, 5);
  EXPECT_EQ(g.nodes.size(), original->nodes.size() - bn - report->fused_activations);
  // The original's weights are untouched (tensors share buffers; the pass must copy).
  for (uint32_t seed : {1u, 2u, 3u}) EXPECT_LT(compareRuns(*original, g, seed), 1e-5) << "seed " << seed;
  // Fused convolutions keep their names and the folded graph's outputs keep theirs.
  for (const Node& n : g.nodes)
    if (n.kind == OpKind::Convolution) {
      EXPECT_GE(original->findNode(n.name), 0) << n.name;
    }
  EXPECT_EQ(g.values[static_cast<size_t>(g.outputs[0])].name, original->values[static_cast<size_t>(original->outputs[0])].name);
}

TEST(Canonicalize, BenchModelsKeepTheirOutputs) {
  const std::string dir = std::string(EQW_SHARED_DIR) + "/models/ncnn-bench";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "ncnn-bench models absent (" << dir << ")";
  for (const char* name : {"mobilenet_v2", "squeezenet", "shufflenet_v2"}) {
    auto original = loadModel(dir + "/" + name + ".param");
    ASSERT_TRUE(original.isOk()) << name << ": " << original.status().toString();
    Graph g = *original;
    auto report = canonicalize(g);
    ASSERT_TRUE(report.isOk()) << name << ": " << report.status().toString();
    EXPECT_LT(compareRuns(*original, g, 7), 1e-4) << name;
  }
}

// conv -> BatchNorm where the conv's output is also read by another layer: nothing may fold.
TEST(Canonicalize, SharedValuesAreNotFolded) {
  Graph g;
  const int x = g.addValue("x", {1, 2, 4, 4});
  g.inputs = {x};
  const int y = g.addValue("y"), z = g.addValue("z"), s = g.addValue("s");
  Node conv;
  conv.name = "conv";
  conv.kind = OpKind::Convolution;
  ConvParams cp;
  cp.num_output = 2;
  conv.params = cp;
  conv.weights = {Tensor::fromVector({2, 2, 1, 1}, {1.f, 2.f, 3.f, 4.f})};
  conv.inputs = {x};
  conv.outputs = {y};
  g.addNode(conv);
  Node bn;
  bn.name = "bn";
  bn.kind = OpKind::BatchNorm;
  bn.params = BatchNormParams{};
  for (int k = 0; k < 4; ++k) bn.weights.push_back(Tensor::fromVector({2}, {k == 2 ? 1.f : 0.5f, k == 2 ? 1.f : 0.25f}));
  bn.inputs = {y};
  bn.outputs = {z};
  g.addNode(bn);
  Node sum;
  sum.name = "sum";
  sum.kind = OpKind::Eltwise;
  sum.params = EltwiseParams{};
  sum.inputs = {y, z};
  sum.outputs = {s};
  g.addNode(sum);
  g.outputs = {s};
  ASSERT_TRUE(g.validate().isOk());
  ASSERT_TRUE(g.inferShapes().isOk());
  auto report = canonicalize(g);
  ASSERT_TRUE(report.isOk()) << report.status().toString();
  EXPECT_EQ(report->folded_batchnorm, 0);
  EXPECT_EQ(g.nodes.size(), 3u);
}

}  // namespace
}  // namespace eqw
