// LayerProbe on the Fashion-MNIST sample: at the spec's own thresholds it must give exactly
// evaluate()'s isolated per-layer metrics for the same images (an independent code path: the
// full evaluation with FP32 and the fake-quant network side by side); clipping harder moves the
// errors the expected way; bad input is an error naming the layer.
#include <eqw/eval.h>
#include <eqw/probe.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/eval/sample_spec.h"

namespace eqw {
namespace {

using test::EvalSample;

#define LOAD_OR_SKIP(s)                                                                   \
  EvalSample s;                                                                           \
  if (std::string why = test::loadEvalSample(s); !why.empty()) { GTEST_SKIP() << why; } \
  static_assert(true)

constexpr int64_t kImages = 16;

void expectClose(double a, double b, const std::string& what) {
  if (std::isinf(a) || std::isinf(b)) {
    EXPECT_EQ(a, b) << what;
    return;
  }
  EXPECT_NEAR(a, b, 1e-6 * std::max(1.0, std::fabs(b))) << what;
}

Result<LayerProbe> probe(const EvalSample& s, const QuantSpec& spec, const std::string& layer, int64_t images = kImages) {
  ProbeOptions o;
  o.max_images = images;
  o.threads = 2;
  Diagnostics d;
  return LayerProbe::create(s.graph, spec, layer, s.test, s.pre, o, d);
}

TEST(LayerProbe, EqualsEvaluateIsolatedMetricsAtTheSpecThresholds) {
  LOAD_OR_SKIP(s);
  std::string why;
  QuantSpec spec = test::maxSpec(s, Precision::Int8, why);
  ASSERT_TRUE(why.empty()) << why;
  EvalOptions eo;
  eo.per_layer = true;
  eo.max_images = kImages;
  eo.threads = 2;
  Diagnostics diags;
  auto report = evaluate(s.graph, {{"int8", spec}}, s.test, s.pre, eo, {}, diags);
  ASSERT_TRUE(report.isOk()) << report.status().toString();
  ASSERT_EQ(report->images, kImages);
  int checked = 0;
  for (const LayerEval& l : report->variants[0].layers) {
    if (!l.quantized) continue;
    auto p = probe(s, spec, l.layer);
    ASSERT_TRUE(p.isOk()) << p.status().toString();
    EXPECT_EQ(p->images(), kImages);
    EXPECT_EQ(p->specThreshold(), spec.find(l.layer)->input.value);
    auto m = p->metrics(p->specThreshold());
    ASSERT_TRUE(m.isOk()) << m.status().toString();
    EXPECT_EQ(m->images, l.isolated.images) << l.layer;
    expectClose(m->cosine, l.isolated.cosine, l.layer + " cosine");
    expectClose(m->sqnr_db, l.isolated.sqnr_db, l.layer + " sqnr");
    expectClose(m->mse, l.isolated.mse, l.layer + " mse");
    expectClose(m->max_abs, l.isolated.max_abs, l.layer + " max_abs");
    // The weight-threshold overload with the spec's own weights is the same computation.
    auto w = p->metrics(p->specThreshold(), spec.find(l.layer)->weight_thresholds);
    ASSERT_TRUE(w.isOk()) << w.status().toString();
    EXPECT_EQ(w->sqnr_db, m->sqnr_db) << l.layer;
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

TEST(LayerProbe, ClippingMovesTheErrorTheExpectedWay) {
  LOAD_OR_SKIP(s);
  std::string why;
  QuantSpec spec = test::maxSpec(s, Precision::Int8, why);
  ASSERT_TRUE(why.empty()) << why;
  bool someLayerGainsFromClipping = false;
  for (const LayerQuant& lq : spec.layers) {
    auto p = probe(s, spec, lq.layer);
    ASSERT_TRUE(p.isOk()) << p.status().toString();
    const float t = p->specThreshold();
    auto atMax = p->metrics(t);
    auto harsh = p->metrics(t / 50.f);
    ASSERT_TRUE(atMax.isOk() && harsh.isOk());
    // Clipping at a fiftieth of the max destroys the signal: far lower SQNR, larger worst error.
    EXPECT_LT(harsh->sqnr_db, atMax->sqnr_db - 6.0) << lq.layer;
    EXPECT_GT(harsh->max_abs, atMax->max_abs) << lq.layer;
    EXPECT_LT(harsh->cosine, atMax->cosine) << lq.layer;
    // A threshold above the max clips nothing and only coarsens the grid: SQNR cannot improve much.
    auto loose = p->metrics(t * 4.f);
    ASSERT_TRUE(loose.isOk());
    EXPECT_LT(loose->sqnr_db, atMax->sqnr_db + 0.5) << lq.layer;
    // Where the max is an outlier, a moderately tighter threshold (as KL picks) trades a little
    // clipping for a finer grid and wins: the premise of calibration.
    for (float f : {0.5f, 0.6f, 0.7f, 0.8f, 0.9f}) {
      auto m = p->metrics(t * f);
      ASSERT_TRUE(m.isOk());
      if (m->sqnr_db > atMax->sqnr_db + 0.1) someLayerGainsFromClipping = true;
    }
  }
  EXPECT_TRUE(someLayerGainsFromClipping);
}

TEST(LayerProbe, BadInputIsAnErrorNamingTheLayer) {
  LOAD_OR_SKIP(s);
  std::string why;
  QuantSpec spec = test::maxSpec(s, Precision::Int8, why);
  ASSERT_TRUE(why.empty()) << why;
  const std::string layer = spec.layers.front().layer;

  auto missing = probe(s, spec, "no-such-layer");
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().code(), StatusCode::NotFound);
  EXPECT_NE(missing.status().message().find("no-such-layer"), std::string::npos);

  for (const Node& n : s.graph.nodes) {
    if (isQuantizable(n) || n.kind == OpKind::Input) continue;
    auto r = probe(s, spec, n.name);
    ASSERT_FALSE(r.isOk()) << n.name;
    EXPECT_EQ(r.status().code(), StatusCode::InvalidArgument);
    EXPECT_NE(r.status().message().find(n.name), std::string::npos) << r.status().message();
    break;
  }

  QuantSpec fp32 = spec;
  fp32.find(layer)->precision = Precision::Fp32;
  auto f = probe(s, fp32, layer);
  ASSERT_FALSE(f.isOk());
  EXPECT_NE(f.status().message().find(layer), std::string::npos);
  EXPECT_NE(f.status().message().find("fp32"), std::string::npos);

  EXPECT_FALSE(probe(s, spec, layer, 0).isOk());

  auto p = probe(s, spec, layer, 4);
  ASSERT_TRUE(p.isOk()) << p.status().toString();
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), 0.f, -1.f, std::numeric_limits<float>::infinity()}) {
    auto m = p->metrics(bad);
    ASSERT_FALSE(m.isOk()) << bad;
    EXPECT_EQ(m.status().code(), StatusCode::InvalidArgument);
    EXPECT_NE(m.status().message().find(layer), std::string::npos);
  }
  const size_t weights = spec.find(layer)->weight_thresholds.size();
  ASSERT_GT(weights, 1u);  // per channel
  auto wrongCount = p->metrics(1.f, std::vector<float>(weights - 1, 1.f));
  ASSERT_FALSE(wrongCount.isOk());
  EXPECT_NE(wrongCount.status().message().find(layer), std::string::npos);
  auto badWeights = p->metrics(1.f, std::vector<float>(spec.find(layer)->weight_thresholds.size(), -2.f));
  EXPECT_FALSE(badWeights.isOk());
  // A probe that failed nothing still works after the errors.
  EXPECT_TRUE(p->metrics(p->specThreshold()).isOk());
}

}  // namespace
}  // namespace eqw
