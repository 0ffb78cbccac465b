// calibrateSpec and ncnn's 6-bit Winograd weights: CalibrateOptions::ncnn_winograd_6bit marks
// exactly the INT8 layers ncnn runs with Winograd F(4,3) (weight_bits 6) and computes their
// weight thresholds for 6 bits (ACIQ checked against ALGORITHMS.md's formula, MSE against the
// real 6-bit error); nothing with the option off or at INT7; the marks survive a table round trip;
// and on the Fashion-MNIST sample no layer qualifies (every 3x3 there is depthwise or stride 2).
#include <eqw/calib.h>
#include <eqw/calibrate.h>
#include <eqw/fakequant.h>
#include <eqw/io.h>
#include <eqw/passes.h>
#include <eqw/table.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <set>

#include "engine/quant/winograd_mix.h"

namespace eqw {
namespace {

// Gaussian statistics for every quantizable layer's input (the activation thresholds do not
// matter here; the weights are the model's own).
StatsSet syntheticStats(const Graph& g) {
  StatsSet stats;
  stats.model = g.name;
  stats.images = 10;
  std::mt19937 rng(7);
  std::normal_distribution<float> n(0.f, 1.f);
  for (const Node& node : g.nodes) {
    if (!isQuantizable(node)) continue;
    std::vector<float> data(4096);
    for (float& v : data) v = n(rng);
    TensorStats s = computeStats(data.data(), static_cast<int64_t>(data.size()));
    s.name = g.values[static_cast<size_t>(node.inputs[0])].name;
    stats.values[node.inputs[0]] = s;
  }
  return stats;
}

CalibrateOptions options(WeightMethod wm, Precision p = Precision::Int8, bool rule = true) {
  CalibrateOptions o;
  o.method = "max";
  o.weight_method = wm;
  o.precision = p;
  o.ncnn_winograd_6bit = rule;
  return o;
}

// ALGORITHMS.md §2, ACIQ for weights: N elements per output channel, alpha_6 = 3.287, alpha_8 = 3.924.
double aciqFormula(const Node& n, int64_t channel, int bits) {
  const Tensor& w = n.weights[0];
  const int64_t per = w.numel() / w.shape()[0];
  double absmax = 0.0;
  for (int64_t k = 0; k < per; ++k) absmax = std::max(absmax, double(std::fabs(w.f32()[channel * per + k])));
  const double sigma = absmax * 2 * 0.175 * (1 + std::sqrt(M_PI * std::log(4.0))) / std::sqrt(2 * std::log(double(per)));
  return (bits == 6 ? 3.287 : 3.924) * sigma;
}

// Sum over a channel's weights of the squared quantize-dequantize error at threshold t, q levels.
double channelError(const Node& n, int64_t channel, float t, int q) {
  const Tensor& w = n.weights[0];
  const int64_t per = w.numel() / w.shape()[0];
  const float scale = static_cast<float>(q / static_cast<double>(t));
  double e = 0.0;
  for (int64_t k = 0; k < per; ++k) {
    const float x = w.f32()[channel * per + k];
    e += std::pow(double(x) - fakeQuantValue(x, scale, q), 2);
  }
  return e;
}

TEST(CalibrateSpecWinograd, MarksExactlyTheWinogradLayersAndUsesSixBitAciq) {
  auto g = testing::winogradMixGraph();
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  const StatsSet stats = syntheticStats(*g);
  auto on = calibrateSpec(*g, stats, options(WeightMethod::Aciq));
  auto off = calibrateSpec(*g, stats, options(WeightMethod::Aciq, Precision::Int8, false));
  ASSERT_TRUE(on.isOk()) << on.status().toString();
  ASSERT_TRUE(off.isOk()) << off.status().toString();
  std::set<std::string> marked;
  for (const LayerQuant& lq : on->layers)
    if (lq.weight_bits == 6) marked.insert(lq.layer);
  EXPECT_EQ(marked, testing::winogradMixEligible());
  for (const LayerQuant& lq : off->layers) EXPECT_EQ(lq.weight_bits, 0) << lq.layer << " marked with the option off";

  for (const std::string& name : testing::winogradMixEligible()) {
    const Node& n = g->nodes[static_cast<size_t>(g->findNode(name))];
    const LayerQuant &six = *on->find(name), &eight = *off->find(name);
    for (size_t c = 0; c < six.weight_thresholds.size(); ++c) {
      EXPECT_NEAR(six.weight_thresholds[c], aciqFormula(n, int64_t(c), 6), 1e-3 * six.weight_thresholds[c]) << name << " " << c;
      EXPECT_NEAR(eight.weight_thresholds[c], aciqFormula(n, int64_t(c), 8), 1e-3 * eight.weight_thresholds[c]) << name << " " << c;
    }
  }
  // The other layers do not depend on the option.
  for (const LayerQuant& lq : on->layers)
    if (!testing::winogradMixEligible().count(lq.layer)) {
      EXPECT_EQ(lq, *off->find(lq.layer));
    }
}

TEST(CalibrateSpecWinograd, MaxIsTheSameThresholdAndMseTargetsTheSixBitGrid) {
  auto g = testing::winogradMixGraph();
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  const StatsSet stats = syntheticStats(*g);
  auto maxOn = calibrateSpec(*g, stats, options(WeightMethod::Max));
  auto maxOff = calibrateSpec(*g, stats, options(WeightMethod::Max, Precision::Int8, false));
  auto mseOn = calibrateSpec(*g, stats, options(WeightMethod::Mse));
  auto mseOff = calibrateSpec(*g, stats, options(WeightMethod::Mse, Precision::Int8, false));
  ASSERT_TRUE(maxOn.isOk() && maxOff.isOk() && mseOn.isOk() && mseOff.isOk());
  for (const std::string& name : testing::winogradMixEligible()) {
    EXPECT_EQ(maxOn->find(name)->weight_thresholds, maxOff->find(name)->weight_thresholds) << name;
    // On the 31-step grid, the 6-bit MSE thresholds lose less than the 8-bit ones would.
    const Node& n = g->nodes[static_cast<size_t>(g->findNode(name))];
    const auto& t6 = mseOn->find(name)->weight_thresholds;
    const auto& t8 = mseOff->find(name)->weight_thresholds;
    EXPECT_NE(t6, t8) << name << ": MSE ignored the bit width";
    double e6 = 0.0, e8 = 0.0;
    for (size_t c = 0; c < t6.size(); ++c) {
      e6 += channelError(n, int64_t(c), t6[c], 31);
      e8 += channelError(n, int64_t(c), t8[c], 31);
    }
    EXPECT_LT(e6, e8) << name;
  }
}

// Decision: ncnn has no INT7 Winograd rule, so an INT7 spec stays 7-bit on every layer.
TEST(CalibrateSpecWinograd, Int7StaysSevenBit) {
  auto g = testing::winogradMixGraph();
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  auto spec = calibrateSpec(*g, syntheticStats(*g), options(WeightMethod::Aciq, Precision::Int7));
  ASSERT_TRUE(spec.isOk()) << spec.status().toString();
  for (const LayerQuant& lq : spec->layers) {
    EXPECT_EQ(lq.weight_bits, 0) << lq.layer;
    EXPECT_EQ(effectiveWeightBits(lq), 7) << lq.layer;
  }
  const Node& wino = g->nodes[static_cast<size_t>(g->findNode("wino"))];
  EXPECT_NEAR(spec->find("wino")->weight_thresholds[0], 3.615 / 3.924 * aciqFormula(wino, 0, 8),
              1e-3 * spec->find("wino")->weight_thresholds[0]);
}

TEST(CalibrateSpecWinograd, TableRoundTripKeepsTheMarks) {
  auto g = testing::winogradMixGraph();
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  auto spec = calibrateSpec(*g, syntheticStats(*g), options(WeightMethod::Mse));
  ASSERT_TRUE(spec.isOk()) << spec.status().toString();
  const std::string path = (std::filesystem::temp_directory_path() / ("eqw_calib_winograd_" + std::to_string(::getpid()) + ".table")).string();
  Diagnostics diags;
  ASSERT_TRUE(writeNcnnTable(*g, *spec, path, {}, &diags).isOk());
  EXPECT_TRUE(diags.empty()) << "a spec calibrated with the rule needs no widening";
  auto back = readNcnnTable(*g, path);
  std::filesystem::remove(path);
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  for (const LayerQuant& lq : spec->layers) {
    const LayerQuant* b = back->find(lq.layer);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->weight_bits, lq.weight_bits) << lq.layer;
    if (b->weight_granularity != lq.weight_granularity) continue;  // grouped layers: ncnn keeps one scale per group
    ASSERT_EQ(b->weight_thresholds.size(), lq.weight_thresholds.size()) << lq.layer;
    for (size_t c = 0; c < lq.weight_thresholds.size(); ++c)
      EXPECT_NEAR(b->weight_thresholds[c], lq.weight_thresholds[c], 1e-6 * lq.weight_thresholds[c]) << lq.layer;
  }
}

// The sample's 3x3 convolutions are the stride-2 stem and depthwise layers: the option changes
// nothing there (so its documented INT8 numbers are what ncnn runs already).
TEST(CalibrateSpecWinograd, SampleHasNoWinogradLayer) {
  const std::string sample = std::string(EQW_SOURCE_DIR) + "/samples/fashion-mnist";
  auto g = loadModel(sample + "/model.onnx");
  auto calib = openDataset(sample + "/calib");
  ASSERT_TRUE(g.isOk() && calib.isOk());
  ASSERT_TRUE(canonicalize(*g).isOk());
  int eligible = 0, threeByThree = 0;
  for (const Node& n : g->nodes) {
    if (n.kind != OpKind::Convolution) continue;
    const ConvParams& p = n.p<ConvParams>();
    const bool k3 = p.kernel_h == 3 && p.kernel_w == 3;
    threeByThree += k3;
    eligible += k3 && p.stride_h == 1 && p.stride_w == 1 && p.dilation_h == 1 && p.dilation_w == 1 && p.group == 1;
  }
  EXPECT_GT(threeByThree, 5);
  EXPECT_EQ(eligible, 0);
  Preprocess pre;
  pre.width = pre.height = 28;
  pre.pixel = PixelOrder::GRAY;
  pre.norm = {1.f / 255.f, 1.f / 255.f, 1.f / 255.f};
  CollectOptions co;
  co.values = StatsValues::QuantizableInputs;
  co.passes = 1;
  co.max_images = 20;
  Diagnostics d;
  auto stats = collectStatistics(*g, *calib, pre, co, {}, d);
  ASSERT_TRUE(stats.isOk()) << stats.status().toString();
  auto on = calibrateSpec(*g, *stats, options(WeightMethod::Aciq));
  auto off = calibrateSpec(*g, *stats, options(WeightMethod::Aciq, Precision::Int8, false));
  ASSERT_TRUE(on.isOk() && off.isOk());
  int marked = 0;
  for (const LayerQuant& lq : on->layers) marked += lq.weight_bits != 0;
  EXPECT_EQ(marked, eligible);
  EXPECT_EQ(*on, *off);
}

}  // namespace
}  // namespace eqw
