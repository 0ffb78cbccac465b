// ncnn .table writing and reading: the layout ncnn2table writes (weight lines per output channel
// or group, activation lines keyed by the consuming layer, scale = qmax / threshold, the 6-bit
// Winograd rule), FP32 layers by omission of the activation line only, and lint on import.
#include <eqw/io.h>
#include <eqw/quant.h>
#include <eqw/table.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>


#include "engine/quant/winograd_mix.h"
#include "scratch_root.h"

namespace eqw {
namespace {

namespace fs = std::filesystem;

std::string benchModel(const std::string& name) {
  std::string p = std::string(EQW_SHARED_DIR) + "/models/ncnn-bench/" + name + ".param";
  return fs::exists(p) ? p : "";
}

std::string fixture(const std::string& name) { return std::string(EQW_SOURCE_DIR) + "/tests/data/table/" + name; }

std::string scratch(const std::string& name) {
  static const testing::ScratchRoot root("eqw_table");
  return (root.path() / name).string();
}

// The absmax of output channel o of a conv / fc weight tensor, computed here independently.
float channelAbsMax(const Node& n, int64_t o) {
  const Tensor& w = n.weights[0];
  const int64_t per = w.numel() / w.shape()[0];
  float m = 0.f;
  for (int64_t k = 0; k < per; ++k) m = std::max(m, std::fabs(w.f32()[o * per + k]));
  return m;
}

// Every quantizable layer INT8 with per-channel absmax weight thresholds and an input threshold
// that differs per layer.
QuantSpec absmaxSpec(const Graph& g, Precision precision = Precision::Int8) {
  QuantSpec spec;
  float t = 1.f;
  for (const Node& n : g.nodes) {
    if (!isQuantizable(n)) continue;
    LayerQuant lq;
    lq.layer = n.name;
    lq.precision = precision;
    const int64_t outputs = n.weights[0].shape()[0];
    const int groups = n.kind == OpKind::Convolution ? n.p<ConvParams>().group : 1;
    lq.weight_granularity = groups > 1 ? Granularity::PerGroup : Granularity::PerChannel;
    for (int64_t o = 0; o < (groups > 1 ? groups : outputs); ++o) lq.weight_thresholds.push_back(channelAbsMax(n, o));
    lq.weight_method = "max";
    lq.input = {t, "max"};
    t += 0.25f;
    spec.layers.push_back(lq);
  }
  return spec;
}

std::vector<std::vector<std::string>> readWords(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> lines;
  for (std::string line; std::getline(in, line);) {
    std::istringstream ss(line);
    std::vector<std::string> w;
    for (std::string x; ss >> x;) w.push_back(x);
    if (!w.empty()) lines.push_back(w);
  }
  return lines;
}

TEST(NcnnTable, WritesNcnn2tableLayoutForResnet18) {
  const std::string model = benchModel("resnet18");
  if (model.empty()) GTEST_SKIP() << "ncnn-bench models absent (../shared/models/ncnn-bench)";
  auto g = loadModel(model);
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  QuantSpec spec = absmaxSpec(*g);
  const std::string path = scratch("resnet18.table");
  ASSERT_TRUE(writeNcnnTable(*g, spec, path).isOk());
  auto lines = readWords(path);

  size_t quantizable = 0, winograd = 0;
  for (const Node& n : g->nodes) quantizable += isQuantizable(n);
  ASSERT_EQ(lines.size(), 2 * quantizable);
  // Weight lines first, in graph order; then one activation line per layer.
  size_t k = 0;
  for (const Node& n : g->nodes) {
    if (!isQuantizable(n)) continue;
    const auto& w = lines[k++];
    ASSERT_EQ(w[0], n.name + "_param_0");
    const int64_t outputs = n.weights[0].shape()[0];
    ASSERT_EQ(static_cast<int64_t>(w.size()) - 1, outputs) << n.name;
    bool is3x3s1 = false;
    if (n.kind == OpKind::Convolution) {
      const auto& p = n.p<ConvParams>();
      is3x3s1 = p.kernel_h == 3 && p.kernel_w == 3 && p.stride_h == 1 && p.stride_w == 1 && p.dilation_h == 1 && p.group == 1;
    }
    winograd += is3x3s1;
    const double q = is3x3s1 ? 31.0 : 127.0;
    for (int64_t o = 0; o < outputs; ++o)
      EXPECT_NEAR(std::stod(w[o + 1]), q / channelAbsMax(n, o), 1e-6 * q / channelAbsMax(n, o)) << n.name << " channel " << o;
  }
  EXPECT_GT(winograd, 10u) << "resnet18 has many 3x3 stride-1 convolutions";
  for (const LayerQuant& lq : spec.layers) {
    const auto& a = lines[k++];
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[0], lq.layer);
    EXPECT_NEAR(std::stod(a[1]), 127.0 / lq.input.value, 1e-6 * 127.0 / lq.input.value);
  }
}

TEST(NcnnTable, Fp32LayerKeepsItsWeightLineAndLosesItsActivationLine) {
  const std::string model = benchModel("mobilenet");
  if (model.empty()) GTEST_SKIP() << "ncnn-bench models absent";
  auto g = loadModel(model);
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  QuantSpec spec = absmaxSpec(*g);
  const std::string fp32Layer = spec.layers[3].layer;
  spec.layers[3].precision = Precision::Fp32;
  const std::string path = scratch("mobilenet_fp32.table");
  ASSERT_TRUE(writeNcnnTable(*g, spec, path).isOk());
  bool weightLine = false, activationLine = false;
  for (const auto& l : readWords(path)) {
    weightLine = weightLine || l[0] == fp32Layer + "_param_0";
    activationLine = activationLine || l[0] == fp32Layer;
  }
  EXPECT_TRUE(weightLine);
  EXPECT_FALSE(activationLine);

  // Depthwise layers get one scale per group.
  for (const auto& l : readWords(path)) {
    const int id = g->findNode(l[0].substr(0, l[0].size() - 8));
    if (l[0].size() > 8 && l[0].ends_with("_param_0") && id >= 0 && g->nodes[id].kind == OpKind::Convolution &&
        g->nodes[id].p<ConvParams>().group > 1) {
      EXPECT_EQ(static_cast<int>(l.size()) - 1, g->nodes[id].p<ConvParams>().group) << l[0];
    }
  }

  // Reading it back: the same precisions, and thresholds to float rounding.
  Diagnostics diags;
  auto back = readNcnnTable(*g, path, 8, {}, &diags);
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_TRUE(diags.empty());
  ASSERT_EQ(back->layers.size(), spec.layers.size());
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const LayerQuant &a = spec.layers[i], &b = back->layers[i];
    EXPECT_EQ(a.layer, b.layer);
    EXPECT_EQ(a.precision, b.precision) << a.layer;
    ASSERT_EQ(a.weight_thresholds.size(), b.weight_thresholds.size()) << a.layer;
    for (size_t c = 0; c < a.weight_thresholds.size(); ++c) EXPECT_NEAR(a.weight_thresholds[c], b.weight_thresholds[c], 1e-6 * a.weight_thresholds[c]);
    if (a.precision != Precision::Fp32) {
      EXPECT_NEAR(a.input.value, b.input.value, 1e-6 * a.input.value) << a.layer;
    }
    EXPECT_EQ(b.input.method, a.precision == Precision::Fp32 ? "" : "table");
  }
}

TEST(NcnnTable, Int7TableUsesTheSevenBitGrid) {
  const std::string model = benchModel("mobilenet");
  if (model.empty()) GTEST_SKIP() << "ncnn-bench models absent";
  auto g = loadModel(model);
  ASSERT_TRUE(g.isOk());
  QuantSpec spec = absmaxSpec(*g, Precision::Int7);
  auto lines = ncnnTableLines(*g, spec);
  ASSERT_TRUE(lines.isOk()) << lines.status().toString();
  const TableLine& last = lines->back();
  EXPECT_EQ(last.key, spec.layers.back().layer);
  EXPECT_NEAR(last.values[0], 63.0 / spec.layers.back().input.value, 1e-5);
  auto back = readNcnnTable(*g, [&] {
    const std::string p = scratch("int7.table");
    EXPECT_TRUE(writeNcnnTable(*g, spec, p).isOk());
    return p;
  }(), 7);
  ASSERT_TRUE(back.isOk());
  EXPECT_EQ(back->layers.back().precision, Precision::Int7);
  EXPECT_NEAR(back->layers.back().input.value, spec.layers.back().input.value, 1e-5);
}

TEST(NcnnTable, BadSpecIsRefusedAndNothingIsWritten) {
  const std::string model = benchModel("mobilenet");
  if (model.empty()) GTEST_SKIP() << "ncnn-bench models absent";
  auto g = loadModel(model);
  ASSERT_TRUE(g.isOk());
  const std::string path = scratch("bad_spec.table");
  fs::remove(path);

  QuantSpec nan = absmaxSpec(*g);
  nan.layers[2].input.value = std::nanf("");
  Status s = writeNcnnTable(*g, nan, path);
  EXPECT_EQ(s.code(), StatusCode::InvalidArgument);
  EXPECT_NE(s.message().find("'" + nan.layers[2].layer + "'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("nan"), std::string::npos) << s.message();
  EXPECT_FALSE(fs::exists(path));

  QuantSpec zeroWeight = absmaxSpec(*g);
  zeroWeight.layers[0].weight_thresholds[1] = 0.f;
  s = writeNcnnTable(*g, zeroWeight, path);
  EXPECT_NE(s.message().find("weight threshold 1"), std::string::npos) << s.message();

  QuantSpec unknown = absmaxSpec(*g);
  unknown.layers[0].layer = "no_such_layer";
  s = writeNcnnTable(*g, unknown, path);
  EXPECT_NE(s.message().find("'no_such_layer' is not in the model"), std::string::npos) << s.message();

  QuantSpec count = absmaxSpec(*g);
  count.layers[0].weight_thresholds.pop_back();
  s = writeNcnnTable(*g, count, path);
  EXPECT_NE(s.message().find("weight thresholds"), std::string::npos) << s.message();
  EXPECT_FALSE(fs::exists(path));

  s = writeNcnnTable(*g, absmaxSpec(*g), "/nonexistent_dir/x.table");
  EXPECT_EQ(s.code(), StatusCode::IoError);
  EXPECT_NE(s.message().find("/nonexistent_dir/x.table"), std::string::npos);
}

struct LintCase {
  const char* file;
  int line;
  const char* what;
};

class NcnnTableLint : public ::testing::TestWithParam<LintCase> {};

TEST_P(NcnnTableLint, NamesFileLineAndValue) {
  const LintCase& c = GetParam();
  const std::string path = fixture(c.file);
  auto r = parseNcnnTable(path);
  ASSERT_FALSE(r.isOk()) << c.file << " was accepted";
  EXPECT_EQ(r.status().code(), StatusCode::ParseError);
  const std::string& m = r.status().message();
  EXPECT_NE(m.find(path + ":" + std::to_string(c.line) + ":"), std::string::npos) << m;
  EXPECT_NE(m.find(c.what), std::string::npos) << m;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, NcnnTableLint,
                         ::testing::Values(LintCase{"nan_scale.table", 1, "is nan"}, LintCase{"inf_scale.table", 1, "is inf"},
                                           LintCase{"zero_scale.table", 3, "is 0"},
                                           LintCase{"negative_scale.table", 1, "is -2"},
                                           LintCase{"not_a_number.table", 2, "'12,5'"},
                                           LintCase{"duplicate_key.table", 3, "already given on line 2"},
                                           LintCase{"no_values.table", 2, "has no scales"}));

TEST(NcnnTable, MissingFileIsAnIoError) {
  auto r = parseNcnnTable("/nonexistent/model.table");
  EXPECT_EQ(r.status().code(), StatusCode::IoError);
  EXPECT_NE(r.status().message().find("/nonexistent/model.table"), std::string::npos);
}

TEST(NcnnTable, ImportWarnsAboutUnknownAndMissingLayers) {
  const std::string model = benchModel("mobilenet");
  if (model.empty()) GTEST_SKIP() << "ncnn-bench models absent";
  auto g = loadModel(model);
  ASSERT_TRUE(g.isOk());
  QuantSpec spec = absmaxSpec(*g);
  auto lines = ncnnTableLines(*g, spec);
  ASSERT_TRUE(lines.isOk());
  // Drop the second layer's weight line, add a stranger.
  const std::string dropped = spec.layers[1].layer;
  std::string text = "some_other_model_conv_param_0 1 2\n";
  for (const TableLine& l : *lines) {
    if (l.key == dropped + "_param_0") continue;
    text += l.key;
    for (float v : l.values) text += " " + std::to_string(v);
    text += "\n";
  }
  const std::string path = scratch("edited.table");
  std::ofstream(path) << text;
  Diagnostics diags;
  auto back = readNcnnTable(*g, path, 8, {}, &diags);
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  ASSERT_EQ(diags.size(), 2u);
  EXPECT_NE(diags[0].message.find(path + ":1: 'some_other_model_conv_param_0' names no layer"), std::string::npos) << diags[0].message;
  EXPECT_NE(diags[1].message.find("'" + dropped + "' has no weight line"), std::string::npos) << diags[1].message;
  EXPECT_EQ(back->find(dropped)->precision, Precision::Fp32);

  // A weight line of the wrong length is an error naming the line.
  std::ofstream(path) << spec.layers[0].layer << "_param_0 1 2 3\n";
  auto bad = readNcnnTable(*g, path);
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.status().message().find(path + ":1:"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("needs 32"), std::string::npos) << bad.status().message();
}


// ---------------------------------------------------------------- ncnn's 6-bit Winograd weights

// The weight line of `layer` in `lines`.
const TableLine* weightLine(const std::vector<TableLine>& lines, const std::string& layer) {
  for (const TableLine& l : lines)
    if (l.key == layer + "_param_0") return &l;
  return nullptr;
}

// absmaxSpec at `precision` on the Winograd fixture, weight widths as ncnn gives them.
QuantSpec winogradSpec(const Graph& g, Precision precision, bool rule) {
  QuantSpec spec = absmaxSpec(g, precision);
  for (LayerQuant& lq : spec.layers) lq.weight_bits = ncnnWeightBits(g.nodes[static_cast<size_t>(g.findNode(lq.layer))], precision, rule);
  return spec;
}

// Every weight line is q / T with q = 31 on the eligible layers and `otherQ` elsewhere.
void expectWeightScales(const QuantSpec& spec, const std::vector<TableLine>& lines, double eligibleQ,
                        double otherQ) {
  for (const LayerQuant& lq : spec.layers) {
    const TableLine* w = weightLine(lines, lq.layer);
    ASSERT_NE(w, nullptr) << lq.layer;
    ASSERT_EQ(w->values.size(), lq.weight_thresholds.size()) << lq.layer;
    const double q = testing::winogradMixEligible().count(lq.layer) ? eligibleQ : otherQ;
    for (size_t c = 0; c < w->values.size(); ++c)
      EXPECT_NEAR(w->values[c], q / lq.weight_thresholds[c], 1e-6 * q / lq.weight_thresholds[c]) << lq.layer << " " << c;
  }
}

// write -> read gives back the spec: precisions, weight widths, thresholds to float rounding.
void expectSameSpec(const QuantSpec& a, const QuantSpec& b) {
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) {
    const LayerQuant &x = a.layers[i], &y = b.layers[i];
    SCOPED_TRACE(x.layer);
    EXPECT_EQ(x.layer, y.layer);
    EXPECT_EQ(x.precision, y.precision);
    EXPECT_EQ(x.weight_bits, y.weight_bits);
    EXPECT_EQ(effectiveWeightBits(x), effectiveWeightBits(y));
    ASSERT_EQ(x.weight_thresholds.size(), y.weight_thresholds.size());
    for (size_t c = 0; c < x.weight_thresholds.size(); ++c)
      EXPECT_NEAR(x.weight_thresholds[c], y.weight_thresholds[c], 1e-6 * x.weight_thresholds[c]);
    if (activationBits(x.precision) > 0) {
      EXPECT_NEAR(x.input.value, y.input.value, 1e-6 * x.input.value);
    }
  }
}

TEST(NcnnTableWinograd, SixBitLayersAreWritten31OverTAndReadBackSixBit) {
  auto g = testing::winogradMixGraph();
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  const QuantSpec spec = winogradSpec(*g, Precision::Int8, true);
  int six = 0;
  for (const LayerQuant& lq : spec.layers) six += lq.weight_bits == 6;
  ASSERT_EQ(six, 2);
  Diagnostics diags;
  auto lines = ncnnTableLines(*g, spec, {}, &diags);
  ASSERT_TRUE(lines.isOk()) << lines.status().toString();
  EXPECT_TRUE(diags.empty()) << diags.front().message;
  expectWeightScales(spec, *lines, 31.0, 127.0);
  const std::string path = scratch("winograd_on.table");
  ASSERT_TRUE(writeNcnnTable(*g, spec, path).isOk());
  auto back = readNcnnTable(*g, path, 8, {}, &diags);
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_TRUE(diags.empty());
  expectSameSpec(spec, *back);
}

TEST(NcnnTableWinograd, RuleOffWrites127OverTAndReadsEightBit) {
  auto g = testing::winogradMixGraph();
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  const QuantSpec spec = winogradSpec(*g, Precision::Int8, false);
  NcnnTableOptions off;
  off.winograd_6bit = false;
  auto lines = ncnnTableLines(*g, spec, off);
  ASSERT_TRUE(lines.isOk()) << lines.status().toString();
  expectWeightScales(spec, *lines, 127.0, 127.0);
  const std::string path = scratch("winograd_off.table");
  ASSERT_TRUE(writeNcnnTable(*g, spec, path, off).isOk());
  auto back = readNcnnTable(*g, path, 8, off);
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  expectSameSpec(spec, *back);
}

// Decision: with the rule on, an INT8 layer whose spec has wider weights is still written with
// 31 / T (ncnn runs nothing else) and named in a warning; it reads back as weight_bits 6.
TEST(NcnnTableWinograd, EightBitWeightsOnAWinogradLayerAreWrittenSixBitWithAWarning) {
  auto g = testing::winogradMixGraph();
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  const QuantSpec spec = winogradSpec(*g, Precision::Int8, false);
  Diagnostics diags;
  const std::string path = scratch("winograd_widened.table");
  ASSERT_TRUE(writeNcnnTable(*g, spec, path, {}, &diags).isOk());
  ASSERT_EQ(diags.size(), 2u);
  EXPECT_NE(diags[0].message.find("layer 'wino': its 8-bit weights are written on ncnn's 6-bit Winograd grid (31 / T)"),
            std::string::npos) << diags[0].message;
  EXPECT_EQ(diags[0].node, g->findNode("wino"));
  EXPECT_NE(diags[1].message.find("'wino2'"), std::string::npos) << diags[1].message;
  auto lines = parseNcnnTable(path);
  ASSERT_TRUE(lines.isOk());
  expectWeightScales(spec, *lines, 31.0, 127.0);
  auto back = readNcnnTable(*g, path);
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  for (const LayerQuant& lq : back->layers)
    EXPECT_EQ(lq.weight_bits, testing::winogradMixEligible().count(lq.layer) ? 6 : 0) << lq.layer;
}

// Decision: ncnn2table has no 7-bit mode, so INT7 has no Winograd rule: an INT7 spec keeps 7-bit
// weights on every layer, its table says 63 / T, and it reads back 7-bit.
TEST(NcnnTableWinograd, Int7StaysSevenBit) {
  auto g = testing::winogradMixGraph();
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  const QuantSpec spec = winogradSpec(*g, Precision::Int7, true);
  for (const LayerQuant& lq : spec.layers) ASSERT_EQ(lq.weight_bits, 0) << lq.layer;
  Diagnostics diags;
  auto lines = ncnnTableLines(*g, spec, {}, &diags);
  ASSERT_TRUE(lines.isOk()) << lines.status().toString();
  EXPECT_TRUE(diags.empty());
  expectWeightScales(spec, *lines, 63.0, 63.0);
  const std::string path = scratch("winograd_int7.table");
  ASSERT_TRUE(writeNcnnTable(*g, spec, path).isOk());
  auto back = readNcnnTable(*g, path, 7);
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  expectSameSpec(spec, *back);
}

// An FP32 layer's weight line follows the INT8 rule (31 / absmax on a Winograd layer), and it
// reads back FP32 with the same thresholds and no weight width.
TEST(NcnnTableWinograd, Fp32WinogradLayerKeepsAWeightLineOnTheSixBitGrid) {
  auto g = testing::winogradMixGraph();
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  QuantSpec spec = winogradSpec(*g, Precision::Int8, true);
  LayerQuant& wino = *spec.find("wino");
  wino.precision = Precision::Fp32;
  wino.weight_bits = 0;
  const std::string path = scratch("winograd_fp32.table");
  ASSERT_TRUE(writeNcnnTable(*g, spec, path).isOk());
  auto lines = parseNcnnTable(path);
  ASSERT_TRUE(lines.isOk());
  expectWeightScales(spec, *lines, 31.0, 127.0);
  auto back = readNcnnTable(*g, path);
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  expectSameSpec(spec, *back);
}

}  // namespace
}  // namespace eqw
