// LayerNorm fusion at ONNX import (engine/io/onnx/fusion_layernorm.cpp): the primitive spelling
// PaddleOCR's PP-OCRv4 rec export uses becomes one LayerNorm node only when the pattern is exact.
// Fused runs are checked against the same graph left in primitives and against a double-precision
// LayerNorm computed here.
#include <eqw/io.h>
#include <eqw/runtime.h>

#include <gtest/gtest.h>

#include <cmath>

#include "onnx_test_util.h"

namespace eqw {
namespace {

using namespace onnxtest;

struct Spec {
  Shape shape = {1, 4, 6};
  int64_t axis = -1;             // both ReduceMeans
  float power = 2.f;
  float eps = 1e-5f;
  bool affine = true;
  bool exposeDiff = false;       // also make x - mean a graph output: the pattern is no longer internal
};

std::vector<float> gammaValues(int64_t c) { return randomValues(static_cast<size_t>(c), 7, 0.5f, 1.5f); }
std::vector<float> betaValues(int64_t c) { return randomValues(static_cast<size_t>(c), 8, -0.5f, 0.5f); }

// x -> ReduceMean -> Sub -> Pow -> ReduceMean -> Add(eps) -> Sqrt -> Div [-> Mul(gamma) -> Add(beta)] -> y,
// node for node as paddle2onnx writes it (Pow's exponent and eps are scalar constants).
std::string writeModel(const Spec& s, const std::string& name) {
  ModelBuilder b(13);
  b.input("x", s.shape);
  const int64_t c = s.shape.back();
  b.initializer("two", {}, {s.power});
  b.initializer("eps", {}, {s.eps});
  setInts(b.node("ReduceMean", {"x"}, {"mean"}, "mean"), "axes", {s.axis});
  b.node("Sub", {"x", "mean"}, {"diff"}, "sub");
  b.node("Pow", {"diff", "two"}, {"sq"}, "pow");
  setInts(b.node("ReduceMean", {"sq"}, {"var"}, "var"), "axes", {s.axis});
  b.node("Add", {"var", "eps"}, {"var_eps"}, "add_eps");
  b.node("Sqrt", {"var_eps"}, {"std"}, "sqrt");
  b.node("Div", {"diff", "std"}, {s.affine ? "norm" : "y"}, "div");
  if (s.affine) {
    b.initializer("gamma", {c}, gammaValues(c));
    b.initializer("beta", {c}, betaValues(c));
    b.node("Mul", {"norm", "gamma"}, {"scaled"}, "mul_gamma");
    b.node("Add", {"scaled", "beta"}, {"y"}, "add_beta");
  }
  b.output("y");
  if (s.exposeDiff) b.output("diff");
  return b.write(scratchDir(name) + "/" + name + ".onnx");
}

int countKind(const Graph& g, OpKind kind) {
  int n = 0;
  for (const Node& node : g.nodes) n += node.kind == kind;
  return n;
}

std::vector<float> runGraph(const Graph& g, const std::vector<float>& x) {
  auto ex = Executor::create(g);
  EXPECT_TRUE(ex.isOk()) << ex.status().toString();
  if (!ex.isOk()) return {};
  Status s = (*ex)->run({Tensor::fromVector(g.values[g.inputs[0]].shape, x)});
  EXPECT_TRUE(s.isOk()) << s.toString();
  const Tensor& y = (*ex)->output(0);
  return std::vector<float>(y.f32(), y.f32() + y.numel());
}

// y over the last axis in double: the independent oracle.
std::vector<float> layerNormOracle(const Spec& s, const std::vector<float>& x) {
  const int64_t c = s.shape.back();
  const std::vector<float> gamma = gammaValues(c), beta = betaValues(c);
  std::vector<float> y(x.size());
  for (size_t row = 0; row < x.size() / c; ++row) {
    const float* xr = x.data() + row * c;
    double mean = 0, var = 0;
    for (int64_t i = 0; i < c; ++i) mean += xr[i];
    mean /= c;
    for (int64_t i = 0; i < c; ++i) var += (xr[i] - mean) * (xr[i] - mean);
    var /= c;
    for (int64_t i = 0; i < c; ++i) {
      double v = (xr[i] - mean) / std::sqrt(var + s.eps);
      if (s.affine) v = v * gamma[i] + beta[i];
      y[row * c + i] = static_cast<float>(v);
    }
  }
  return y;
}

void expectNear(const std::vector<float>& a, const std::vector<float>& b, double tol, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], tol) << what << " at " << i;
}

TEST(OnnxLayerNormFusion, PaddlePatternBecomesOneNodeAndAgreesWithPrimitives) {
  Spec fusedSpec;
  Spec plainSpec;
  plainSpec.exposeDiff = true;  // same math for y, but an intermediate leaves the pattern
  Diagnostics diags;
  Result<Graph> fused = loadModel(writeModel(fusedSpec, "ln_fused"), {}, &diags);
  Result<Graph> plain = loadModel(writeModel(plainSpec, "ln_plain"));
  ASSERT_TRUE(fused.isOk()) << fused.status().toString();
  ASSERT_TRUE(plain.isOk()) << plain.status().toString();

  EXPECT_EQ(countKind(*fused, OpKind::LayerNorm), 1);
  EXPECT_EQ(countKind(*fused, OpKind::Reduce), 0);
  EXPECT_EQ(countKind(*fused, OpKind::Binary), 0);
  EXPECT_EQ(countKind(*plain, OpKind::LayerNorm), 0);
  EXPECT_EQ(countKind(*plain, OpKind::Reduce), 2);
  const int ln = fused->findNode("add_beta");
  ASSERT_GE(ln, 0);
  const Node& node = fused->nodes[ln];
  EXPECT_EQ(node.kind, OpKind::LayerNorm);
  EXPECT_FLOAT_EQ(node.p<LayerNormParams>().eps, 1e-5f);
  EXPECT_TRUE(node.p<LayerNormParams>().affine);
  ASSERT_EQ(node.weights.size(), 2u);
  EXPECT_EQ(node.weights[0].shape(), Shape({6}));
  EXPECT_EQ(node.inputs, std::vector<int>{fused->findValue("x")});
  bool reported = false;
  for (const Diagnostic& d : diags) reported |= d.message.find("into LayerNorm 'add_beta'") != std::string::npos;
  EXPECT_TRUE(reported) << "no Info diagnostic names the fused node";

  const std::vector<float> x = randomValues(24, 3, -3.f, 5.f);
  const std::vector<float> yFused = runGraph(*fused, x), yPlain = runGraph(*plain, x);
  expectNear(yFused, yPlain, 1e-5, "fused vs primitives");
  expectNear(yFused, layerNormOracle(fusedSpec, x), 1e-5, "fused vs double oracle");
}

TEST(OnnxLayerNormFusion, WithoutAffineTailAndOnRank4) {
  Spec s;
  s.shape = {1, 2, 3, 8};
  s.axis = 3;  // the last axis, written positively
  s.affine = false;
  s.eps = 1e-6f;
  Result<Graph> g = loadModel(writeModel(s, "ln_plain_tail"));
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  ASSERT_EQ(countKind(*g, OpKind::LayerNorm), 1);
  const Node& node = g->nodes[g->findNode("div")];
  EXPECT_FALSE(node.p<LayerNormParams>().affine);
  EXPECT_TRUE(node.weights.empty());
  const std::vector<float> x = randomValues(48, 4, -2.f, 2.f);
  expectNear(runGraph(*g, x), layerNormOracle(s, x), 1e-5, "no gamma/beta");
}

// Near misses stay in primitives (and still run).
TEST(OnnxLayerNormFusion, InexactPatternsAreLeftAlone) {
  Spec notLast;
  notLast.axis = 1;              // normalising over the middle axis is not LayerNorm(axis -1)
  notLast.shape = {1, 6, 6};
  Spec cube;
  cube.power = 3.f;
  Spec exposed;
  exposed.exposeDiff = true;
  const std::pair<const char*, Spec> cases[] = {{"ln_not_last", notLast}, {"ln_cube", cube}, {"ln_exposed", exposed}};
  for (const auto& [name, spec] : cases) {
    Result<Graph> g = loadModel(writeModel(spec, name));
    ASSERT_TRUE(g.isOk()) << name << ": " << g.status().toString();
    EXPECT_EQ(countKind(*g, OpKind::LayerNorm), 0) << name;
    EXPECT_EQ(countKind(*g, OpKind::Reduce), 2) << name;
    EXPECT_FALSE(runGraph(*g, randomValues(static_cast<size_t>(numel(spec.shape)), 5)).empty()) << name;
  }
}

}  // namespace
}  // namespace eqw
