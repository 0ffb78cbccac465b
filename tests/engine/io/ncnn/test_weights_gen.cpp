// generateWeights: He-scaled and seeded per (seed, node name), identity-like normalisation.
#include <eqw/io.h>

#include <gtest/gtest.h>

#include <cmath>

namespace eqw {
namespace {

Node convNode(const std::string& name, int out, int in, int k) {
  Node n;
  n.name = name;
  n.kind = OpKind::Convolution;
  ConvParams p;
  p.num_output = out;
  p.kernel_h = p.kernel_w = k;
  p.bias = true;
  n.params = p;
  n.weights = {Tensor(Shape{out, in, k, k}), Tensor(Shape{out})};
  return n;
}

void moments(const Tensor& t, double* mean, double* var) {
  double s = 0, s2 = 0;
  for (int64_t i = 0; i < t.numel(); ++i) {
    s += t.f32()[i];
    s2 += double(t.f32()[i]) * t.f32()[i];
  }
  *mean = s / t.numel();
  *var = s2 / t.numel() - *mean * *mean;
}

TEST(WeightsGen, ConvIsHeScaled) {
  Node n = convNode("conv", 128, 64, 3);
  generateWeights(n, 1);
  double mean, var;
  moments(n.weights[0], &mean, &var);
  const double he = 2.0 / (64 * 9);
  EXPECT_NEAR(mean, 0.0, 0.01 * std::sqrt(he) * 10);
  EXPECT_NEAR(var, he, he * 0.03);  // 73 728 samples: ~0.5 % standard error
  moments(n.weights[1], &mean, &var);
  EXPECT_LT(std::sqrt(var), 0.05);  // small bias
  // Kurtosis of a normal is 3: the generator is not a uniform or a clipped shape.
  double m4 = 0;
  for (int64_t i = 0; i < n.weights[0].numel(); ++i) m4 += std::pow(n.weights[0].f32()[i], 4);
  EXPECT_NEAR(m4 / n.weights[0].numel() / (he * he), 3.0, 0.15);
}

TEST(WeightsGen, DeterministicPerSeedAndName) {
  Node a = convNode("conv", 8, 4, 3), b = convNode("conv", 8, 4, 3), c = convNode("other", 8, 4, 3), d = convNode("conv", 8, 4, 3);
  generateWeights(a, 7);
  generateWeights(b, 7);
  generateWeights(c, 7);
  generateWeights(d, 8);
  int sameB = 0, sameC = 0, sameD = 0;
  for (int64_t i = 0; i < a.weights[0].numel(); ++i) {
    sameB += a.weights[0].f32()[i] == b.weights[0].f32()[i];
    sameC += a.weights[0].f32()[i] == c.weights[0].f32()[i];
    sameD += a.weights[0].f32()[i] == d.weights[0].f32()[i];
  }
  EXPECT_EQ(sameB, a.weights[0].numel());
  EXPECT_LT(sameC, 3);
  EXPECT_LT(sameD, 3);
}

TEST(WeightsGen, InnerProductFanInAndMissingBias) {
  Node n;
  n.name = "fc";
  n.kind = OpKind::InnerProduct;
  n.params = InnerProductParams{1000, true, {}};
  n.weights = {Tensor(Shape{1000, 512})};
  generateWeights(n, 3);
  ASSERT_EQ(n.weights.size(), 2u);  // the bias the params ask for was created
  EXPECT_EQ(n.weights[1].numel(), 1000);
  double mean, var;
  moments(n.weights[0], &mean, &var);
  EXPECT_NEAR(var, 2.0 / 512, 2.0 / 512 * 0.02);
}

TEST(WeightsGen, BatchNormIsIdentityLike) {
  Node n;
  n.name = "bn";
  n.kind = OpKind::BatchNorm;
  n.params = BatchNormParams{};
  for (int i = 0; i < 4; ++i) n.weights.push_back(Tensor(Shape{256}));
  generateWeights(n, 5);
  double mean, var;
  moments(n.weights[0], &mean, &var);
  EXPECT_NEAR(mean, 1.0, 0.02);  // slope
  moments(n.weights[1], &mean, &var);
  EXPECT_NEAR(mean, 0.0, 0.02);  // mean
  for (int64_t i = 0; i < 256; ++i) EXPECT_GT(n.weights[2].f32()[i], 0.f);  // var must stay positive
  moments(n.weights[2], &mean, &var);
  EXPECT_NEAR(mean, 1.0, 0.05);
  moments(n.weights[3], &mean, &var);
  EXPECT_NEAR(mean, 0.0, 0.02);  // bias
}

TEST(WeightsGen, OtherKinds) {
  Node prelu;
  prelu.name = "p";
  prelu.kind = OpKind::PReLU;
  prelu.params = PReLUParams{};
  prelu.weights = {Tensor(Shape{16})};
  generateWeights(prelu, 1);
  EXPECT_FLOAT_EQ(prelu.weights[0].f32()[3], 0.25f);

  Node mul;
  mul.name = "m";
  mul.kind = OpKind::Binary;
  mul.params = BinaryParams{BinaryOpKind::Mul, false, 0.f, false, {}};
  mul.weights = {Tensor(Shape{64})};
  generateWeights(mul, 1);
  double mean, var;
  moments(mul.weights[0], &mean, &var);
  EXPECT_NEAR(mean, 1.0, 0.05);  // multiplicative constants stay near 1

  Node mm;
  mm.name = "mm";
  mm.kind = OpKind::MatMul;
  mm.params = MatMulParams{};
  mm.weights = {Tensor(Shape{256, 64})};
  generateWeights(mm, 1);
  moments(mm.weights[0], &mean, &var);
  EXPECT_NEAR(var, 2.0 / 256, 2.0 / 256 * 0.05);

  Node norm;
  norm.name = "n";
  norm.kind = OpKind::Normalize;
  norm.params = NormalizeParams{};
  norm.weights = {Tensor(Shape{512})};
  generateWeights(norm, 1);
  EXPECT_NEAR(norm.weights[0].f32()[0], std::sqrt(512.f), 1e-4);
}

}  // namespace
}  // namespace eqw
