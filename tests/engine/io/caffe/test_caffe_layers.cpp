// Numeric checks of the Caffe importer: each fixture in tests/data/caffe/<case>/ is loaded with a
// caffemodel written from its weights.pbtxt, run, and compared with a naive computation written
// here from Caffe's own definitions (not from the engine's kernels).
#include <eqw/graph.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/io/caffe/caffe_test_util.h"

namespace eqw::test {
namespace {

using Vec = std::vector<float>;
constexpr double kTol = 1e-5;

struct Conv {
  int out = 0, group = 1, kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1;
};

// Caffe's convolution: out = (in + 2p - (d(k-1)+1)) / s + 1, zero padding.
Vec naiveConv(const Vec& x, int c, int h, int w, const Vec& wt, const Vec& bias, const Conv& p, int* oh, int* ow) {
  *oh = (h + 2 * p.ph - (p.dh * (p.kh - 1) + 1)) / p.sh + 1;
  *ow = (w + 2 * p.pw - (p.dw * (p.kw - 1) + 1)) / p.sw + 1;
  const int cin = c / p.group, cout = p.out / p.group;
  Vec y(static_cast<size_t>(p.out) * *oh * *ow, 0.f);
  for (int o = 0; o < p.out; ++o) {
    const int g = o / cout;
    for (int i = 0; i < *oh; ++i)
      for (int j = 0; j < *ow; ++j) {
        double s = bias.empty() ? 0.0 : bias[o];
        for (int ci = 0; ci < cin; ++ci)
          for (int a = 0; a < p.kh; ++a)
            for (int b = 0; b < p.kw; ++b) {
              const int yy = i * p.sh - p.ph + a * p.dh, xx = j * p.sw - p.pw + b * p.dw;
              if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
              s += double(wt[((o * cin + ci) * p.kh + a) * p.kw + b]) * x[((g * cin + ci) * h + yy) * w + xx];
            }
        y[(o * *oh + i) * *ow + j] = static_cast<float>(s);
      }
  }
  return y;
}

// Caffe's PoolingLayer::Forward_cpu, transcribed: ceil output size with the last-window rule;
// AVE divides by the window clipped to [-pad, in + pad).
Vec naivePool(const Vec& x, int c, int h, int w, bool ave, int kh, int kw, int sh, int sw, int ph, int pw, bool ceilMode, int* oh, int* ow) {
  auto size = [&](int in, int k, int s, int p) {
    int o = ceilMode ? static_cast<int>(std::ceil(double(in + 2 * p - k) / s)) + 1 : (in + 2 * p - k) / s + 1;
    if (p > 0 && (o - 1) * s >= in + p) --o;
    return o;
  };
  *oh = size(h, kh, sh, ph);
  *ow = size(w, kw, sw, pw);
  Vec y(static_cast<size_t>(c) * *oh * *ow);
  for (int ch = 0; ch < c; ++ch)
    for (int i = 0; i < *oh; ++i)
      for (int j = 0; j < *ow; ++j) {
        int hs = i * sh - ph, ws = j * sw - pw;
        int he = std::min(hs + kh, h + ph), we = std::min(ws + kw, w + pw);
        const int poolSize = (he - hs) * (we - ws);
        hs = std::max(hs, 0);
        ws = std::max(ws, 0);
        he = std::min(he, h);
        we = std::min(we, w);
        double acc = ave ? 0.0 : -1e30;
        for (int a = hs; a < he; ++a)
          for (int b = ws; b < we; ++b) {
            const float v = x[(ch * h + a) * w + b];
            acc = ave ? acc + v : std::max(acc, double(v));
          }
        y[(ch * *oh + i) * *ow + j] = static_cast<float>(ave ? acc / poolSize : acc);
      }
  return y;
}

Vec values(const Tensor& t) { return Vec(t.f32(), t.f32() + t.numel()); }

struct Loaded {
  Graph graph;
  caffepb::NetParameter weights;
  Tensor input;
  RunResult ref, fast;
  const Tensor& value(const std::string& name, bool reference = true) const {
    const int id = graph.findValue(name);
    EXPECT_GE(id, 0) << "no value " << name;
    return (reference ? ref : fast).values.at(static_cast<size_t>(std::max(id, 0)));
  }
};

// Loads <case> (with its weights.pbtxt when present) and runs it with the reference and the
// fast kernels on a pattern input.
bool loadAndRun(const std::string& name, Loaded* out, const Shape& inputShape = {}) {
  const std::string dir = caffeFixture(name);
  std::string model;
  if (!readFile(dir + "/weights.pbtxt").empty()) {
    model = caffeTempDir() + "/" + name + ".caffemodel";
    out->weights = writeCaffemodel(dir, model);
  }
  Diagnostics diags;
  Result<Graph> g = loadCaffe(dir + "/net.prototxt", model, &diags, inputShape);
  EXPECT_TRUE(g.isOk()) << g.status().toString();
  if (!g) return false;
  out->graph = std::move(*g);
  EXPECT_EQ(out->graph.inputs.size(), 1u);
  out->input = patternInput(out->graph.values[out->graph.inputs[0]].shape);
  out->ref = runGraph(out->graph, {out->input}, true);
  out->fast = runGraph(out->graph, {out->input}, false);
  EXPECT_TRUE(out->ref.status.isOk()) << out->ref.status.toString();
  EXPECT_TRUE(out->fast.status.isOk()) << out->fast.status.toString();
  return out->ref.status.isOk() && out->fast.status.isOk();
}

void expectValue(const Loaded& l, const std::string& name, const Shape& shape, const Vec& expected) {
  for (bool reference : {true, false}) {
    const Tensor& t = l.value(name, reference);
    EXPECT_EQ(t.shape(), shape) << name;
    EXPECT_LE(maxRelError(t, expected), kTol) << name << (reference ? " (reference kernels)" : " (fast kernels)");
  }
}

TEST(CaffeLayers, GroupedDilatedConvolution) {
  Loaded l;
  ASSERT_TRUE(loadAndRun("conv_group_dilation", &l));
  Conv p{6, 2, 3, 3, 1, 2, 2, 1, 2, 2};
  int oh = 0, ow = 0;
  Vec conv = naiveConv(values(l.input), 4, 7, 6, layerBlob(l.weights, "conv", 0), layerBlob(l.weights, "conv", 1), p, &oh, &ow);
  ASSERT_EQ(oh, 7);
  ASSERT_EQ(ow, 2);
  expectValue(l, "conv", {1, 6, 7, 2}, conv);
  Conv q{3, 1, 1, 2};
  int oh2 = 0, ow2 = 0;
  Vec conv2 = naiveConv(conv, 6, oh, ow, layerBlob(l.weights, "conv2", 0), {}, q, &oh2, &ow2);
  expectValue(l, "conv2", {1, 3, oh2, ow2}, conv2);
}

TEST(CaffeLayers, PoolingRoundsUpLikeCaffe) {
  Loaded l;
  ASSERT_TRUE(loadAndRun("pool_ceil", &l));
  const Vec x = values(l.input);
  int oh = 0, ow = 0;
  Vec maxp = naivePool(x, 2, 6, 6, false, 3, 3, 2, 2, 0, 0, true, &oh, &ow);
  ASSERT_EQ(oh, 3);  // floor rounding would give 2
  expectValue(l, "maxpool", {1, 2, 3, 3}, maxp);
  Vec avep = naivePool(x, 2, 6, 6, true, 3, 3, 2, 2, 1, 1, true, &oh, &ow);
  ASSERT_EQ(oh, 4);
  expectValue(l, "avepool", {1, 2, 4, 4}, avep);
  Vec floorp = naivePool(x, 2, 6, 6, false, 3, 3, 2, 2, 0, 0, false, &oh, &ow);
  expectValue(l, "floorpool", {1, 2, 2, 2}, floorp);
  Vec rect = naivePool(x, 2, 6, 6, true, 2, 3, 1, 2, 1, 0, true, &oh, &ow);
  expectValue(l, "rectpool", {1, 2, oh, ow}, rect);
  Vec gap = naivePool(x, 2, 6, 6, true, 6, 6, 1, 1, 0, 0, true, &oh, &ow);
  expectValue(l, "gap", {1, 2, 1, 1}, gap);
}

TEST(CaffeLayers, BatchNormScaleReluInPlace) {
  Loaded l;
  ASSERT_TRUE(loadAndRun("bn_scale_inplace", &l));
  int oh = 0, ow = 0;
  Conv p{4, 1, 3, 3, 1, 1, 1, 1};
  Vec y = naiveConv(values(l.input), 3, 4, 4, layerBlob(l.weights, "conv1", 0), layerBlob(l.weights, "conv1", 1), p, &oh, &ow);
  expectValue(l, "conv1@conv1", {1, 4, 4, 4}, y);
  const Vec mean = layerBlob(l.weights, "conv1/bn", 0), var = layerBlob(l.weights, "conv1/bn", 1);
  const float factor = 1.f / layerBlob(l.weights, "conv1/bn", 2)[0];
  const Vec s = layerBlob(l.weights, "conv1/scale", 0), b = layerBlob(l.weights, "conv1/scale", 1);
  for (int c = 0; c < 4; ++c)
    for (int i = 0; i < 16; ++i) {
      float& v = y[c * 16 + i];
      v = (v - mean[c] * factor) / std::sqrt(var[c] * factor + 0.001f);
      v = v * s[c] + b[c];
      v = v > 0 ? v : 0.1f * v;
    }
  expectValue(l, "conv1", {1, 4, 4, 4}, y);
  Vec pool = naivePool(y, 4, 4, 4, false, 2, 2, 2, 2, 0, 0, true, &oh, &ow);
  expectValue(l, "pool", {1, 4, 2, 2}, pool);
  ASSERT_EQ(l.graph.outputs.size(), 1u);
  EXPECT_EQ(l.graph.values[l.graph.outputs[0]].name, "pool");
}

TEST(CaffeLayers, EltwiseCoefficientsAndPower) {
  Loaded l;
  ASSERT_TRUE(loadAndRun("eltwise_coeff", &l));
  const Vec x = values(l.input);
  int oh = 0, ow = 0;
  Vec a = naiveConv(x, 2, 3, 3, layerBlob(l.weights, "a", 0), layerBlob(l.weights, "a", 1), Conv{2}, &oh, &ow);
  Vec b = naiveConv(x, 2, 3, 3, layerBlob(l.weights, "b", 0), {}, Conv{2}, &oh, &ow);
  Vec sum(a.size()), prod(a.size()), mx(a.size()), power(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    sum[i] = 0.5f * a[i] - 2.f * b[i] + 1.5f * x[i];
    prod[i] = a[i] * b[i];
    mx[i] = std::max(a[i], b[i]);
    power[i] = std::pow(1.f + 0.5f * sum[i], 2.f);
  }
  expectValue(l, "sum", {1, 2, 3, 3}, sum);
  expectValue(l, "prod", {1, 2, 3, 3}, prod);
  expectValue(l, "max", {1, 2, 3, 3}, mx);
  expectValue(l, "power", {1, 2, 3, 3}, power);
}

TEST(CaffeLayers, SliceConcatSplit) {
  Loaded l;
  ASSERT_TRUE(loadAndRun("slice_concat", &l));
  const Vec x = values(l.input);  // [1, 6, 2, 3]
  auto at = [&](int c, int h, int w) { return x[(c * 2 + h) * 3 + w]; };
  Vec cat, s1sum, wcat;
  for (int c : {4, 5, 0})
    for (int i = 0; i < 6; ++i) cat.push_back(x[c * 6 + i]);
  for (int c = 1; c < 4; ++c)
    for (int i = 0; i < 6; ++i) s1sum.push_back(2.f * x[c * 6 + i]);
  for (int c = 0; c < 6; ++c)
    for (int h = 0; h < 2; ++h)
      for (int w : {2, 0, 1}) wcat.push_back(at(c, h, w));
  expectValue(l, "cat", {1, 3, 2, 3}, cat);
  expectValue(l, "s1sum", {1, 3, 2, 3}, s1sum);
  expectValue(l, "wcat", {1, 6, 2, 3}, wcat);
}

TEST(CaffeLayers, FlattenInnerProductTransposeSoftmax) {
  Loaded l;
  ASSERT_TRUE(loadAndRun("flatten_ip", &l));
  const Vec x = values(l.input);  // 18 values
  const Vec w = layerBlob(l.weights, "fc", 0), b = layerBlob(l.weights, "fc", 1), wt = layerBlob(l.weights, "fct", 0);
  Vec fc(4), prob(4), fct(3, 0.f);
  double z = 0;
  for (int n = 0; n < 4; ++n) {
    double s = b[n];
    for (int k = 0; k < 18; ++k) s += double(w[n * 18 + k]) * x[k];
    fc[n] = static_cast<float>(s);
  }
  const float m = *std::max_element(fc.begin(), fc.end());
  for (int n = 0; n < 4; ++n) z += std::exp(double(fc[n]) - m);
  for (int n = 0; n < 4; ++n) prob[n] = static_cast<float>(std::exp(double(fc[n]) - m) / z);
  for (int n = 0; n < 3; ++n)
    for (int k = 0; k < 18; ++k) fct[n] += wt[k * 3 + n] * x[k];  // stored [K, N]
  expectValue(l, "fc", {1, 4}, fc);
  expectValue(l, "prob", {1, 4}, prob);
  expectValue(l, "fct", {1, 3}, fct);
}

TEST(CaffeLayers, V1LayersFormat) {
  Loaded l;
  ASSERT_TRUE(loadAndRun("v1_layers", &l));
  int oh = 0, ow = 0;
  Conv p{3, 1, 3, 3, 2, 2};
  Vec conv = naiveConv(values(l.input), 2, 5, 5, layerBlob(l.weights, "conv", 0), layerBlob(l.weights, "conv", 1), p, &oh, &ow);
  for (float& v : conv) v = std::max(v, 0.f);
  expectValue(l, "conv", {1, 3, 2, 2}, conv);
  Vec pool = naivePool(conv, 3, 2, 2, true, 2, 2, 1, 1, 0, 0, true, &oh, &ow);
  const Vec w = layerBlob(l.weights, "fc", 0), b = layerBlob(l.weights, "fc", 1);
  Vec fc(2);
  for (int n = 0; n < 2; ++n) {
    double s = b[n];
    for (int k = 0; k < 3; ++k) s += double(w[n * 3 + k]) * pool[k];
    fc[n] = static_cast<float>(s);
  }
  expectValue(l, "fc", {1, 2}, fc);
  ASSERT_EQ(l.graph.outputs.size(), 1u);  // the loss layer was skipped
  EXPECT_EQ(l.graph.values[l.graph.outputs[0]].name, "fc");
}

TEST(CaffeLayers, ScalarScaleWithInputShapeFromOptions) {
  Loaded l;
  ASSERT_TRUE(loadAndRun("input_options", &l, {1, 2, 3, 4}));
  Vec y = values(l.input);
  for (float& v : y) v = std::max(v, 0.f) * 3.f - 0.5f;
  expectValue(l, "out", {1, 2, 3, 4}, y);
}

}  // namespace
}  // namespace eqw::test
