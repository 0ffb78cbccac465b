// What the importer builds from small hand-made models: fused activation patterns, folded
// shape arithmetic, weight formats, op mappings that need extra nodes. Numbers are checked
// against formulas computed here, independently of the engine's kernels.
#include <eqw/io.h>
#include <eqw/runtime.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "onnx_test_util.h"

namespace eqw::onnxtest {

namespace {

Result<Graph> import(ModelBuilder& b, const std::string& name, const ImportOptions& options = {},
                     Diagnostics* diags = nullptr) {
  return loadModel(b.write(scratchDir(name) + "/" + name + ".onnx"), options, diags);
}

std::vector<float> run(const Graph& g, const std::vector<float>& input) {
  ExecutorOptions eo;
  eo.reference = true;
  auto ex = Executor::create(g, eo);
  EXPECT_TRUE(ex.isOk()) << ex.status().toString();
  if (!ex) return {};
  Tensor in = Tensor::fromVector(g.values[g.inputs[0]].shape, input);
  Status s = (*ex)->run({in});
  EXPECT_TRUE(s.isOk()) << s.toString();
  const Tensor& out = (*ex)->output(0);
  return std::vector<float>(out.f32(), out.f32() + out.numel());
}

int countKind(const Graph& g, OpKind kind) {
  return static_cast<int>(std::count_if(g.nodes.begin(), g.nodes.end(), [&](const Node& n) { return n.kind == kind; }));
}

float hardSwish(float x) { return x * std::clamp(x / 6.f + 0.5f, 0.f, 1.f); }

// x -> [pattern] -> y on a [1, 2, 3, 3] input spanning the three pieces of hardswish.
ModelBuilder withInput(int opset = 13) {
  ModelBuilder b(opset);
  b.input("x", {1, 2, 3, 3});
  return b;
}

void addClip06(ModelBuilder& b, const std::string& in, const std::string& out, const std::string& name) {
  b.initializer(name + "_lo", {}, {0.f});
  b.initializer(name + "_hi", {}, {6.f});
  b.node("Clip", {in, name + "_lo", name + "_hi"}, {out}, name);
}

void expectHardSwish(ModelBuilder& b, const std::string& name) {
  Diagnostics diags;
  Result<Graph> g = import(b, name, {}, &diags);
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  ASSERT_EQ(g->nodes.size(), 1u) << name << ": the pattern was not fused into one node";
  const Node& n = g->nodes[0];
  ASSERT_EQ(n.kind, OpKind::Activation);
  const Activation& act = n.p<ActivationParams>().act;
  EXPECT_EQ(act.kind, ActKind::HardSwish);
  EXPECT_NEAR(act.a, 1.f / 6.f, 1e-6);
  EXPECT_NEAR(act.b, 0.5f, 1e-6);
  EXPECT_FALSE(diags.empty()) << "the fusion should be reported";
  std::vector<float> x = randomValues(18, 3, -5.f, 5.f);
  std::vector<float> y = run(*g, x);
  ASSERT_EQ(y.size(), x.size());
  for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(y[i], hardSwish(x[i]), 1e-5) << "x=" << x[i];
}

}  // namespace

TEST(OnnxImportGraph, FusesHardSwishWrittenAsMulDiv) {
  // x * Clip(x + 3, 0, 6) / 6 (PyTorch before opset 14, MobileNetV3 code).
  ModelBuilder b = withInput();
  b.initializer("three", {}, {3.f});
  b.initializer("six", {}, {6.f});
  b.node("Add", {"x", "three"}, {"t1"}, "add");
  addClip06(b, "t1", "t2", "clip");
  b.node("Mul", {"x", "t2"}, {"t3"}, "mul");
  b.node("Div", {"t3", "six"}, {"y"}, "div");
  b.output("y");
  expectHardSwish(b, "hswish_muldiv");
}

TEST(OnnxImportGraph, FusesHardSwishWithReciprocalConstantAndOtherOrder) {
  // x * (Clip(x + 3, 0, 6) * 0.1666) with relu6 written as Relu then Clip.
  ModelBuilder b = withInput();
  b.initializer("three", {1}, {3.f});
  b.initializer("sixth", {1}, {0.16666667f});
  b.node("Add", {"three", "x"}, {"t1"}, "add");
  b.node("Relu", {"t1"}, {"r"}, "relu");
  addClip06(b, "r", "t2", "clip");
  b.node("Mul", {"t2", "sixth"}, {"t3"}, "scale");
  b.node("Mul", {"t3", "x"}, {"y"}, "mul");
  b.output("y");
  expectHardSwish(b, "hswish_sixth");
}

TEST(OnnxImportGraph, FusesHardSigmoidTimesX) {
  ModelBuilder b = withInput(11);
  auto& hs = b.node("HardSigmoid", {"x"}, {"h"}, "hsig");
  setFloat(hs, "alpha", 1.f / 6.f);
  b.node("Mul", {"x", "h"}, {"y"}, "mul");
  b.output("y");
  expectHardSwish(b, "hswish_hsig");
}

TEST(OnnxImportGraph, FusesExporterHardSwishButNotSqueezeExcitation) {
  // PyTorch at opset 12 writes hardswish as HardSigmoid + Mul; the squeeze-and-excitation gate
  // y * HardSigmoid(s) multiplies by a different tensor and must stay as it is.
  const std::string path = std::string(EQW_SOURCE_DIR) + "/tests/data/onnx/models/torch_mobilenet_block_opset12/model.onnx";
  Result<Graph> g = loadModel(path);
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  int hswish = 0, hsigmoid = 0;
  for (const Node& n : g->nodes) {
    if (n.kind != OpKind::Activation) continue;
    hswish += n.p<ActivationParams>().act.kind == ActKind::HardSwish;
    hsigmoid += n.p<ActivationParams>().act.kind == ActKind::HardSigmoid;
  }
  EXPECT_EQ(hswish, 3);
  EXPECT_EQ(hsigmoid, 1);
  EXPECT_EQ(countKind(*g, OpKind::Binary), 2);  // the gate product and the residual sum
}

TEST(OnnxImportGraph, FusesClipOfScaledInputIntoHardSigmoid) {
  // Clip(x / 6 + 0.5, 0, 1).
  ModelBuilder b = withInput();
  b.initializer("six", {}, {6.f});
  b.initializer("half", {}, {0.5f});
  b.initializer("lo", {}, {0.f});
  b.initializer("hi", {}, {1.f});
  b.node("Div", {"x", "six"}, {"t1"}, "div");
  b.node("Add", {"t1", "half"}, {"t2"}, "add");
  b.node("Clip", {"t2", "lo", "hi"}, {"y"}, "clip");
  b.output("y");
  Result<Graph> g = import(b, "hsigmoid_clip");
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  ASSERT_EQ(g->nodes.size(), 1u);
  const Activation& act = g->nodes[0].p<ActivationParams>().act;
  EXPECT_EQ(act.kind, ActKind::HardSigmoid);
  std::vector<float> x = randomValues(18, 5, -5.f, 5.f);
  std::vector<float> y = run(*g, x);
  for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(y[i], std::clamp(x[i] / 6.f + 0.5f, 0.f, 1.f), 1e-6);
}

TEST(OnnxImportGraph, DoesNotFuseWhenAnIntermediateIsUsedElsewhere) {
  ModelBuilder b = withInput();
  b.initializer("three", {}, {3.f});
  b.initializer("six", {}, {6.f});
  b.node("Add", {"x", "three"}, {"t1"}, "add");
  addClip06(b, "t1", "t2", "clip");
  b.node("Mul", {"x", "t2"}, {"t3"}, "mul");
  b.node("Div", {"t3", "six"}, {"y"}, "div");
  b.output("y");
  b.output("t2");  // the clipped value is read by the user too
  Result<Graph> g = import(b, "no_fusion");
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  EXPECT_EQ(g->nodes.size(), 4u);
  EXPECT_EQ(countKind(*g, OpKind::Activation), 1);
}

TEST(OnnxImportGraph, FoldsPyTorchFlattenChainWithSymbolicBatch) {
  // x.view(x.size(0), -1): Shape -> Gather(0) -> Unsqueeze -> Concat([-1]) -> Reshape.
  ModelBuilder b(11);
  b.input("x", {-1, 2, 3, 4});
  b.initializerInts("zero", {}, {0});
  b.initializerInts("minus1", {1}, {-1});
  b.node("Shape", {"x"}, {"s"}, "shape");
  auto& gather = b.node("Gather", {"s", "zero"}, {"n"}, "gather");
  setInt(gather, "axis", 0);
  auto& unsq = b.node("Unsqueeze", {"n"}, {"n1"}, "unsqueeze");
  setInts(unsq, "axes", {0});
  auto& cat = b.node("Concat", {"n1", "minus1"}, {"shape_out"}, "concat");
  setInt(cat, "axis", 0);
  b.node("Reshape", {"x", "shape_out"}, {"y"}, "flatten");
  b.output("y");
  Result<Graph> g = import(b, "flatten_chain");
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  ASSERT_EQ(g->nodes.size(), 1u) << "the shape arithmetic should fold away";
  EXPECT_EQ(g->nodes[0].kind, OpKind::Reshape);
  EXPECT_EQ(g->nodes[0].p<ReshapeParams>().shape, (std::vector<int64_t>{1, -1}));
  EXPECT_EQ(g->values[g->inputs[0]].shape, (Shape{1, 2, 3, 4}));
  EXPECT_EQ(g->values[g->outputs[0]].shape, (Shape{1, 24}));
}

TEST(OnnxImportGraph, ConstantNodesAndTensorFormatsBecomeWeights) {
  ModelBuilder b(13);
  b.input("x", {1, 2, 2, 2});
  // Conv weights from a Constant node holding float16 raw data; bias as doubles in double_data.
  onnx::TensorProto w;
  w.set_data_type(onnx::TensorProto::FLOAT16);
  for (int64_t d : {1, 2, 1, 1}) w.add_dims(d);
  const uint16_t half[2] = {0x3C00, 0xC000};  // 1.0, -2.0
  w.set_raw_data(std::string(reinterpret_cast<const char*>(half), sizeof half));
  auto& cw = b.node("Constant", {}, {"w"}, "weights");
  setTensor(cw, "value", w);
  onnx::TensorProto bias;
  bias.set_name("bias");
  bias.set_data_type(onnx::TensorProto::DOUBLE);
  bias.add_dims(1);
  bias.add_double_data(0.25);
  *b.graph().add_initializer() = bias;
  b.node("Conv", {"x", "w", "bias"}, {"c"}, "conv");
  // A scalar from value_float: Mul by 3.
  auto& k = b.node("Constant", {}, {"k"}, "three");
  setFloat(k, "value_float", 3.f);
  b.node("Mul", {"c", "k"}, {"y"}, "scale");
  b.output("y");
  Result<Graph> g = import(b, "formats");
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  ASSERT_EQ(g->nodes.size(), 2u);
  const Node& conv = g->nodes[0];
  ASSERT_EQ(conv.weights.size(), 2u);
  EXPECT_EQ(conv.weights[0].f32()[0], 1.f);
  EXPECT_EQ(conv.weights[0].f32()[1], -2.f);
  EXPECT_EQ(conv.weights[1].f32()[0], 0.25f);
  const BinaryParams& mul = g->nodes[1].p<BinaryParams>();
  EXPECT_TRUE(mul.with_scalar);
  EXPECT_EQ(mul.scalar, 3.f);
  std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8};
  std::vector<float> y = run(*g, x);
  ASSERT_EQ(y.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(y[i], 3.f * (x[i] - 2.f * x[4 + i] + 0.25f));
}

TEST(OnnxImportGraph, GemmWithOneRowBecomesInnerProduct) {
  ModelBuilder b(13);
  b.input("x", {1, 3});
  b.initializer("B", {2, 3}, {1, 2, 3, 4, 5, 6});  // transB: [N, K]
  b.initializer("C", {2}, {0.5f, -1.f});
  auto& gemm = b.node("Gemm", {"x", "B", "C"}, {"y"}, "fc");
  setInt(gemm, "transB", 1);
  setFloat(gemm, "alpha", 2.f);
  setFloat(gemm, "beta", 3.f);
  b.output("y");
  Result<Graph> g = import(b, "gemm_fc");
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  ASSERT_EQ(g->nodes.size(), 1u);
  EXPECT_EQ(g->nodes[0].kind, OpKind::InnerProduct);
  std::vector<float> y = run(*g, {1, -1, 2});
  ASSERT_EQ(y.size(), 2u);
  EXPECT_FLOAT_EQ(y[0], 2.f * (1 - 2 + 6) + 3.f * 0.5f);
  EXPECT_FLOAT_EQ(y[1], 2.f * (4 - 5 + 12) + 3.f * -1.f);
}

TEST(OnnxImportGraph, GemmWithTransposedAAndMatrixBias) {
  ModelBuilder b(13);
  b.input("a", {3, 2});  // transA: A is [K, M]
  b.initializer("B", {3, 2}, {1, 0, 0, 1, 1, 1});
  b.initializer("C", {2, 2}, {10, 20, 30, 40});
  auto& gemm = b.node("Gemm", {"a", "B", "C"}, {"y"}, "gemm");
  setInt(gemm, "transA", 1);
  b.output("y");
  Result<Graph> g = import(b, "gemm_transa");
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  EXPECT_EQ(countKind(*g, OpKind::Permute), 1);
  EXPECT_EQ(countKind(*g, OpKind::MatMul), 1);
  // A^T = [[1,3,5],[2,4,6]]; A^T B = [[1+5, 3+5], [2+6, 4+6]].
  std::vector<float> y = run(*g, {1, 2, 3, 4, 5, 6});
  ASSERT_EQ(y.size(), 4u);
  EXPECT_FLOAT_EQ(y[0], 6 + 10);
  EXPECT_FLOAT_EQ(y[1], 8 + 20);
  EXPECT_FLOAT_EQ(y[2], 8 + 30);
  EXPECT_FLOAT_EQ(y[3], 10 + 40);
}

TEST(OnnxImportGraph, ConstantFirstOperands) {
  ModelBuilder b(13);
  b.input("x", {1, 4});
  b.initializer("one", {}, {1.f});
  b.initializer("row", {4}, {1, 2, 3, 4});
  b.node("Sub", {"one", "x"}, {"a"}, "rsub");      // 1 - x
  b.node("Div", {"row", "a"}, {"b"}, "rdiv");      // row / a
  b.node("Add", {"row", "b"}, {"y"}, "add");       // row + b
  b.output("y");
  Result<Graph> g = import(b, "const_first");
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  ASSERT_EQ(g->nodes.size(), 3u);
  EXPECT_EQ(g->nodes[0].p<BinaryParams>().op, BinaryOpKind::RSub);
  EXPECT_EQ(g->nodes[1].p<BinaryParams>().op, BinaryOpKind::RDiv);
  EXPECT_EQ(g->nodes[2].p<BinaryParams>().op, BinaryOpKind::Add);
  std::vector<float> x = {-1, 0.5f, 3, -4};
  std::vector<float> y = run(*g, x);
  const float row[4] = {1, 2, 3, 4};
  ASSERT_EQ(y.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(y[i], row[i] + row[i] / (1.f - x[i]));

  ModelBuilder p(13);
  p.input("x", {1, 4});
  p.initializer("two", {}, {2.f});
  p.node("Pow", {"two", "x"}, {"y"}, "exp2");
  p.output("y");
  Result<Graph> bad = import(p, "const_base");
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), StatusCode::Unsupported);
  EXPECT_NE(bad.status().message().find("'exp2'"), std::string::npos) << bad.status().message();
}

TEST(OnnxImportGraph, LegacySoftmaxCoercesToTwoDimensions) {
  ModelBuilder b(11);
  b.input("x", {1, 2, 2, 2});
  b.node("Softmax", {"x"}, {"y"}, "softmax");  // opset 11, axis 1: over C*H*W together
  b.output("y");
  Result<Graph> g = import(b, "softmax_legacy");
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  EXPECT_EQ(countKind(*g, OpKind::Flatten), 1);
  EXPECT_EQ(countKind(*g, OpKind::Softmax), 1);
  EXPECT_EQ(g->values[g->outputs[0]].shape, (Shape{1, 2, 2, 2}));
  std::vector<float> x = randomValues(8, 11, -3.f, 3.f);
  std::vector<float> y = run(*g, x);
  double sum = 0;
  for (float v : x) sum += std::exp(v);
  ASSERT_EQ(y.size(), 8u);
  for (size_t i = 0; i < 8; ++i) EXPECT_NEAR(y[i], std::exp(x[i]) / sum, 1e-6);
}

TEST(OnnxImportGraph, ClipBoundsByOpset) {
  // Opset 6: attributes; opset 11: inputs; a missing max is the float range's end.
  ModelBuilder a(6);
  a.input("x", {1, 4});
  auto& clip = a.node("Clip", {"x"}, {"y"}, "clip");
  setFloat(clip, "min", -1.f);
  setFloat(clip, "max", 2.f);
  a.output("y");
  Result<Graph> ga = import(a, "clip6");
  ASSERT_TRUE(ga.isOk()) << ga.status().toString();
  EXPECT_EQ(ga->nodes[0].p<ActivationParams>().act, (Activation{ActKind::Clip, -1.f, 2.f}));

  ModelBuilder b(11);
  b.input("x", {1, 4});
  b.initializer("lo", {}, {-0.5f});
  b.node("Clip", {"x", "lo"}, {"y"}, "clip");
  b.output("y");
  Result<Graph> gb = import(b, "clip11");
  ASSERT_TRUE(gb.isOk()) << gb.status().toString();
  const Activation& act = gb->nodes[0].p<ActivationParams>().act;
  EXPECT_EQ(act.a, -0.5f);
  EXPECT_EQ(act.b, std::numeric_limits<float>::max());
}

TEST(OnnxImportGraph, InputShapesAndInitializersListedAsInputs) {
  ModelBuilder b(9);
  b.input("x", {0, 3, -1, -1});  // 0 batch and symbolic H, W
  b.input("w", {2, 3, 1, 1});    // an initializer listed as input (IR < 4 style): a weight
  b.initializer("w", {2, 3, 1, 1}, {1, 0, 0, 0, 1, 0});
  b.node("Conv", {"x", "w"}, {"y"}, "conv");
  b.output("y");
  Result<Graph> noShape = import(b, "shape_missing");
  ASSERT_FALSE(noShape.isOk());
  EXPECT_NE(noShape.status().message().find("input shape"), std::string::npos) << noShape.status().message();

  ImportOptions options;
  options.input_shape = {1, 3, 5, 7};
  Result<Graph> g = import(b, "shape_given", options);
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  ASSERT_EQ(g->inputs.size(), 1u);
  EXPECT_EQ(g->values[g->inputs[0]].name, "x");
  EXPECT_EQ(g->values[g->outputs[0]].shape, (Shape{1, 2, 5, 7}));
}

TEST(OnnxImportGraph, SqueezeUnsqueezeAndUnnamedNodes) {
  ModelBuilder b(13);
  b.input("x", {1, 3, 1, 1});
  b.initializerInts("axes", {2}, {2, 3});
  b.initializerInts("ax0", {1}, {-1});
  b.node("Squeeze", {"x", "axes"}, {"s"});
  b.node("Unsqueeze", {"s", "ax0"}, {"y"});
  b.output("y");
  Result<Graph> g = import(b, "squeeze");
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  ASSERT_EQ(g->nodes.size(), 2u);
  EXPECT_EQ(g->nodes[0].name, "s") << "an unnamed node takes its output's name";
  EXPECT_EQ(g->nodes[0].p<ReshapeParams>().shape, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(g->nodes[1].p<ReshapeParams>().shape, (std::vector<int64_t>{1, 3, 1}));
  EXPECT_EQ(g->values[g->outputs[0]].shape, (Shape{1, 3, 1}));
}

TEST(OnnxImportGraph, ImporterDeclaresItsFormat) {
  const Importer* onnx = nullptr;
  for (const Importer* i : importers())
    if (std::string(i->name()) == "ONNX") onnx = i;
  ASSERT_NE(onnx, nullptr);
  EXPECT_EQ(onnx->fileFilters(), (std::vector<std::string>{"*.onnx"}));
  EXPECT_TRUE(onnx->canRead("model.onnx"));
  EXPECT_TRUE(onnx->canRead("/a/b/MODEL.ONNX"));
  EXPECT_FALSE(onnx->canRead("model.param"));
}

}  // namespace eqw::onnxtest
