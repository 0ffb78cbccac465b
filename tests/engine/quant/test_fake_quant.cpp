// The fake-quant graph: grid arithmetic (ALGORITHMS.md §1), weights on their per-channel grids,
// and whole-network behaviour on the Fashion-MNIST sample.
#include <eqw/fakequant.h>
#include <eqw/io.h>
#include <eqw/passes.h>
#include <eqw/runtime.h>

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace eqw {
namespace {

TEST(FakeQuant, RoundsHalfAwayFromZeroAndClamps) {
  EXPECT_EQ(fakeQuantValue(2.5f, 1.f, 127), 3.f);
  EXPECT_EQ(fakeQuantValue(-2.5f, 1.f, 127), -3.f);
  EXPECT_EQ(fakeQuantValue(1.49f, 1.f, 127), 1.f);
  EXPECT_EQ(fakeQuantValue(500.f, 1.f, 127), 127.f);
  EXPECT_EQ(fakeQuantValue(-500.f, 1.f, 63), -63.f);
  EXPECT_EQ(fakeQuantValue(-5.f, 1.f, 255, true), 0.f);
  EXPECT_FLOAT_EQ(fakeQuantValue(0.26f, 10.f, 127), 0.3f);
  EXPECT_TRUE(std::isnan(fakeQuantValue(NAN, 1.f, 127)));
}

struct Sample {
  Graph fp32;
  std::vector<Tensor> inputs;
};

Sample loadSample() {
  Sample s;
  auto g = loadModel(std::string(EQW_SOURCE_DIR) + "/samples/fashion-mnist/model.onnx");
  EXPECT_TRUE(g.isOk()) << g.status().toString();
  s.fp32 = *g;
  EXPECT_TRUE(canonicalize(s.fp32).isOk());
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  for (int k = 0; k < 4; ++k) {
    Tensor x(s.fp32.values[static_cast<size_t>(s.fp32.inputs[0])].shape);
    for (int64_t i = 0; i < x.numel(); ++i) x.f32()[i] = u(rng) < 0.6f ? 0.f : u(rng);  // a dark background
    s.inputs.push_back(x);
  }
  return s;
}

// A spec whose thresholds are the absmax of each layer's input over the inputs and of each
// weight channel: the "max" method computed here, independently of engine/calib.
QuantSpec maxSpec(const Sample& s, Precision precision) {
  ExecutorOptions opt;
  opt.keep_values = true;
  auto ex = Executor::create(s.fp32, opt);
  EXPECT_TRUE(ex.isOk());
  std::vector<float> absmax(s.fp32.values.size(), 0.f);
  for (const Tensor& x : s.inputs) {
    EXPECT_TRUE((*ex)->run({x}).isOk());
    for (const Node& n : s.fp32.nodes) {
      if (!isQuantizable(n)) continue;
      const Tensor& v = n.inputs[0] == s.fp32.inputs[0] ? x : (*ex)->value(n.inputs[0]);
      for (int64_t i = 0; i < v.numel(); ++i) absmax[n.inputs[0]] = std::max(absmax[n.inputs[0]], std::fabs(v.f32()[i]));
    }
  }
  QuantSpec spec;
  for (const Node& n : s.fp32.nodes) {
    if (!isQuantizable(n)) continue;
    LayerQuant lq;
    lq.layer = n.name;
    lq.precision = precision;
    lq.input = {absmax[n.inputs[0]], "max"};
    const Tensor& w = n.weights[0];
    const int64_t outputs = w.shape()[0], per = w.numel() / outputs;
    for (int64_t o = 0; o < outputs; ++o) {
      float m = 0.f;
      for (int64_t k = 0; k < per; ++k) m = std::max(m, std::fabs(w.f32()[o * per + k]));
      lq.weight_thresholds.push_back(m);
    }
    spec.layers.push_back(lq);
  }
  return spec;
}

double cosine(const Tensor& a, const Tensor& b) {
  double ab = 0, aa = 0, bb = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    ab += double(a.f32()[i]) * b.f32()[i];
    aa += double(a.f32()[i]) * a.f32()[i];
    bb += double(b.f32()[i]) * b.f32()[i];
  }
  return ab / std::sqrt(aa * bb);
}

TEST(FakeQuant, WeightsLieOnTheirChannelGrids) {
  Sample s = loadSample();
  QuantSpec spec = maxSpec(s, Precision::Int7);
  const LayerQuant& lq = spec.layers[1];
  const Node& n = s.fp32.nodes[static_cast<size_t>(s.fp32.findNode(lq.layer))];
  auto w = fakeQuantWeights(n, lq);
  ASSERT_TRUE(w.isOk()) << w.status().toString();
  const int64_t outputs = w->shape()[0], per = w->numel() / outputs;
  for (int64_t o = 0; o < outputs; ++o) {
    const double step = lq.weight_thresholds[o] / 63.0;
    for (int64_t k = 0; k < per; ++k) {
      const double q = w->f32()[o * per + k] / step;
      EXPECT_NEAR(q, std::round(q), 1e-3) << "channel " << o;
      EXPECT_LE(std::fabs(q), 63.0 + 1e-3);
      EXPECT_LE(std::fabs(w->f32()[o * per + k] - n.weights[0].f32()[o * per + k]), step / 2 + 1e-6);
    }
  }
}

TEST(FakeQuant, SampleNetworkQuantizedStaysCloseAndFp32SpecChangesNothing) {
  Sample s = loadSample();
  ExecutorOptions opt;
  opt.keep_values = true;
  auto ref = Executor::create(s.fp32, opt);
  ASSERT_TRUE(ref.isOk());

  QuantSpec fp32 = maxSpec(s, Precision::Int8);
  for (LayerQuant& l : fp32.layers) l.precision = Precision::Fp32;
  auto same = fakeQuantGraph(s.fp32, fp32);
  ASSERT_TRUE(same.isOk()) << same.status().toString();
  EXPECT_EQ(same->nodes.size(), s.fp32.nodes.size());

  for (Precision p : {Precision::Int8, Precision::Int7, Precision::W4}) {
    QuantSpec spec = maxSpec(s, p);
    auto fq = fakeQuantGraph(s.fp32, spec);
    ASSERT_TRUE(fq.isOk()) << fq.status().toString();
    const size_t inserted = activationBits(p) > 0 ? spec.layers.size() : 0;
    EXPECT_EQ(fq->nodes.size(), s.fp32.nodes.size() + inserted);
    auto ex = Executor::create(*fq, opt);
    ASSERT_TRUE(ex.isOk()) << ex.status().toString();
    for (const Tensor& x : s.inputs) {
      ASSERT_TRUE((*ref)->run({x}).isOk());
      ASSERT_TRUE((*ex)->run({x}).isOk());
      const double c = cosine((*ref)->output(0), (*ex)->output(0));
      EXPECT_GT(c, p == Precision::W4 ? 0.8 : 0.98) << toString(p);
      EXPECT_LT(c, 1.0 - 1e-9) << toString(p) << ": quantization changed nothing";
      // Value ids keep their meaning: the last conv's output compares by id.
      const int v = s.fp32.nodes[static_cast<size_t>(s.fp32.findNode(spec.layers.back().layer))].outputs[0];
      EXPECT_GT(cosine((*ref)->value(v), (*ex)->value(v)), p == Precision::W4 ? 0.8 : 0.98);
    }
  }
}

TEST(FakeQuant, BadSpecIsAnError) {
  Sample s = loadSample();
  QuantSpec spec = maxSpec(s, Precision::Int8);
  spec.layers[0].input.value = 0.f;
  auto fq = fakeQuantGraph(s.fp32, spec);
  ASSERT_FALSE(fq.isOk());
  EXPECT_NE(fq.status().message().find("'" + spec.layers[0].layer + "'"), std::string::npos) << fq.status().message();
}

}  // namespace
}  // namespace eqw
