// EasyQuant (eqw/easyquant.h) on the Fashion-MNIST sample, starting from max calibration: never
// worse than the start, monotone rounds, objectives that the fake-quant executor reproduces
// independently, both input modes, cancel, a valid spec and table; and on a synthetic layer whose
// optimum is known, against a brute-force search.
#include <eqw/calib.h>
#include <eqw/cpu.h>
#include <eqw/easyquant.h>
#include <eqw/fakequant.h>
#include <eqw/io.h>
#include <eqw/passes.h>
#include <eqw/runtime.h>
#include <eqw/table.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace eqw {
namespace {

const std::string kSample = std::string(EQW_SOURCE_DIR) + "/samples/fashion-mnist";

struct Sample {
  Graph graph;  // canonicalized
  Dataset calib;
  Preprocess pre;
  StatsSet stats;
};

// Loads the sample once (statistics included), or explains why not (the caller skips).
const Sample* sample(std::string& why) {
  static Sample s;
  static std::string error;
  static bool loaded = false;
  if (!loaded) {
    loaded = true;
    std::ifstream metaFile(kSample + "/meta.json");
    if (!metaFile) return (why = error = "samples/fashion-mnist/meta.json is missing"), nullptr;
    const auto meta = nlohmann::json::parse(metaFile);
    auto pre = parsePreprocess(meta.at("preprocess").at("eqw_flags").get<std::string>());
    auto graph = loadModel(kSample + "/model.onnx");
    auto calib = openDataset(kSample + "/calib");
    if (!pre || !graph || !calib) return (why = error = "the sample does not load"), nullptr;
    if (!canonicalize(*graph)) return (why = error = "canonicalize failed"), nullptr;
    CollectOptions co;
    co.values = StatsValues::QuantizableInputs;
    co.passes = 1;
    Diagnostics d;
    auto stats = collectStatistics(*graph, *calib, *pre, co, {}, d);
    if (!stats) return (why = error = stats.status().toString()), nullptr;
    s = {std::move(graph.value()), std::move(calib.value()), *pre, std::move(stats.value())};
  }
  why = error;
  return error.empty() ? &s : nullptr;
}

#define SAMPLE_OR_SKIP(s)                 \
  std::string why_;                       \
  const Sample* s = sample(why_);         \
  if (!s) GTEST_SKIP() << why_

// The max-calibrated start spec (inputs: max over the calibration images; weights: absmax).
QuantSpec maxSpec(const Sample& s, Precision p, Granularity g) {
  QuantSpec spec;
  auto method = makeCalibrationMethod("max");
  EXPECT_TRUE(method.isOk());
  for (const Node& n : s.graph.nodes) {
    if (!isQuantizable(n)) continue;
    const TensorStats* ts = s.stats.find(n.inputs[0]);
    EXPECT_NE(ts, nullptr) << n.name;
    if (!ts) continue;
    auto t = (*method)->threshold(*ts, activationBits(p));
    auto w = weightThresholds(n.weights[0], WeightMethod::Max, weightBits(p), static_cast<int>(weightScaleCount(n, g)));
    EXPECT_TRUE(t.isOk() && w.isOk()) << n.name;
    if (!t || !w) continue;
    spec.layers.push_back({n.name, p, g, false, {*t, "max"}, *w, "max"});
  }
  return spec;
}

std::vector<Tensor> firstImages(const Sample& s, size_t n) {
  std::vector<Tensor> out;
  Diagnostics d;
  (void)forEachSample(s.calib, s.pre, [&](size_t, const eqw::Sample&, const Tensor& t) {
    out.push_back(t.clone());
    return out.size() < n;
  }, d);
  return out;
}

// Independent of the search: mean over the images of cos(FP32 output of `layer`, the same value
// in the fake-quant network of `spec`), run by the ordinary executor.
double fakeQuantObjective(const Graph& g, const QuantSpec& spec, const std::string& layer, const std::vector<Tensor>& images) {
  auto fq = fakeQuantGraph(g, spec);
  EXPECT_TRUE(fq.isOk()) << fq.status().toString();
  ExecutorOptions eo;
  eo.keep_values = true;
  auto a = Executor::create(g, eo);
  auto b = Executor::create(*fq, eo);
  EXPECT_TRUE(a.isOk() && b.isOk());
  const int v = g.nodes[static_cast<size_t>(g.findNode(layer))].outputs[0];
  double sum = 0.0;
  for (const Tensor& x : images) {
    EXPECT_TRUE((*a)->run({x}).isOk());
    EXPECT_TRUE((*b)->run({x}).isOk());
    const Tensor& o = (*a)->value(v);
    const Tensor& y = (*b)->value(v);
    double dot = 0, oo = 0, yy = 0;
    for (int64_t i = 0; i < o.numel(); ++i)
      dot += double(o.f32()[i]) * y.f32()[i], oo += double(o.f32()[i]) * o.f32()[i], yy += double(y.f32()[i]) * y.f32()[i];
    sum += dot / std::sqrt(oo * yy);
  }
  return sum / static_cast<double>(images.size());
}

// The spec the objective of `layer` was measured on: that layer alone (isolated) or every layer
// up to and including it (sequential).
QuantSpec measuredSpec(const Graph& g, const QuantSpec& refined, const std::string& layer, EasyQuantInput mode) {
  QuantSpec out;
  for (const Node& n : g.nodes) {
    const LayerQuant* lq = refined.find(n.name);
    if (lq && (mode == EasyQuantInput::Sequential || n.name == layer)) out.layers.push_back(*lq);
    if (n.name == layer) break;
  }
  return out;
}

void printResult(const EasyQuantResult& r, const char* title) {
  std::printf("EasyQuant %s (%s, %lld images): %.2f s\n", title, toString(r.input), static_cast<long long>(r.images), r.seconds);
  std::printf("  %-28s %10s %10s %6s %8s\n", "layer", "before", "after", "rounds", "seconds");
  for (const EasyQuantLayer& l : r.layers)
    std::printf("  %-28s %10.6f %10.6f %6zu %8.3f\n", l.layer.c_str(), l.before, l.after, l.rounds.size(), l.seconds);
}

// The checks every sample run must pass.
void checkRun(const Sample& s, const QuantSpec& start, const EasyQuantResult& r, EasyQuantInput mode,
              double visibleGain = 1e-4) {
  ASSERT_EQ(r.layers.size(), start.layers.size());
  EXPECT_TRUE(validateSpec(s.graph, r.spec).isOk()) << validateSpec(s.graph, r.spec).toString();
  const std::vector<Tensor> images = firstImages(s, static_cast<size_t>(r.images));
  double bestGain = 0.0;
  for (const EasyQuantLayer& l : r.layers) {
    SCOPED_TRACE(l.layer);
    EXPECT_GE(l.after, l.before) << "never worse than the start";
    bestGain = std::max(bestGain, l.after - l.before);
    ASSERT_FALSE(l.rounds.empty());
    EXPECT_EQ(l.rounds.front().start, l.before);
    double last = l.before;
    for (const EasyQuantRound& round : l.rounds) {
      EXPECT_EQ(round.start, last);
      EXPECT_GE(round.after_weights, round.start);
      EXPECT_GE(round.after_activation, round.after_weights);
      last = round.after_activation;
    }
    EXPECT_EQ(l.after, last);
    ASSERT_EQ(l.activation_curve.scales.size(), 100u);
    EXPECT_TRUE(std::is_sorted(l.activation_curve.scales.begin(), l.activation_curve.scales.end()));
    const LayerQuant* lq = r.spec.find(l.layer);
    ASSERT_NE(lq, nullptr);
    EXPECT_EQ(lq->input.method, "eq");
    EXPECT_EQ(lq->weight_method, "eq");
    // The recorded objective is what the fake-quant network computes for the refined spec.
    EXPECT_NEAR(fakeQuantObjective(s.graph, measuredSpec(s.graph, r.spec, l.layer, mode), l.layer, images), l.after, 1e-5);
  }
  EXPECT_GT(bestGain, visibleGain) << "at least one layer improves visibly";
}

Result<EasyQuantResult> refine(const Sample& s, const QuantSpec& start, const EasyQuantOptions& o) {
  Diagnostics d;
  return refineEasyQuant(s.graph, start, s.calib, s.pre, o, {}, d);
}

TEST(EasyQuant, SampleInt7Isolated) {
  SAMPLE_OR_SKIP(s);
  const QuantSpec start = maxSpec(*s, Precision::Int7, Granularity::PerChannel);
  EasyQuantOptions o;
  o.threads = 2;
  auto r = refine(*s, start, o);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->images, 50);
  printResult(*r, "int7 per-channel");
  checkRun(*s, start, *r, EasyQuantInput::Isolated);
  const std::string table = (std::filesystem::temp_directory_path() / "eqw_easyquant_int7.table").string();
  ASSERT_TRUE(writeNcnnTable(s->graph, r->spec, table).isOk());
  auto back = readNcnnTable(s->graph, table, 7);
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_EQ(back->layers.size(), r->spec.layers.size());
  std::remove(table.c_str());
}

TEST(EasyQuant, SampleInt8Isolated) {
  SAMPLE_OR_SKIP(s);
  const QuantSpec start = maxSpec(*s, Precision::Int8, Granularity::PerChannel);
  EasyQuantOptions o;
  o.threads = 2;
  auto r = refine(*s, start, o);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  printResult(*r, "int8 per-channel");
  checkRun(*s, start, *r, EasyQuantInput::Isolated);
}

TEST(EasyQuant, SampleInt7Sequential) {
  SAMPLE_OR_SKIP(s);
  const QuantSpec start = maxSpec(*s, Precision::Int7, Granularity::PerChannel);
  EasyQuantOptions o;
  o.threads = 2;
  o.input = EasyQuantInput::Sequential;
  auto r = refine(*s, start, o);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->input, EasyQuantInput::Sequential);
  printResult(*r, "int7 per-channel");
  checkRun(*s, start, *r, EasyQuantInput::Sequential);
}

// Inputs that are never negative (after ReLU, the image) on the unsigned grid [0, 2^n - 1].
TEST(EasyQuant, UnsignedInputs) {
  SAMPLE_OR_SKIP(s);
  QuantSpec start = maxSpec(*s, Precision::Int8, Granularity::PerChannel);
  int unsignedLayers = 0;
  for (LayerQuant& l : start.layers) {
    const TensorStats* ts = s->stats.find(s->graph.nodes[static_cast<size_t>(s->graph.findNode(l.layer))].inputs[0]);
    l.unsigned_input = ts && ts->min >= 0.f;
    unsignedLayers += l.unsigned_input;
  }
  ASSERT_GT(unsignedLayers, 0);
  EasyQuantOptions o;
  o.images = 20;
  o.threads = 2;
  auto r = refine(*s, start, o);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  printResult(*r, "int8 per-channel, unsigned inputs where min >= 0");
  checkRun(*s, start, *r, EasyQuantInput::Isolated, 1e-5);  // the finer grid leaves less to gain
  for (const LayerQuant& l : r->spec.layers) EXPECT_EQ(l.unsigned_input, start.find(l.layer)->unsigned_input);
}

// Per-tensor weights: one weight scale per layer, grouped (depthwise) layers searched as a whole.
// The integer search (the default where the CPU has fast integer kernels) and the float search
// measure the same objective up to float rounding, so they reach the same quality; the records
// say which arithmetic each layer used.
TEST(EasyQuant, IntegerAndFloatSearchesAgree) {
  SAMPLE_OR_SKIP(s);
  const QuantSpec start = maxSpec(*s, Precision::Int8, Granularity::PerChannel);
  EasyQuantOptions o;
  o.threads = 2;
  o.images = 10;
  o.candidates = 40;
  o.max_rounds = 2;
  auto fast = refine(*s, start, o);
  o.integer_kernels = false;
  auto slow = refine(*s, start, o);
  ASSERT_TRUE(fast.isOk() && slow.isOk());
  ASSERT_EQ(fast->layers.size(), slow->layers.size());
  // Every layer has fast integer kernels with VNNI (the fully connected one needs it).
  const Isa isa = activeIsa();
  const bool haveFast = isa == Isa::Avx512Vnni || (isa >= Isa::AvxVnni && isaSupported(Isa::AvxVnni));
  if (!haveFast) std::printf("[  SKIPPED ] integer search on every layer: no VNNI at %s\n", toString(isa));
  const std::vector<Tensor> images = firstImages(*s, 10);
  int integerLayers = 0;
  for (size_t i = 0; i < fast->layers.size(); ++i) {
    const EasyQuantLayer& a = fast->layers[i];
    const EasyQuantLayer& b = slow->layers[i];
    SCOPED_TRACE(a.layer);
    EXPECT_FALSE(b.integer);
    integerLayers += a.integer;
    EXPECT_NEAR(a.before, b.before, 2e-6) << "the same start measured two ways";
    EXPECT_NEAR(a.after, b.after, 2e-5);
    // Each search's record is what the fake-quant network computes for its thresholds.
    EXPECT_NEAR(fakeQuantObjective(s->graph, measuredSpec(s->graph, fast->spec, a.layer, EasyQuantInput::Isolated), a.layer, images), a.after, 2e-6);
  }
  if (haveFast) {
    EXPECT_EQ(integerLayers, static_cast<int>(fast->layers.size())) << "every Conv / Gemm layer searched in integers";
  }
}

TEST(EasyQuant, SamplePerTensor) {
  SAMPLE_OR_SKIP(s);
  const QuantSpec start = maxSpec(*s, Precision::Int7, Granularity::PerTensor);
  EasyQuantOptions o;
  o.threads = 2;
  auto r = refine(*s, start, o);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  printResult(*r, "int7 per-tensor");
  checkRun(*s, start, *r, EasyQuantInput::Isolated);
  for (const LayerQuant& l : r->spec.layers) EXPECT_EQ(l.weight_thresholds.size(), 1u) << l.layer;
}

// The weight phase computes each scale slot on a sub-layer (a group's channels sliced out, the
// candidates stacked as outputs). Checked against the whole layer run by the fake-quant executor:
// after one weight search (input at its start threshold), moving any one channel of a depthwise,
// a pointwise and the fully connected layer to another candidate does not raise the objective.
TEST(EasyQuant, WeightSearchIsCoordinateOptimal) {
  SAMPLE_OR_SKIP(s);
  const QuantSpec start = maxSpec(*s, Precision::Int7, Granularity::PerChannel);
  EasyQuantOptions o;
  o.images = 10;
  o.max_rounds = 1;
  o.threads = 2;
  auto r = refine(*s, start, o);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  std::vector<std::string> layers;
  for (const Node& n : s->graph.nodes) {
    if (n.kind == OpKind::Convolution && n.p<ConvParams>().group > 1 && layers.empty()) layers.push_back(n.name);
    if (n.kind == OpKind::Convolution && n.p<ConvParams>().kernel_h == 1 && layers.size() == 1) layers.push_back(n.name);
    if (n.kind == OpKind::InnerProduct) layers.push_back(n.name);
  }
  ASSERT_EQ(layers.size(), 3u);
  const std::vector<Tensor> images = firstImages(*s, 10);
  for (const std::string& name : layers) {
    SCOPED_TRACE(name);
    const EasyQuantLayer* rec = nullptr;
    for (const EasyQuantLayer& l : r->layers)
      if (l.layer == name) rec = &l;
    ASSERT_NE(rec, nullptr);
    LayerQuant lq = *r->spec.find(name);
    lq.input = start.find(name)->input;  // the weight search ran at the start input threshold
    const QuantSpec alone{{lq}};
    EXPECT_NEAR(fakeQuantObjective(s->graph, alone, name, images), rec->rounds[0].after_weights, 1e-6);
    const std::vector<float>& t0 = start.find(name)->weight_thresholds;
    for (size_t c : {size_t{0}, t0.size() / 2, t0.size() - 1}) {
      for (int k = 0; k < 100; k += 11) {
        QuantSpec moved = alone;
        moved.layers[0].weight_thresholds[c] = static_cast<float>(t0[c] / (0.5 + 1.5 * k / 99.0));
        EXPECT_LE(fakeQuantObjective(s->graph, moved, name, images), rec->rounds[0].after_weights + 1e-6)
            << "channel " << c << " candidate " << k;
      }
    }
  }
}

TEST(EasyQuant, CancelStops) {
  SAMPLE_OR_SKIP(s);
  const QuantSpec start = maxSpec(*s, Precision::Int8, Granularity::PerChannel);
  EasyQuantOptions o;
  o.images = 5;
  int calls = 0;
  Diagnostics d;
  auto r = refineEasyQuant(s->graph, start, s->calib, s->pre, o, [&](const std::string& stage, int64_t done, int64_t) {
    ++calls;
    return !(stage == "easyquant" && done >= 2);
  }, d);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::Cancelled);
  EXPECT_GT(calls, 0);
}

TEST(EasyQuant, BadInputsAreErrors) {
  SAMPLE_OR_SKIP(s);
  QuantSpec start = maxSpec(*s, Precision::Int8, Granularity::PerChannel);
  EasyQuantOptions o;
  o.range_lo = 1.5;  // the start scale would not be a candidate
  auto r = refine(*s, start, o);
  EXPECT_EQ(r.status().code(), StatusCode::InvalidArgument);
  EXPECT_NE(r.status().message().find("range"), std::string::npos) << r.status().message();
  QuantSpec fp32 = start;
  for (LayerQuant& l : fp32.layers) l.precision = Precision::Fp32;
  r = refine(*s, fp32, {});
  EXPECT_EQ(r.status().code(), StatusCode::InvalidArgument);
  start.layers[0].input.value = NAN;
  r = refine(*s, start, {});
  EXPECT_EQ(r.status().code(), StatusCode::InvalidArgument);
}

// ---------------------------------------------------------------- a layer with a known optimum

// Convolution 1 -> 3 channels, a 28x28 kernel padded by 4 (9x9 outputs): small weights plus one
// outlier per channel at tap (0, 0), which only ever reads the images' black top-left corner. The
// outlier sets absmax but contributes nothing, so the best weight threshold clips it: every
// channel's refined threshold must move well below absmax.
// A graph of one convolution over the sample's 28x28 gray input.
Graph oneConvGraph(const std::string& name, const ConvParams& p, std::vector<Tensor> weights) {
  Graph g;
  g.name = name;
  const int x = g.addValue("input", {1, 1, 28, 28});
  const int y = g.addValue("conv_out");
  g.inputs = {x};
  g.outputs = {y};
  Node n;
  n.name = "conv";
  n.source_type = "Convolution";
  n.kind = OpKind::Convolution;
  n.params = p;
  n.inputs = {x};
  n.outputs = {y};
  n.weights = std::move(weights);
  g.addNode(std::move(n));
  EXPECT_TRUE(g.validate().isOk());
  EXPECT_TRUE(g.inferShapes().isOk());
  return g;
}

Graph outlierConv(float outlier) {
  ConvParams p;
  p.num_output = 3;
  p.kernel_h = p.kernel_w = 28;
  p.pads = {4, 4, 4, 4};
  p.bias = true;
  Tensor w({3, 1, 28, 28});
  uint32_t state = 12345;
  for (int64_t i = 0; i < w.numel(); ++i) {
    state = state * 1664525u + 1013904223u;
    w.f32()[i] = (static_cast<float>(state >> 8) / 16777216.f - 0.5f) * 0.02f;  // uniform in ±0.01
  }
  for (int c = 0; c < 3; ++c) w.f32()[c * 28 * 28] = outlier;
  return oneConvGraph("outlier_conv", p, {w, Tensor::fromVector({3}, {0.1f, -0.2f, 0.05f})});
}

// Mean cosine of the conv's output with weight threshold t on every channel and the input on its
// grid, computed naively (the brute-force reference for the weight search).
double naiveObjective(const Graph& g, const std::vector<Tensor>& images, const std::vector<float>& wt, float inT, int q) {
  const Node& n = g.nodes[0];
  const Tensor& w = n.weights[0];
  const float inScale = static_cast<float>(q / static_cast<double>(inT));
  double sum = 0.0;
  for (const Tensor& x : images) {
    double dot = 0, oo = 0, yy = 0;
    for (int c = 0; c < 3; ++c) {
      const float ws = static_cast<float>(q / static_cast<double>(wt[static_cast<size_t>(c)]));
      for (int oy = 0; oy < 9; ++oy)
        for (int ox = 0; ox < 9; ++ox) {
          double o = n.weights[1].f32()[c], y = o;
          for (int ky = 0; ky < 28; ++ky)
            for (int kx = 0; kx < 28; ++kx) {
              const int iy = oy - 4 + ky, ix = ox - 4 + kx;
              if (iy < 0 || ix < 0 || iy >= 28 || ix >= 28) continue;
              const float wv = w.f32()[(c * 28 + ky) * 28 + kx], xv = x.f32()[iy * 28 + ix];
              o += double(wv) * xv;
              y += double(fakeQuantValue(wv, ws, q)) * fakeQuantValue(xv, inScale, q);
            }
          dot += o * y, oo += o * o, yy += y * y;
        }
    }
    sum += dot / std::sqrt(oo * yy);
  }
  return sum / static_cast<double>(images.size());
}

TEST(EasyQuant, OutlierWeightIsClipped) {
  SAMPLE_OR_SKIP(s);
  const Graph g = outlierConv(0.5f);
  QuantSpec start;
  start.layers.push_back({"conv", Precision::Int7, Granularity::PerChannel, false, {1.f, "max"}, {0.5f, 0.5f, 0.5f}, "max"});
  EasyQuantOptions o;
  o.images = 20;
  o.max_rounds = 1;
  o.threads = 2;
  Diagnostics d;
  auto r = refineEasyQuant(g, start, s->calib, s->pre, o, {}, d);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  const LayerQuant& lq = r->spec.layers[0];
  for (float t : lq.weight_thresholds) EXPECT_LT(t, 0.5f * 0.8f) << "the outlier is clipped";
  const EasyQuantLayer& l = r->layers[0];
  EXPECT_GT(l.after, l.before + 1e-4);

  // Brute force over one channel at a time (the others at their refined thresholds) confirms that
  // no single channel can do better (the weight search ends coordinate-wise optimal), and the
  // objective matches the naive layer.
  const std::vector<Tensor> images = firstImages(*s, 20);
  const float inT = 1.f;  // the weight search of round 1 runs at the start input threshold
  const double chosen = naiveObjective(g, images, lq.weight_thresholds, inT, 63);
  EXPECT_NEAR(chosen, l.rounds[0].after_weights, 1e-6);
  for (int c = 0; c < 3; ++c) {
    for (int k = 0; k < 100; k += 3) {  // a spread of the candidates (every one would be slow here)
      std::vector<float> t = lq.weight_thresholds;
      t[static_cast<size_t>(c)] = static_cast<float>(0.5 / (0.5 + 1.5 * k / 99.0));
      EXPECT_LE(naiveObjective(g, images, t, inT, 63), chosen + 1e-7) << "channel " << c << " candidate " << k;
    }
  }
}


// ---------------------------------------------------------------- ncnn's 6-bit Winograd grid

// Convolution 1 -> 8 channels, 3x3, stride 1, pad 1: a layer ncnn runs with 6-bit Winograd weights.
Graph winogradConv() {
  ConvParams p;
  p.num_output = 8;
  p.kernel_h = p.kernel_w = 3;
  p.pads = {1, 1, 1, 1};
  p.bias = true;
  Tensor w({8, 1, 3, 3}), b({8});
  uint32_t state = 777;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(state >> 8) / 16777216.f - 0.5f;
  };
  for (int64_t i = 0; i < w.numel(); ++i) w.f32()[i] = next();
  for (int64_t i = 0; i < b.numel(); ++i) b.f32()[i] = 0.1f * next();
  return oneConvGraph("winograd_conv", p, {w, b});
}

// The search runs on the layer's effective weight grid: a weight_bits 6 layer is searched on the
// 31-step grid, so its recorded objectives are what the fake-quant model (31 steps) computes —
// and not what the 127-step grid would give.
TEST(EasyQuant, SearchesNcnnWinogradLayersOnTheSixBitGrid) {
  SAMPLE_OR_SKIP(s);
  const Graph g = winogradConv();
  ASSERT_TRUE(ncnnRunsWinograd(g.nodes[0]));
  LayerQuant lq{"conv", Precision::Int8, Granularity::PerChannel, false, {1.f, "max"}, {}, "max"};
  lq.weight_bits = ncnnWeightBits(g.nodes[0], Precision::Int8, true);
  ASSERT_EQ(lq.weight_bits, 6);
  auto wt = weightThresholds(g.nodes[0].weights[0], WeightMethod::Max, 6, 8);
  ASSERT_TRUE(wt.isOk());
  lq.weight_thresholds = *wt;
  const QuantSpec start{{lq}};
  EasyQuantOptions o;
  o.images = 10;
  o.max_rounds = 2;
  o.threads = 2;
  Diagnostics d;
  auto r = refineEasyQuant(g, start, s->calib, s->pre, o, {}, d);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  const EasyQuantLayer& l = r->layers[0];
  EXPECT_EQ(l.weight_bits, 6);
  EXPECT_EQ(r->spec.layers[0].weight_bits, 6) << "the refined spec keeps the width";
  const std::vector<Tensor> images = firstImages(*s, 10);
  EXPECT_NEAR(fakeQuantObjective(g, start, "conv", images), l.before, 1e-6);
  EXPECT_NEAR(fakeQuantObjective(g, r->spec, "conv", images), l.after, 1e-6);
  EXPECT_NEAR(fakeQuantObjective(g, measuredSpec(g, r->spec, "conv", EasyQuantInput::Isolated), "conv", images), l.after, 1e-6);
  QuantSpec wide = start;
  wide.layers[0].weight_bits = 0;
  EXPECT_GT(fakeQuantObjective(g, wide, "conv", images), l.before + 1e-5) << "8-bit weights would score higher";
  EXPECT_GE(l.after, l.before);
}

}  // namespace
}  // namespace eqw
