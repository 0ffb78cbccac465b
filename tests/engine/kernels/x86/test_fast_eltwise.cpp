// Fast element-wise kernels against the reference: Eltwise, Binary (same shape, scalar, per
// channel), Activation, BatchNorm, Scale, PReLU and InnerProduct; lengths that are not
// multiples of the vector width.
#include <gtest/gtest.h>

#include <random>

#include "fast_test_util.h"

namespace eqw::testing {
namespace {

class FastEltwise : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (!isaSupported(GetParam())) GTEST_SKIP() << "this CPU does not run " << toString(GetParam());
  }
  // Checks the node on input shape `shape` and expects a fast kernel whose name has `expect`.
  void check(const Node& node, std::vector<Tensor> inputs, const std::string& expect, const std::string& what) {
    const std::string name = compareWithReference(node, inputs, GetParam(), 1e-5, what);
    EXPECT_NE(name.find(expect), std::string::npos) << what << " ran '" << name << "'";
  }
  std::mt19937 rng{77};
};

const Shape kShapes[] = {{1, 3, 5, 7}, {1, 16, 14, 14}, {1, 5, 1, 1}, {1, 33}};

TEST_P(FastEltwise, EltwiseOps) {
  for (const Shape& s : kShapes) {
    for (EltwiseOp op : {EltwiseOp::Sum, EltwiseOp::Prod, EltwiseOp::Max}) {
      for (int n : {2, 3}) {
        EltwiseParams p;
        p.op = op;
        std::vector<Tensor> in;
        for (int i = 0; i < n; ++i) in.push_back(randomTensor(s, rng));
        check(makeFastNode(OpKind::Eltwise, p, {}, n), in, "eltwise", "eltwise " + toString(s));
        if (op == EltwiseOp::Sum) {
          p.coeffs.assign(n, 0.5f);
          p.coeffs[0] = -1.25f;
          check(makeFastNode(OpKind::Eltwise, p, {}, n), in, "eltwise", "weighted sum " + toString(s));
        }
      }
    }
  }
}

TEST_P(FastEltwise, BinaryBroadcasts) {
  const BinaryOpKind ops[] = {BinaryOpKind::Add, BinaryOpKind::Sub, BinaryOpKind::Mul, BinaryOpKind::Div,
                              BinaryOpKind::Max, BinaryOpKind::Min, BinaryOpKind::RSub, BinaryOpKind::RDiv};
  const Shape a{1, 6, 5, 9};
  for (BinaryOpKind op : ops) {
    BinaryParams p;
    p.op = op;
    // Positive operands keep Div / RDiv away from zero.
    Tensor x = randomTensor(a, rng, 0.5f, 2.f);
    check(makeFastNode(OpKind::Binary, p, {}, 2), {x, randomTensor(a, rng, 0.5f, 2.f)}, "binary", "same shape");
    check(makeFastNode(OpKind::Binary, p, {}, 2), {x, randomTensor({1}, rng, 0.5f, 2.f)}, "binary", "one element");
    check(makeFastNode(OpKind::Binary, p, {}, 2), {x, randomTensor({1, 6, 1, 1}, rng, 0.5f, 2.f)}, "binary",
          "per channel input");
    check(makeFastNode(OpKind::Binary, p, {randomTensor({6, 1, 1}, rng, 0.5f, 2.f)}, 1), {x}, "binary",
          "per channel constant");
    BinaryParams ps = p;
    ps.with_scalar = true, ps.scalar = 1.75f;
    check(makeFastNode(OpKind::Binary, ps, {}, 1), {x}, "binary", "with scalar");
  }
}

TEST_P(FastEltwise, ActivationsAndChannelAffine) {
  const Shape s{1, 7, 6, 5};
  Tensor x = randomTensor(s, rng, -3.f, 3.f);
  const Activation acts[] = {{ActKind::ReLU, 0, 0},          {ActKind::LeakyReLU, 0.1f, 0},
                             {ActKind::Clip, -1.f, 2.f},     {ActKind::HardSigmoid, 0.2f, 0.5f},
                             {ActKind::HardSwish, 1 / 6.f, 0.5f}};
  for (const Activation& a : acts)
    check(makeFastNode(OpKind::Activation, ActivationParams{a}), {x}, "activation", toString(a.kind));

  check(makeFastNode(OpKind::PReLU, PReLUParams{}, {randomTensor({7}, rng)}), {x}, "prelu", "prelu per channel");
  check(makeFastNode(OpKind::PReLU, PReLUParams{}, {randomTensor({1}, rng)}), {x}, "prelu", "prelu shared");
  check(makeFastNode(OpKind::Scale, ScaleParams{true}, {randomTensor({7}, rng), randomTensor({7}, rng)}), {x},
        "scale", "scale with bias");
  check(makeFastNode(OpKind::Scale, ScaleParams{false}, {randomTensor({7}, rng)}), {x}, "scale", "scale");
  check(makeFastNode(OpKind::BatchNorm, BatchNormParams{1e-3f},
                     {randomTensor({7}, rng), randomTensor({7}, rng), randomTensor({7}, rng, 0.1f, 2.f),
                      randomTensor({7}, rng)}),
        {x}, "batchnorm", "batchnorm");
}

TEST_P(FastEltwise, InnerProduct) {
  for (int64_t k : {1, 17, 64, 2048}) {
    for (int m : {1, 5, 16, 1000}) {
      InnerProductParams p;
      p.num_output = m;
      p.bias = m % 2 == 0;
      p.act.kind = m == 5 ? ActKind::Sigmoid : ActKind::ReLU;
      std::vector<Tensor> w{randomTensor({m, k}, rng)};
      if (p.bias) w.push_back(randomTensor({m}, rng));
      const Shape in = k == 2048 ? Shape{1, 2048, 1, 1} : Shape{1, k};
      check(makeFastNode(OpKind::InnerProduct, p, w), {randomTensor(in, rng)}, "inner_product",
            "fc " + std::to_string(k) + "->" + std::to_string(m));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Isa, FastEltwise, ::testing::ValuesIn(fastIsaLevels()),
                         [](const ::testing::TestParamInfo<Isa>& i) { return std::string(toString(i.param)); });

}  // namespace
}  // namespace eqw::testing
