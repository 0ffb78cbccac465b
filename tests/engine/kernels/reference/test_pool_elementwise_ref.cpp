// Pooling (hand-computed windows) and the element-wise / per-channel ops.
#include <cmath>

#include "ref_test_util.h"

namespace eqw {
namespace {

using testing::expectClose;
using testing::makeNode;
using testing::randomTensor;
using testing::runRef;
using testing::values;

void expectNear(const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-6f * std::max(1.f, std::fabs(want[i]))) << "at " << i;
}

// 1x1x3x3 input 1..9 for hand-computed pools.
Tensor nine() { return Tensor::fromVector({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}); }

TEST(RefPooling, CeilModeCaffeDivisors) {
  // k=2, s=2, no pads, ceil: windows rows {0,1},{2}, cols likewise.
  PoolParams p;
  p.type = PoolType::Avg;
  p.kernel_h = p.kernel_w = 2;
  p.stride_h = p.stride_w = 2;
  p.ceil_mode = true;
  p.count_include_pad = true;  // the ceil extra is not explicit padding: divisor = real area
  Node n = makeNode(OpKind::Pooling, p);
  auto out = runRef(n, {nine()});
  ASSERT_EQ(out.size(), 1u);
  expectClose(out[0], {1, 1, 2, 2}, {3.f, 4.5f, 7.5f, 9.f});

  // Explicit pad 1 with count_include_pad: corners count the explicit pad, not the ceil tail.
  // k=2, s=2, pad 1 -> span 3+2-2=3, ceil(3/2)+1 = 3, last start 4 >= 3+1 -> dropped: 2x2 output.
  p.pads = {1, 1, 1, 1};
  Node n2 = makeNode(OpKind::Pooling, p);
  auto o2 = runRef(n2, {nine()});
  ASSERT_EQ(o2.size(), 1u);
  // windows rows {-1,0},{1,2}: divisor 4 each (all within the explicitly padded extent)
  expectClose(o2[0], {1, 1, 2, 2}, {1.f / 4, (2 + 3) / 4.f, (4 + 7) / 4.f, (5 + 6 + 8 + 9) / 4.f});
  p.count_include_pad = false;
  Node n3 = makeNode(OpKind::Pooling, p);
  auto o3 = runRef(n3, {nine()});
  ASSERT_EQ(o3.size(), 1u);
  expectClose(o3[0], {1, 1, 2, 2}, {1.f, 2.5f, 5.5f, 7.f});
}

TEST(RefPooling, MaxWithPadsAndGlobal) {
  PoolParams p;
  p.kernel_h = p.kernel_w = 3;
  p.stride_h = p.stride_w = 2;
  p.pads = {1, 1, 1, 1};
  Tensor x = Tensor::fromVector({1, 1, 3, 3}, {-1, -2, -3, -4, -5, -6, -7, -8, -9});
  Node n = makeNode(OpKind::Pooling, p);
  auto out = runRef(n, {x});
  ASSERT_EQ(out.size(), 1u);
  expectClose(out[0], {1, 1, 2, 2}, {-1, -2, -4, -5});  // padding never wins a max

  PoolParams g;
  g.global = true;
  g.type = PoolType::Avg;
  g.keep_dims = false;
  Tensor y = randomTensor({1, 3, 4, 5}, 3);
  Node gn = makeNode(OpKind::Pooling, g);
  auto go = runRef(gn, {y});
  ASSERT_EQ(go.size(), 1u);
  std::vector<float> want(3, 0.f);
  for (int c = 0; c < 3; ++c) {
    double s = 0;
    for (int i = 0; i < 20; ++i) s += y.f32()[c * 20 + i];
    want[c] = static_cast<float>(s / 20);
  }
  expectClose(go[0], {1, 3}, want);
}

TEST(RefActivation, EveryKind) {
  Tensor x = Tensor::fromVector({1, 5}, {-3, -0.5f, 0, 0.5f, 3});
  auto run = [&](Activation act) {
    Node n = makeNode(OpKind::Activation, ActivationParams{act});
    auto out = runRef(n, {x});
    return out.empty() ? std::vector<float>{} : values(out[0]);
  };
  expectNear(run({ActKind::ReLU, 0, 0}), {0, 0, 0, 0.5f, 3});
  expectNear(run({ActKind::LeakyReLU, 0.1f, 0}), {-0.3f, -0.05f, 0, 0.5f, 3});
  expectNear(run({ActKind::Clip, -1, 1}), {-1, -0.5f, 0, 0.5f, 1});
  expectNear(run({ActKind::HardSigmoid, 0.2f, 0.5f}), {0, 0.4f, 0.5f, 0.6f, 1});
  auto hs = run({ActKind::HardSwish, 1.f / 6, 0.5f});
  ASSERT_EQ(hs.size(), 5u);
  EXPECT_FLOAT_EQ(hs[1], -0.5f * (2.5f / 6));
  EXPECT_FLOAT_EQ(hs[4], 3.f);
  auto sig = run({ActKind::Sigmoid, 0, 0});
  auto sw = run({ActKind::Swish, 0, 0});
  auto mish = run({ActKind::Mish, 0, 0});
  auto th = run({ActKind::TanH, 0, 0});
  for (int i = 0; i < 5; ++i) {
    const double v = x.f32()[i];
    EXPECT_NEAR(sig[i], 1 / (1 + std::exp(-v)), 1e-6);
    EXPECT_NEAR(sw[i], v / (1 + std::exp(-v)), 1e-6);
    EXPECT_NEAR(mish[i], v * std::tanh(std::log(1 + std::exp(v))), 1e-6);
    EXPECT_NEAR(th[i], std::tanh(v), 1e-6);
  }
}

TEST(RefPerChannel, PReLUBatchNormScale) {
  Tensor x = Tensor::fromVector({1, 2, 1, 2}, {-1, 2, -3, 4});
  Node pr = makeNode(OpKind::PReLU, PReLUParams{}, {Tensor::fromVector({2}, {0.5f, 0.25f})});
  auto o = runRef(pr, {x});
  ASSERT_EQ(o.size(), 1u);
  expectClose(o[0], {1, 2, 1, 2}, {-0.5f, 2, -0.75f, 4});

  BatchNormParams bp;
  bp.eps = 0.f;
  Node bn = makeNode(OpKind::BatchNorm, bp,
                     {Tensor::fromVector({2}, {2, 1}), Tensor::fromVector({2}, {1, -1}), Tensor::fromVector({2}, {4, 0.25f}),
                      Tensor::fromVector({2}, {0, 1})});
  auto b = runRef(bn, {x});
  ASSERT_EQ(b.size(), 1u);
  // c0: 2 * (x - 1) / 2 + 0; c1: (x + 1) / 0.5 + 1
  expectClose(b[0], {1, 2, 1, 2}, {-2, 1, -3, 11});

  ScaleParams sp;
  sp.bias = true;
  Node sc = makeNode(OpKind::Scale, sp, {Tensor::fromVector({2}, {2, -1}), Tensor::fromVector({2}, {1, 0})});
  auto s = runRef(sc, {x});
  ASSERT_EQ(s.size(), 1u);
  expectClose(s[0], {1, 2, 1, 2}, {-1, 5, 3, -4});
}

TEST(RefEltwise, SumWithCoeffsProdMax) {
  Tensor a = Tensor::fromVector({1, 3}, {1, 2, 3});
  Tensor b = Tensor::fromVector({1, 3}, {4, -5, 6});
  EltwiseParams p;
  p.coeffs = {1, -2};
  Node sum = makeNode(OpKind::Eltwise, p);
  expectClose(runRef(sum, {a, b})[0], {1, 3}, {-7, 12, -9});
  p.op = EltwiseOp::Prod;
  Node prod = makeNode(OpKind::Eltwise, p);
  expectClose(runRef(prod, {a, b, a})[0], {1, 3}, {4, -20, 54});
  p.op = EltwiseOp::Max;
  Node mx = makeNode(OpKind::Eltwise, p);
  expectClose(runRef(mx, {a, b})[0], {1, 3}, {4, 2, 6});
}

TEST(RefBinary, NcnnPerChannelAndNumpyBroadcast) {
  Tensor a = randomTensor({1, 3, 2, 2}, 5);
  Tensor perChannel = Tensor::fromVector({1, 3}, {10, 20, 30});
  BinaryParams p;
  p.op = BinaryOpKind::Add;
  p.ncnn_broadcast = true;
  Node n = makeNode(OpKind::Binary, p);
  auto out = runRef(n, {a, perChannel});
  ASSERT_EQ(out.size(), 1u);
  std::vector<float> want;
  for (int i = 0; i < 12; ++i) want.push_back(a.f32()[i] + 10.f * (1 + i / 4));
  expectClose(out[0], {1, 3, 2, 2}, want);

  // Without the ncnn flag, [1, 2] broadcasts against the innermost axis (numpy).
  BinaryParams q;
  q.op = BinaryOpKind::Sub;
  Node m = makeNode(OpKind::Binary, q);
  Tensor row = Tensor::fromVector({1, 2}, {1, 2});
  auto o2 = runRef(m, {a, row});
  ASSERT_EQ(o2.size(), 1u);
  want.clear();
  for (int i = 0; i < 12; ++i) want.push_back(a.f32()[i] - (1 + i % 2));
  expectClose(o2[0], {1, 3, 2, 2}, want);

  // ncnn: a lower-rank first operand is expanded too ([1,3] / [1,3,2,2] reads a per channel).
  BinaryParams r;
  r.op = BinaryOpKind::Div;
  r.ncnn_broadcast = true;
  Node rn = makeNode(OpKind::Binary, r);
  auto o3 = runRef(rn, {perChannel, a});
  ASSERT_EQ(o3.size(), 1u);
  want.clear();
  for (int i = 0; i < 12; ++i) want.push_back(10.f * (1 + i / 4) / a.f32()[i]);
  expectClose(o3[0], {1, 3, 2, 2}, want);
}

TEST(RefBinary, ScalarConstantAndEveryOp) {
  Tensor a = Tensor::fromVector({1, 2}, {2, 3});
  auto run = [&](BinaryOpKind op, bool scalar) {
    BinaryParams p;
    p.op = op;
    p.with_scalar = scalar;
    p.scalar = 4.f;
    Node n = makeNode(OpKind::Binary, p, scalar ? std::vector<Tensor>{} : std::vector<Tensor>{Tensor::fromVector({1}, {4})});
    auto out = runRef(n, {a});
    return out.empty() ? std::vector<float>{} : values(out[0]);
  };
  for (bool scalar : {true, false}) {
    expectNear(run(BinaryOpKind::Add, scalar), {6, 7});
    expectNear(run(BinaryOpKind::Sub, scalar), {-2, -1});
    expectNear(run(BinaryOpKind::Mul, scalar), {8, 12});
    expectNear(run(BinaryOpKind::Div, scalar), {0.5f, 0.75f});
    expectNear(run(BinaryOpKind::Max, scalar), {4, 4});
    expectNear(run(BinaryOpKind::Min, scalar), {2, 3});
    expectNear(run(BinaryOpKind::Pow, scalar), {16, 81});
    expectNear(run(BinaryOpKind::RSub, scalar), {2, 1});
    expectNear(run(BinaryOpKind::RDiv, scalar), {2, 4.f / 3});
  }
}

TEST(RefUnary, EveryOp) {
  const std::vector<float> in = {0.25f, 1.5f, 2.f};
  Tensor x = Tensor::fromVector({1, 3}, in);
  auto check = [&](UnaryOpKind op, double (*f)(double)) {
    Node n = makeNode(OpKind::Unary, UnaryParams{op});
    auto out = runRef(n, {x});
    ASSERT_EQ(out.size(), 1u);
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(out[0].f32()[i], f(in[i]), 1e-6 * std::max(1.0, std::fabs(f(in[i])))) << int(op);
  };
  check(UnaryOpKind::Abs, [](double v) { return std::fabs(v); });
  check(UnaryOpKind::Neg, [](double v) { return -v; });
  check(UnaryOpKind::Floor, [](double v) { return std::floor(v); });
  check(UnaryOpKind::Ceil, [](double v) { return std::ceil(v); });
  check(UnaryOpKind::Square, [](double v) { return v * v; });
  check(UnaryOpKind::Sqrt, [](double v) { return std::sqrt(v); });
  check(UnaryOpKind::Rsqrt, [](double v) { return 1 / std::sqrt(v); });
  check(UnaryOpKind::Exp, [](double v) { return std::exp(v); });
  check(UnaryOpKind::Log, [](double v) { return std::log(v); });
  check(UnaryOpKind::Sin, [](double v) { return std::sin(v); });
  check(UnaryOpKind::Cos, [](double v) { return std::cos(v); });
  check(UnaryOpKind::Tan, [](double v) { return std::tan(v); });
  check(UnaryOpKind::Reciprocal, [](double v) { return 1 / v; });
  check(UnaryOpKind::Tanh, [](double v) { return std::tanh(v); });
  check(UnaryOpKind::Erf, [](double v) { return std::erf(v); });
}

}  // namespace
}  // namespace eqw
