// MatMul + Add classifier heads (PP-OCR cls writes its last layer this way) fused at ONNX import
// into one InnerProduct (engine/io/onnx/fusion_linear.cpp), checked against a double-precision
// x @ W + b computed here; shapes the fusion must not touch stay MatMul.
#include <eqw/io.h>
#include <eqw/runtime.h>

#include <gtest/gtest.h>

#include "onnx_test_util.h"

namespace eqw {
namespace {

using namespace onnxtest;

constexpr int64_t kK = 8, kN = 3;

// x[rows, K] @ W[K, N] (+ b[N]) -> y; with exposeProduct the MatMul's result is an output too.
std::string writeHead(const std::string& name, int64_t rows, bool bias, bool exposeProduct = false) {
  ModelBuilder b(13);
  b.input("x", {rows, kK});
  b.initializer("W", {kK, kN}, randomValues(kK * kN, 11));
  b.node("MatMul", {"x", "W"}, {bias ? "xw" : "y"}, "fc");
  if (bias) {
    b.initializer("b", {kN}, randomValues(kN, 12));
    b.node("Add", {"xw", "b"}, {"y"}, "fc_bias");
  }
  b.output("y");
  if (exposeProduct) b.output("xw");
  return b.write(scratchDir(name) + "/" + name + ".onnx");
}

std::vector<float> oracle(const std::vector<float>& x, int64_t rows, bool bias) {
  const std::vector<float> w = randomValues(kK * kN, 11), b = randomValues(kN, 12);
  std::vector<float> y(static_cast<size_t>(rows * kN));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t n = 0; n < kN; ++n) {
      double s = bias ? b[n] : 0.0;
      for (int64_t k = 0; k < kK; ++k) s += double(x[r * kK + k]) * w[k * kN + n];
      y[r * kN + n] = static_cast<float>(s);
    }
  return y;
}

int countKind(const Graph& g, OpKind kind) {
  int n = 0;
  for (const Node& node : g.nodes) n += node.kind == kind;
  return n;
}

void expectRunsLikeOracle(const Graph& g, int64_t rows, bool bias) {
  const std::vector<float> x = randomValues(static_cast<size_t>(rows * kK), 13, -2.f, 2.f);
  auto ex = Executor::create(g);
  ASSERT_TRUE(ex.isOk()) << ex.status().toString();
  ASSERT_TRUE((*ex)->run({Tensor::fromVector({rows, kK}, x)}).isOk());
  const Tensor& y = (*ex)->output(0);
  ASSERT_EQ(y.shape(), Shape({rows, kN}));
  const std::vector<float> want = oracle(x, rows, bias);
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(y.f32()[i], want[i], 1e-5) << "at " << i;
}

TEST(OnnxLinearHeadFusion, OneRowMatMulAddBecomesInnerProduct) {
  Diagnostics diags;
  Result<Graph> g = loadModel(writeHead("head_bias", 1, true), {}, &diags);
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  EXPECT_EQ(countKind(*g, OpKind::InnerProduct), 1);
  EXPECT_EQ(countKind(*g, OpKind::MatMul), 0);
  EXPECT_EQ(countKind(*g, OpKind::Binary), 0);
  const int fc = g->findNode("fc_bias");
  ASSERT_GE(fc, 0);
  const Node& node = g->nodes[fc];
  EXPECT_EQ(node.p<InnerProductParams>().num_output, kN);
  EXPECT_TRUE(node.p<InnerProductParams>().bias);
  ASSERT_EQ(node.weights.size(), 2u);
  EXPECT_EQ(node.weights[0].shape(), Shape({kN, kK}));
  // W is transposed: InnerProduct's row n holds column n of the MatMul's B.
  EXPECT_EQ(node.weights[0].f32()[1 * kK + 2], randomValues(kK * kN, 11)[2 * kN + 1]);
  bool reported = false;
  for (const Diagnostic& d : diags) reported |= d.message.find("into InnerProduct 'fc_bias'") != std::string::npos;
  EXPECT_TRUE(reported);
  expectRunsLikeOracle(*g, 1, true);
}

TEST(OnnxLinearHeadFusion, WithoutBias) {
  Result<Graph> g = loadModel(writeHead("head_plain", 1, false));
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  EXPECT_EQ(countKind(*g, OpKind::InnerProduct), 1);
  EXPECT_FALSE(g->nodes[g->findNode("fc")].p<InnerProductParams>().bias);
  expectRunsLikeOracle(*g, 1, false);
}

TEST(OnnxLinearHeadFusion, SeveralRowsStayMatMul) {
  Result<Graph> g = loadModel(writeHead("head_rows", 2, true));
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  EXPECT_EQ(countKind(*g, OpKind::InnerProduct), 0);
  EXPECT_EQ(countKind(*g, OpKind::MatMul), 1);
  expectRunsLikeOracle(*g, 2, true);
}

// The product is an output: only the MatMul becomes an InnerProduct (no bias), the Add stays.
TEST(OnnxLinearHeadFusion, ExposedProductKeepsTheAdd) {
  Result<Graph> g = loadModel(writeHead("head_exposed", 1, true, true));
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  EXPECT_EQ(countKind(*g, OpKind::InnerProduct), 1);
  EXPECT_EQ(countKind(*g, OpKind::Binary), 1);
  EXPECT_FALSE(g->nodes[g->findNode("fc")].p<InnerProductParams>().bias);
  expectRunsLikeOracle(*g, 1, true);
}

}  // namespace
}  // namespace eqw
