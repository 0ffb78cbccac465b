// ncnn's 6-bit Winograd weights in the fake-quant model: the one predicate picks exactly the 3x3
// stride-1 dilation-1 ungrouped convolutions, a layer with weight_bits 6 lands on the 31-step grid
// (values k * T / 31), the others on the precision's grid, and INT7 keeps 7 bits.
#include <eqw/fakequant.h>
#include <eqw/quant.h>

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "engine/quant/winograd_mix.h"

namespace eqw {
namespace {

// Every quantizable layer at `p`, per-channel (per-group) absmax weights computed here, and the
// weight width ncnn gives it.
QuantSpec absmaxSpec(const Graph& g, Precision p, bool winograd6bit) {
  QuantSpec spec;
  for (const Node& n : g.nodes) {
    if (!isQuantizable(n)) continue;
    LayerQuant lq;
    lq.layer = n.name;
    lq.precision = p;
    const int groups = n.kind == OpKind::Convolution ? n.p<ConvParams>().group : 1;
    lq.weight_granularity = groups > 1 ? Granularity::PerGroup : Granularity::PerChannel;
    const Tensor& w = n.weights[0];
    const int64_t slots = groups > 1 ? groups : w.shape()[0], per = w.numel() / slots;
    for (int64_t s = 0; s < slots; ++s) {
      float m = 0.f;
      for (int64_t k = 0; k < per; ++k) m = std::max(m, std::fabs(w.f32()[s * per + k]));
      lq.weight_thresholds.push_back(m);
    }
    lq.input = {1.f, "max"};
    lq.weight_bits = ncnnWeightBits(n, p, winograd6bit);
    spec.layers.push_back(lq);
  }
  return spec;
}

// Checks that every weight of `w` is k * T / q for its slot's threshold, |k| <= q, and returns
// the number of distinct levels |k| used over the whole tensor.
size_t checkGrid(const Tensor& w, const std::vector<float>& thresholds, int q, const std::string& layer) {
  const int64_t slots = static_cast<int64_t>(thresholds.size()), per = w.numel() / slots;
  std::set<long> levels;
  for (int64_t s = 0; s < slots; ++s) {
    const double step = thresholds[static_cast<size_t>(s)] / static_cast<double>(q);
    for (int64_t k = 0; k < per; ++k) {
      const double level = w.f32()[s * per + k] / step;
      EXPECT_NEAR(level, std::round(level), 1e-3) << layer << " slot " << s << ": not on the " << q << " grid";
      EXPECT_LE(std::fabs(level), q + 1e-3) << layer;
      levels.insert(std::lround(std::fabs(level)));
    }
  }
  return levels.size();
}

TEST(FakeQuantWinograd, PredicatePicksExactlyThe3x3Stride1UngroupedConvolutions) {
  auto g = testing::winogradMixGraph();
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  std::set<std::string> picked;
  for (const Node& n : g->nodes)
    if (ncnnRunsWinograd(n)) picked.insert(n.name);
  EXPECT_EQ(picked, testing::winogradMixEligible());
  const Node& wino = g->nodes[static_cast<size_t>(g->findNode("wino"))];
  EXPECT_EQ(ncnnWeightBits(wino, Precision::Int8, true), 6);
  EXPECT_EQ(ncnnWeightBits(wino, Precision::Int8, false), 0);
  EXPECT_EQ(ncnnWeightBits(wino, Precision::Int7, true), 0) << "INT7 has no Winograd rule in ncnn";
  EXPECT_EQ(ncnnWeightBits(wino, Precision::Fp32, true), 0);
  EXPECT_EQ(ncnnWeightBits(g->nodes[static_cast<size_t>(g->findNode("stride2"))], Precision::Int8, true), 0);
}

TEST(FakeQuantWinograd, EligibleLayersLandOnThe31Grid) {
  auto g = testing::winogradMixGraph();
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  const QuantSpec spec = absmaxSpec(*g, Precision::Int8, true);
  auto fq = fakeQuantGraph(*g, spec);
  ASSERT_TRUE(fq.isOk()) << fq.status().toString();
  for (const LayerQuant& lq : spec.layers) {
    const bool eligible = testing::winogradMixEligible().count(lq.layer) > 0;
    EXPECT_EQ(effectiveWeightBits(lq), eligible ? 6 : 8) << lq.layer;
    const Node& n = fq->nodes[static_cast<size_t>(fq->findNode(lq.layer))];
    const size_t levels = checkGrid(n.weights[0], lq.weight_thresholds, eligible ? 31 : 127, lq.layer);
    // He-initialised weights fill the grid: the 127 grid shows far more than 32 levels.
    if (!eligible && lq.layer != "dw") {
      EXPECT_GT(levels, 32u) << lq.layer << " looks 6-bit";
    }
  }
}

TEST(FakeQuantWinograd, RuleOffAndInt7KeepThePrecisionsGrid) {
  auto g = testing::winogradMixGraph();
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  for (Precision p : {Precision::Int8, Precision::Int7}) {
    for (bool rule : {false, true}) {
      if (p == Precision::Int8 && rule) continue;  // the case above
      const QuantSpec spec = absmaxSpec(*g, p, rule);
      const int q = qmax(weightBits(p));
      for (const std::string& name : testing::winogradMixEligible()) {
        const LayerQuant& lq = *spec.find(name);
        EXPECT_EQ(lq.weight_bits, 0) << name;
        auto w = fakeQuantWeights(g->nodes[static_cast<size_t>(g->findNode(name))], lq);
        ASSERT_TRUE(w.isOk()) << w.status().toString();
        EXPECT_GT(checkGrid(*w, lq.weight_thresholds, q, name), 32u) << toString(p) << " " << name << " looks 6-bit";
      }
    }
  }
}

}  // namespace
}  // namespace eqw
