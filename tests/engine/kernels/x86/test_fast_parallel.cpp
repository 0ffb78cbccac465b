// Two threads give exactly the serial result (every output element is computed by one
// micro-kernel call whatever the split), and bad tensors are errors, not crashes.
#include <gtest/gtest.h>

#include <random>

#include "fast_test_util.h"
#include "kernels/fast.h"

namespace eqw::testing {
namespace {

class FastParallel : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (!isaSupported(GetParam())) GTEST_SKIP() << "this CPU does not run " << toString(GetParam());
  }

  // Runs the fast kernel of node serially and on a 2-thread pool; expects identical bits and
  // agreement with the reference.
  void checkSame(Node node, const Tensor& x, const std::string& what) {
    std::vector<Shape> out;
    ASSERT_TRUE(inferShapes(node, {x}, &out));
    auto k = kernels::makeFastKernel(node, {x.shape()}, out, GetParam());
    ASSERT_TRUE(k.isOk()) << k.status().toString();
    ASSERT_TRUE(*k) << what << ": no fast kernel";
    ThreadPool pool(2);
    Status s1, s2;
    auto serial = runKernel(**k, {x}, out, nullptr, &s1);
    auto parallel = runKernel(**k, {x}, out, &pool, &s2);
    ASSERT_TRUE(s1.isOk() && s2.isOk()) << s1.toString() << " " << s2.toString();
    ASSERT_EQ(serial[0].numel(), parallel[0].numel());
    for (int64_t i = 0; i < serial[0].numel(); ++i)
      ASSERT_EQ(serial[0].f32()[i], parallel[0].f32()[i]) << what << " at " << i;
    ThreadPool pool2(2);
    compareWithReference(node, {x}, GetParam(), 1e-4, what + " (2 threads)", &pool2);
  }
  std::mt19937 rng{11};
};

TEST_P(FastParallel, TwoThreadsEqualSerial) {
  auto conv = [&](int64_t c, int oc, int k, int s, int group, int64_t hw) {
    ConvParams p;
    p.num_output = oc, p.kernel_h = p.kernel_w = k, p.stride_h = p.stride_w = s, p.group = group;
    p.pads = {k / 2, k / 2, k / 2, k / 2}, p.bias = true, p.act.kind = ActKind::ReLU;
    Node n = makeFastNode(OpKind::Convolution, p, {randomTensor({oc, c / group, k, k}, rng), randomTensor({oc}, rng)});
    checkSame(n, randomTensor({1, c, hw, hw}, rng), "conv " + std::to_string(k) + "x" + std::to_string(k));
  };
  conv(64, 64, 3, 1, 1, 28);    // many panels
  conv(512, 200, 1, 1, 1, 7);   // two panels: the split must go over weight tiles
  conv(32, 32, 3, 2, 32, 56);   // depthwise
  PoolParams pp;
  pp.kernel_h = pp.kernel_w = 3, pp.stride_h = pp.stride_w = 2, pp.pads = {1, 1, 1, 1};
  checkSame(makeFastNode(OpKind::Pooling, pp), randomTensor({1, 64, 56, 56}, rng), "maxpool");
  InnerProductParams ip;
  ip.num_output = 1000;
  checkSame(makeFastNode(OpKind::InnerProduct, ip, {randomTensor({1000, 512}, rng)}), randomTensor({1, 512}, rng),
            "inner product");
  checkSame(makeFastNode(OpKind::Activation, ActivationParams{{ActKind::ReLU, 0, 0}}),
            randomTensor({1, 64, 56, 56}, rng), "relu");
}

TEST_P(FastParallel, WrongTensorsAreErrors) {
  ConvParams p;
  p.num_output = 8, p.kernel_h = p.kernel_w = 3, p.pads = {1, 1, 1, 1};
  Node node = makeFastNode(OpKind::Convolution, p, {randomTensor({8, 4, 3, 3}, rng)});
  Tensor x = randomTensor({1, 4, 10, 10}, rng);
  std::vector<Shape> out;
  ASSERT_TRUE(inferShapes(node, {x}, &out));
  auto k = kernels::makeFastKernel(node, {x.shape()}, out, GetParam());
  ASSERT_TRUE(k.isOk() && *k);
  Status s;
  runKernel(**k, {randomTensor({1, 4, 9, 10}, rng)}, out, nullptr, &s);
  EXPECT_EQ(s.code(), StatusCode::ShapeError) << s.toString();
  runKernel(**k, {x, x}, out, nullptr, &s);
  EXPECT_EQ(s.code(), StatusCode::InvalidArgument) << s.toString();
  runKernel(**k, {x}, {{1, 8, 10, 9}}, nullptr, &s);
  EXPECT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("output"), std::string::npos) << s.message();
}

INSTANTIATE_TEST_SUITE_P(Isa, FastParallel, ::testing::ValuesIn(fastIsaLevels()),
                         [](const ::testing::TestParamInfo<Isa>& i) { return std::string(toString(i.param)); });

}  // namespace
}  // namespace eqw::testing
