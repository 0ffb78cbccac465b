// Precision names and grids, and the spec's consistency check on a real model.
#include <eqw/io.h>
#include <eqw/quant.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

namespace eqw {
namespace {

TEST(QuantSpec, PrecisionNamesRoundTrip) {
  for (Precision p : {Precision::Fp32, Precision::Int8, Precision::Int7, Precision::W6, Precision::W5, Precision::W4})
    EXPECT_EQ(parsePrecision(toString(p)), p);
  EXPECT_FALSE(parsePrecision("int9").has_value());
  EXPECT_FALSE(parsePrecision("INT8").has_value());
}

TEST(QuantSpec, Grids) {
  EXPECT_EQ(qmax(8), 127);
  EXPECT_EQ(qmax(7), 63);
  EXPECT_EQ(qmax(6), 31);
  EXPECT_EQ(qmax(4), 7);
  EXPECT_EQ(qmax(8, true), 255);
  EXPECT_EQ(weightBits(Precision::Int7), 7);
  EXPECT_EQ(activationBits(Precision::Int7), 7);
  EXPECT_EQ(weightBits(Precision::W4), 4);
  EXPECT_EQ(activationBits(Precision::W4), 0);
  EXPECT_EQ(activationBits(Precision::Fp32), 0);
}

TEST(QuantSpec, ValidateOnTheSample) {
  const std::string model = std::string(EQW_SOURCE_DIR) + "/samples/fashion-mnist/model.onnx";
  auto g = loadModel(model);
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  QuantSpec spec;
  for (const Node& n : g->nodes) {
    if (!isQuantizable(n)) continue;
    LayerQuant lq;
    lq.layer = n.name;
    lq.weight_thresholds.assign(static_cast<size_t>(weightScaleCount(n, Granularity::PerChannel)), 0.5f);
    lq.input = {2.f, "max"};
    spec.layers.push_back(lq);
  }
  ASSERT_GT(spec.layers.size(), 5u);
  EXPECT_TRUE(validateSpec(*g, spec).isOk());

  QuantSpec perTensor = spec;
  perTensor.layers[0].weight_granularity = Granularity::PerTensor;
  Status s = validateSpec(*g, perTensor);
  EXPECT_NE(s.message().find("per-tensor needs 1"), std::string::npos) << s.message();
  perTensor.layers[0].weight_thresholds = {0.5f};
  EXPECT_TRUE(validateSpec(*g, perTensor).isOk());

  QuantSpec inf = spec;
  inf.layers[1].input.value = INFINITY;
  s = validateSpec(*g, inf);
  EXPECT_NE(s.message().find("input threshold inf"), std::string::npos) << s.message();
  // An FP32 layer's thresholds are not used, so they are not checked.
  inf.layers[1].precision = Precision::Fp32;
  EXPECT_TRUE(validateSpec(*g, inf).isOk());

  QuantSpec notQuantizable = spec;
  for (const Node& n : g->nodes)
    if (n.kind == OpKind::BatchNorm) {
      notQuantizable.layers[0].layer = n.name;
      break;
    }
  s = validateSpec(*g, notQuantizable);
  EXPECT_NE(s.message().find("cannot be quantized"), std::string::npos) << s.message();

  // A narrower weight grid (ncnn's 6-bit Winograd weights) is valid; a wider one than the
  // precision's is not.
  QuantSpec narrow = spec;
  narrow.layers[0].weight_bits = 6;
  EXPECT_TRUE(validateSpec(*g, narrow).isOk());
  EXPECT_EQ(effectiveWeightBits(narrow.layers[0]), 6);
  EXPECT_EQ(effectiveWeightBits(narrow.layers[1]), 8);
  narrow.layers[0].precision = Precision::Int7;
  narrow.layers[0].weight_bits = 8;
  s = validateSpec(*g, narrow);
  EXPECT_NE(s.message().find("weight width 8 bits must be 2..7 for int7"), std::string::npos) << s.message();

  EXPECT_EQ(spec.find(spec.layers[2].layer), &spec.layers[2]);
  EXPECT_EQ(spec.find("nope"), nullptr);
}

}  // namespace
}  // namespace eqw
