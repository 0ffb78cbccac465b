// Manual per-layer overrides (eqw/session.h): they win over every (re)calibration, are checked
// before anything changes, and name the layer and the bad value when rejected.
#include <eqw/session.h>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine/session/session_sample.h"

namespace eqw {
namespace {

// A sample session with statistics and a KL INT8 spec.
Status calibrated(Session& s) {
  Diagnostics d;
  EQW_RETURN_IF_ERROR(s.collectStatistics({}, {}, d));
  return s.calibrate({});
}

const Node& node(const Session& s, const std::string& layer) {
  return s.canonicalGraph().nodes[static_cast<size_t>(s.canonicalGraph().findNode(layer))];
}

// A layer the spec cannot hold (pooling, add ...).
std::string unquantizableLayer(const Session& s) {
  for (const Node& n : s.canonicalGraph().nodes)
    if (!isQuantizable(n)) return n.name;
  return {};
}

TEST(SessionOverrides, SurviveRecalibrationAndEasyQuant) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  ASSERT_TRUE(calibrated(s).isOk());
  const auto layers = s.spec()->layers;
  ASSERT_GE(layers.size(), 4u);
  const std::string a = layers[1].layer, b = layers[2].layer, c = layers[3].layer;
  const size_t cCount = layers[3].weight_thresholds.size();

  ASSERT_TRUE(s.setLayerInputThreshold(a, 0.5f).isOk());
  ASSERT_TRUE(s.setLayerPrecision(b, Precision::Fp32).isOk());
  ASSERT_TRUE(s.setLayerWeightThresholds(c, std::vector<float>(cCount, 0.25f)).isOk());
  ASSERT_TRUE(s.setLayerPrecision(a, Precision::Int7).isOk());  // a second field on the same layer
  EXPECT_EQ(s.overrides().size(), 3u);
  EXPECT_EQ(*s.layerOverride(a)->input_threshold, 0.5f);
  EXPECT_EQ(*s.layerOverride(a)->precision, Precision::Int7);

  for (const char* method : {"max", "mse"}) {
    CalibrateOptions o;
    o.method = method;
    o.precision = Precision::Int7;
    ASSERT_TRUE(s.calibrate(o).isOk()) << method;
    const QuantSpec& spec = *s.spec();
    EXPECT_EQ(spec.find(a)->input.value, 0.5f);
    EXPECT_EQ(spec.find(a)->input.method, "manual");
    EXPECT_EQ(spec.find(b)->precision, Precision::Fp32);
    EXPECT_EQ(spec.find(c)->weight_thresholds, std::vector<float>(cCount, 0.25f));
    EXPECT_EQ(spec.find(c)->weight_method, "manual");
    EXPECT_EQ(spec.find(c)->input.method, method);  // only the overridden fields change
    EXPECT_EQ(spec.layers.back().precision, Precision::Int7);
    // The calibrated spec underneath has the method's values.
    EXPECT_EQ(s.calibratedSpec()->find(a)->input.method, method);
  }

  EasyQuantOptions eq;
  eq.images = 6;
  eq.candidates = 9;
  eq.max_rounds = 1;
  Diagnostics d;
  ASSERT_TRUE(s.refineEasyQuant(eq, {}, d).isOk());
  ASSERT_NE(s.easyQuant(), nullptr);
  EXPECT_EQ(s.spec()->find(a)->input.value, 0.5f);
  EXPECT_EQ(s.spec()->find(b)->precision, Precision::Fp32);
  EXPECT_EQ(s.spec()->find(c)->weight_method, "manual");
  EXPECT_EQ(s.spec()->layers.back().input.method, "eq");

  // Clearing restores the refined values of a searched layer, and the calibrated layer of one
  // that was FP32 during the search (EasyQuant did not touch it).
  ASSERT_TRUE(s.clearOverride(a).isOk());
  EXPECT_EQ(s.spec()->find(a)->input, s.easyQuant()->spec.find(a)->input);
  EXPECT_EQ(s.spec()->find(a)->precision, Precision::Int7);
  EXPECT_EQ(s.easyQuant()->spec.find(b)->precision, Precision::Fp32);
  ASSERT_TRUE(s.clearOverride(b).isOk());
  EXPECT_EQ(*s.spec()->find(b), *s.calibratedSpec()->find(b));
  EXPECT_EQ(s.spec()->find(b)->precision, Precision::Int7);
  // Recalibrating drops EasyQuant.
  ASSERT_TRUE(s.calibrate({}).isOk());
  EXPECT_EQ(s.easyQuant(), nullptr);
  EXPECT_EQ(s.spec()->find(a)->input, s.calibratedSpec()->find(a)->input);
}

TEST(SessionOverrides, BadOverridesAreRejectedWithStateUnchanged) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  ASSERT_TRUE(calibrated(s).isOk());
  const std::string layer = s.spec()->layers[1].layer;
  ASSERT_TRUE(s.setLayerInputThreshold(layer, 3.f).isOk());
  const QuantSpec spec = *s.spec();
  const auto overrides = s.overrides();
  const size_t count = s.spec()->layers[1].weight_thresholds.size();

  auto expectRejected = [&](Status st, StatusCode code, const std::string& mention) {
    EXPECT_EQ(st.code(), code) << st.toString();
    EXPECT_NE(st.message().find(mention), std::string::npos) << st.message();
    EXPECT_TRUE(*s.spec() == spec);
    EXPECT_EQ(s.overrides(), overrides);
  };
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  expectRejected(s.setLayerInputThreshold("no_such_layer", 1.f), StatusCode::NotFound, "no_such_layer");
  expectRejected(s.setLayerInputThreshold(layer, nan), StatusCode::InvalidArgument, "nan");
  expectRejected(s.setLayerInputThreshold(layer, inf), StatusCode::InvalidArgument, "inf");
  expectRejected(s.setLayerInputThreshold(layer, 0.f), StatusCode::InvalidArgument, "'" + layer + "'");
  expectRejected(s.setLayerInputThreshold(layer, -1.f), StatusCode::InvalidArgument, "-1");
  expectRejected(s.setLayerWeightThresholds(layer, std::vector<float>(count + 1, 1.f)), StatusCode::InvalidArgument,
                 std::to_string(count + 1) + " weight thresholds");
  std::vector<float> oneBad(count, 1.f);
  oneBad.back() = -0.5f;
  expectRejected(s.setLayerWeightThresholds(layer, oneBad), StatusCode::InvalidArgument,
                 "weight threshold " + std::to_string(count - 1) + " is -0.5");
  // One threshold per tensor is a valid granularity in general, but not the spec's per-channel one.
  expectRejected(s.setLayerWeightThresholds(layer, {1.f}), StatusCode::InvalidArgument, "per-channel");
  const std::string pool = unquantizableLayer(s);
  ASSERT_FALSE(pool.empty());
  expectRejected(s.setLayerPrecision(pool, Precision::Int8), StatusCode::InvalidArgument, pool);
  expectRejected(s.clearOverride("no_such_layer"), StatusCode::NotFound, "no_such_layer");
  EXPECT_TRUE(s.clearOverride(s.spec()->layers[2].layer).isOk());  // had none: nothing to do
}

TEST(SessionOverrides, PrecisionNeedsThresholdsTheSpecHas) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  Diagnostics d;
  ASSERT_TRUE(s.collectStatistics({}, {}, d).isOk());
  CalibrateOptions fp32;
  fp32.precision = Precision::Fp32;
  ASSERT_TRUE(s.calibrate(fp32).isOk());
  const std::string layer = s.spec()->layers[0].layer;
  Status st = s.setLayerPrecision(layer, Precision::Int8);
  EXPECT_EQ(st.code(), StatusCode::InvalidArgument);
  EXPECT_NE(st.message().find(layer), std::string::npos) << st.message();
  EXPECT_TRUE(s.overrides().empty());
  // With the thresholds it needs given too, the layer can be quantized.
  LayerOverride o;
  o.precision = Precision::Int8;
  o.input_threshold = 1.f;
  o.weight_thresholds = std::vector<float>(static_cast<size_t>(weightScaleCount(node(s, layer), Granularity::PerChannel)), 0.5f);
  ASSERT_TRUE(s.setLayerOverride(layer, o).isOk());
  EXPECT_EQ(s.spec()->find(layer)->precision, Precision::Int8);
  EXPECT_TRUE(validateSpec(s.canonicalGraph(), *s.spec()).isOk());
}

TEST(SessionOverrides, OverrideThatNoLongerFitsIsSkippedWithAWarning) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  ASSERT_TRUE(calibrated(s).isOk());
  const LayerQuant lq = s.spec()->layers[1];
  ASSERT_GT(lq.weight_thresholds.size(), 1u);
  ASSERT_TRUE(s.setLayerWeightThresholds(lq.layer, std::vector<float>(lq.weight_thresholds.size(), 0.3f)).isOk());
  CalibrateOptions perTensor;
  perTensor.weight_granularity = Granularity::PerTensor;
  Diagnostics d;
  ASSERT_TRUE(s.calibrate(perTensor, &d).isOk());
  bool warned = false;
  for (const Diagnostic& x : d) warned |= x.message.find("'" + lq.layer + "'") != std::string::npos;
  EXPECT_TRUE(warned);
  EXPECT_EQ(s.spec()->find(lq.layer)->weight_thresholds.size(), 1u);
  EXPECT_NE(s.layerOverride(lq.layer), nullptr);  // kept: a return to per-channel applies it again
  ASSERT_TRUE(s.calibrate({}).isOk());
  EXPECT_EQ(s.spec()->find(lq.layer)->weight_method, "manual");
}

TEST(SessionOverrides, UndoRestoresThePreviousOverride) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  ASSERT_TRUE(calibrated(s).isOk());
  const std::string layer = s.spec()->layers[0].layer;
  const QuantSpec original = *s.spec();
  ASSERT_TRUE(s.setLayerInputThreshold(layer, 0.7f).isOk());
  const LayerOverride first = *s.layerOverride(layer);
  ASSERT_TRUE(s.setLayerInputThreshold(layer, 0.9f).isOk());
  ASSERT_TRUE(s.setLayerOverride(layer, first).isOk());  // undo the second edit
  EXPECT_EQ(s.spec()->find(layer)->input.value, 0.7f);
  ASSERT_TRUE(s.setLayerOverride(layer, LayerOverride{}).isOk());  // undo the first
  EXPECT_EQ(s.layerOverride(layer), nullptr);
  EXPECT_TRUE(*s.spec() == original);
}

}  // namespace
}  // namespace eqw
