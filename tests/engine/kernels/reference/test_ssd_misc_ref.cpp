// SSD ops (Normalize, PriorBox, DetectionOutput), Reduce, within-channel LRN, and a small graph
// through the executor in reference mode (views, Input, allocation).
#include <eqw/runtime.h>

#include <cmath>
#include <numeric>

#include "ref_test_util.h"

namespace eqw {
namespace {

using testing::expectClose;
using testing::makeNode;
using testing::randomTensor;
using testing::runRef;
using testing::values;

TEST(RefSsd, NormalizePerPositionAndAcrossSpatial) {
  Tensor x = Tensor::fromVector({1, 2, 1, 2}, {3, 1, 4, 1});
  NormalizeParams p;
  Node n = makeNode(OpKind::Normalize, p, {Tensor::fromVector({2}, {2, 1})});
  auto out = runRef(n, {x});
  ASSERT_EQ(out.size(), 1u);
  const float r2 = 1.f / std::sqrt(2.f);
  expectClose(out[0], {1, 2, 1, 2}, {1.2f, 2 * r2, 0.8f, r2});

  p.across_spatial = true;
  p.channel_shared = true;
  Node a = makeNode(OpKind::Normalize, p, {Tensor::fromVector({1}, {2})});
  auto o2 = runRef(a, {x});
  ASSERT_EQ(o2.size(), 1u);
  const float k = 2.f / std::sqrt(27.f);
  expectClose(o2[0], {1, 2, 1, 2}, {3 * k, k, 4 * k, k});
}

TEST(RefSsd, PriorBoxNcnnOrder) {
  PriorBoxParams p;
  p.min_sizes = {4};
  p.max_sizes = {9};
  p.aspect_ratios = {2};
  p.flip = true;
  p.variances[0] = 0.1f;
  p.variances[2] = 0.2f;
  Node n = makeNode(OpKind::PriorBox, p);
  auto out = runRef(n, {Tensor({1, 1, 1, 2}), Tensor({1, 3, 10, 20})});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(toString(out[0].shape()), "[1, 2, 32]");  // 2 positions x 4 priors x 4
  const float s2 = std::sqrt(2.f);
  // Position 0 is centred at (5, 5) in a 20 x 10 image: min box, sqrt(4*9) box, 2:1, 1:2.
  const std::vector<float> first = {0.15f, 0.3f, 0.35f, 0.7f, 0.1f, 0.2f, 0.4f, 0.8f,
                                    (5 - 2 * s2) / 20, (5 - s2) / 10, (5 + 2 * s2) / 20, (5 + s2) / 10,
                                    (5 - s2) / 20, (5 - 2 * s2) / 10, (5 + s2) / 20, (5 + 2 * s2) / 10};
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_NEAR(out[0].f32()[i], first[i], 1e-6) << i;
    const float shift = i % 2 == 0 ? 0.5f : 0.f;  // position 1 is 10 pixels (0.5) to the right
    EXPECT_NEAR(out[0].f32()[16 + i], first[i] + shift, 1e-6) << i;
  }
  for (int i = 0; i < 32; ++i) EXPECT_FLOAT_EQ(out[0].f32()[32 + i], p.variances[i % 4]);
}

TEST(RefSsd, DetectionOutputDecodesSuppressesAndRanks) {
  // Priors A, B (IoU 0.62 with A), C; variances 0.1 0.1 0.2 0.2.
  std::vector<float> prior = {0, 0, 0.4f, 0.4f, 0.05f, 0.05f, 0.45f, 0.45f, 0.5f, 0.5f, 0.9f, 0.9f};
  for (int i = 0; i < 3; ++i) prior.insert(prior.end(), {0.1f, 0.1f, 0.2f, 0.2f});
  Tensor priorbox = Tensor::fromVector({1, 2, 12}, prior);
  // C is moved by loc: cx + 0.1 * 1 * 0.4, height * exp(0.2 * ln 2 / 0.2) = 2x.
  Tensor loc = Tensor::fromVector({1, 12}, {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, std::log(2.f) / 0.2f});
  Tensor conf = Tensor::fromVector({1, 9}, {0.1f, 0.8f, 0.1f, 0.1f, 0.7f, 0.6f, 0.5f, 0.3f, 0.005f});
  DetectionOutputParams p;
  p.num_class = 3;
  p.keep_top_k = 3;
  Node n = makeNode(OpKind::DetectionOutput, p);
  auto out = runRef(n, {loc, conf, priorbox});
  ASSERT_EQ(out.size(), 1u);
  expectClose(out[0], {1, 3, 6},
              {1, 0.8f, 0, 0, 0.4f, 0.4f,                   // class 1: A (B suppressed by A)
               2, 0.6f, 0.05f, 0.05f, 0.45f, 0.45f,         // class 2: B (A suppressed, C below threshold)
               1, 0.3f, 0.54f, 0.3f, 0.94f, 1.1f});         // class 1: C decoded
  p.keep_top_k = 2;
  Node k = makeNode(OpKind::DetectionOutput, p);
  auto o2 = runRef(k, {loc, conf, priorbox});
  ASSERT_EQ(o2.size(), 1u);
  EXPECT_EQ(toString(o2[0].shape()), "[1, 2, 6]");
  p.confidence_threshold = 0.9f;
  Node none = makeNode(OpKind::DetectionOutput, p);
  auto o3 = runRef(none, {loc, conf, priorbox});
  ASSERT_EQ(o3.size(), 1u);
  EXPECT_EQ(toString(o3[0].shape()), "[1, 0, 6]");
}

TEST(RefReduce, EveryOpAndAxes) {
  Tensor x = Tensor::fromVector({1, 2, 3}, {0, 1, 2, 3, 4, 5});
  auto run = [&](ReduceOp op, std::vector<int> axes, bool keep) {
    Node n = makeNode(OpKind::Reduce, ReduceParams{op, axes, keep});
    auto out = runRef(n, {x});
    return out.empty() ? Tensor() : out[0];
  };
  expectClose(run(ReduceOp::Sum, {2}, false), {1, 2}, {3, 12});
  expectClose(run(ReduceOp::Mean, {-1}, true), {1, 2, 1}, {1, 4});
  expectClose(run(ReduceOp::Max, {2}, false), {1, 2}, {2, 5});
  expectClose(run(ReduceOp::Min, {2}, false), {1, 2}, {0, 3});
  expectClose(run(ReduceOp::Prod, {2}, false), {1, 2}, {0, 60});
  expectClose(run(ReduceOp::SumSquare, {2}, false), {1, 2}, {5, 50});
  expectClose(run(ReduceOp::L1, {2}, false), {1, 2}, {3, 12});
  expectClose(run(ReduceOp::L2, {2}, false), {1, 2}, {std::sqrt(5.f), std::sqrt(50.f)});
  expectClose(run(ReduceOp::Sum, {}, true), {1, 1, 1}, {15});
  expectClose(run(ReduceOp::Sum, {0, -2}, false), {3}, {3, 5, 7});
}

TEST(RefLRN, WithinChannel) {
  LRNParams p;
  p.region = LRNRegion::WithinChannel;
  p.local_size = 3;
  p.alpha = 1.f;
  p.beta = 1.f;
  p.bias = 1.f;
  Node n = makeNode(OpKind::LRN, p);
  auto out = runRef(n, {Tensor::fromVector({1, 1, 2, 2}, {1, 2, 3, 4})});
  ASSERT_EQ(out.size(), 1u);
  const float s = 1.f + 30.f / 9.f;  // every 3x3 window covers the whole 2x2 plane
  expectClose(out[0], {1, 1, 2, 2}, {1 / s, 2 / s, 3 / s, 4 / s});
}

// Input -> Convolution(ReLU) -> Pooling -> Flatten -> InnerProduct -> Softmax, run by the
// executor with reference kernels, against the same kernels chained by hand.
TEST(RefExecutor, SmallGraphMatchesChainedKernels) {
  Graph g;
  g.name = "tiny";
  const int data = g.addValue("data", {1, 2, 6, 6});
  const int c = g.addValue("conv"), p = g.addValue("pool"), f = g.addValue("flat"), fc = g.addValue("fc"), prob = g.addValue("prob");
  g.inputs = {data};
  g.outputs = {prob};
  Node in = makeNode(OpKind::Input, InputParams{});
  in.name = "data";
  in.outputs = {data};
  ConvParams cp;
  cp.num_output = 3;
  cp.kernel_h = cp.kernel_w = 3;
  cp.pad_mode = PadMode::SameUpper;
  cp.bias = true;
  cp.act = {ActKind::ReLU, 0, 0};
  Node conv = makeNode(OpKind::Convolution, cp, {randomTensor({3, 2, 3, 3}, 31), randomTensor({3}, 32)});
  conv.name = "conv";
  conv.inputs = {data};
  conv.outputs = {c};
  PoolParams pp;
  pp.type = PoolType::Max;
  pp.kernel_h = pp.kernel_w = 2;
  pp.stride_h = pp.stride_w = 2;
  Node pool = makeNode(OpKind::Pooling, pp);
  pool.name = "pool";
  pool.inputs = {c};
  pool.outputs = {p};
  Node flat = makeNode(OpKind::Flatten, FlattenParams{1});
  flat.name = "flat";
  flat.inputs = {p};
  flat.outputs = {f};
  InnerProductParams ip;
  ip.num_output = 4;
  Node dense = makeNode(OpKind::InnerProduct, ip, {randomTensor({4, 27}, 33)});
  dense.name = "fc";
  dense.inputs = {f};
  dense.outputs = {fc};
  Node soft = makeNode(OpKind::Softmax, SoftmaxParams{1});
  soft.name = "prob";
  soft.inputs = {fc};
  soft.outputs = {prob};
  for (Node* n : {&in, &conv, &pool, &flat, &dense, &soft}) g.addNode(*n);
  ASSERT_TRUE(g.validate().isOk());
  Status shapes = g.inferShapes();
  ASSERT_TRUE(shapes.isOk()) << shapes.toString();
  EXPECT_EQ(toString(g.values[f].shape), "[1, 27]");

  ExecutorOptions opt;
  opt.reference = true;
  auto ex = Executor::create(g, opt);
  ASSERT_TRUE(ex) << ex.status().toString();
  Tensor x = randomTensor({1, 2, 6, 6}, 34);
  Status r = (*ex)->run({x});
  ASSERT_TRUE(r.isOk()) << r.toString();

  Tensor t = x;
  for (Node n : {conv, pool, flat, dense, soft}) {
    auto out = runRef(n, {t});
    ASSERT_EQ(out.size(), 1u);
    t = out[0];
  }
  expectClose((*ex)->output(0), t, 1e-6f);
  float sum = 0;
  for (float v : values((*ex)->output(0))) sum += v;
  EXPECT_NEAR(sum, 1.f, 1e-5f);
  EXPECT_STREQ((*ex)->kernelName(1).c_str(), "f32_convolution_ref");
}

}  // namespace
}  // namespace eqw
