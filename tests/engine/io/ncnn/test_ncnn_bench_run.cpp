// Every benchmark architecture runs in FP32 with generated weights: the He-scaled weights keep
// activations alive through resnet50 / vgg16 / mobilenet_v3 (the logits are finite and spread,
// not collapsed to zero or exploded), the softmax sums to 1, and the SSD heads run to the end.
#include <eqw/io.h>
#include <eqw/runtime.h>

#include <gtest/gtest.h>

#include <cmath>

#include "ncnn_test_util.h"

namespace eqw {
namespace {

const char* const kModels[] = {
    "efficientnet_b0", "googlenet",    "googlenet_int8",     "mnasnet",       "mobilenet",        "mobilenet_int8",
    "mobilenet_ssd",   "mobilenet_ssd_int8", "mobilenet_v2", "mobilenet_v3", "resnet18",          "resnet18_int8",
    "resnet50",        "resnet50_int8", "shufflenet_v2",     "squeezenet",    "squeezenet_int8",  "squeezenet_ssd",
    "squeezenet_ssd_int8", "vgg16",     "vgg16_int8"};

struct Stats {
  double mean = 0, stddev = 0, absmax = 0;
  bool finite = true;
};

Stats stats(const Tensor& t) {
  Stats s;
  double sum = 0, sq = 0;
  for (int64_t i = 0; i < t.numel(); ++i) {
    const double v = t.f32()[i];
    if (!std::isfinite(v)) s.finite = false;
    sum += v;
    sq += v * v;
    s.absmax = std::max(s.absmax, std::fabs(v));
  }
  s.mean = sum / t.numel();
  s.stddev = std::sqrt(std::max(0.0, sq / t.numel() - s.mean * s.mean));
  return s;
}

// A photograph after mean/std normalisation: smooth structure at unit RMS.
Tensor syntheticImage(const Shape& shape) {
  Tensor t(shape);
  const int64_t h = shape[2], w = shape[3];
  double sq = 0;
  for (int64_t c = 0; c < shape[1]; ++c)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x) {
        const double v = std::sin(0.05 * x + 0.7 * c) * std::cos(0.031 * y - 0.3 * c) + 0.3 * std::sin(0.9 * x * y / w);
        t.f32()[(c * h + y) * w + x] = static_cast<float>(v);
        sq += v * v;
      }
  const float scale = static_cast<float>(1.0 / std::sqrt(sq / t.numel()));
  for (int64_t i = 0; i < t.numel(); ++i) t.f32()[i] *= scale;
  return t;
}

class NcnnBenchRun : public ::testing::TestWithParam<const char*> {};

TEST_P(NcnnBenchRun, Fp32RunIsFiniteAndAlive) {
  if (test::ncnnBenchDir().empty()) GTEST_SKIP() << "shared models absent";
  Result<Graph> g = loadModel(test::ncnnBenchDir() + "/" + GetParam() + ".param");
  ASSERT_TRUE(g.isOk()) << g.status().toString();
  ExecutorOptions opt;
  opt.threads = 2;
  opt.keep_values = true;
  auto ex = Executor::create(*g, opt);
  ASSERT_TRUE(ex.isOk()) << ex.status().toString();
  ASSERT_TRUE((*ex)->run({syntheticImage(g->values[g->inputs[0]].shape)}).isOk());

  const bool ssd = std::string(GetParam()).find("ssd") != std::string::npos;
  for (size_t i = 0; i < (*ex)->outputCount(); ++i) EXPECT_TRUE(stats((*ex)->output(i)).finite) << "output " << i;
  if (ssd) {
    // The boxes the detector decodes: its inputs (loc, conf after softmax, priors) are finite.
    for (const Node& n : g->nodes) {
      if (n.kind != OpKind::DetectionOutput) continue;
      for (int v : n.inputs) EXPECT_TRUE(stats((*ex)->value(v)).finite) << g->values[v].name;
    }
    return;
  }
  // Classification: the last node is the softmax over 1000 classes; its input are the logits.
  const Node& softmax = g->nodes.back();
  ASSERT_EQ(softmax.kind, OpKind::Softmax);
  const Tensor& logits = (*ex)->value(softmax.inputs[0]);
  const Tensor& prob = (*ex)->value(softmax.outputs[0]);
  const Stats ls = stats(logits), ps = stats(prob);
  ASSERT_TRUE(ls.finite && ps.finite);
  EXPECT_EQ(prob.numel(), 1000);
  EXPECT_NEAR(ps.mean * prob.numel(), 1.0, 1e-4);  // sums to 1
  EXPECT_GT(ps.stddev, 0.0);                        // not all equal
  // Alive: the logits neither vanished nor blew up through the whole depth.
  EXPECT_GT(ls.stddev, 1e-2) << "logits collapsed";
  EXPECT_LT(ls.absmax, 1e4) << "logits exploded";
  RecordProperty("logits_stddev", std::to_string(ls.stddev));
  std::printf("  %s: logits mean %.3g stddev %.3g absmax %.3g\n", GetParam(), ls.mean, ls.stddev, ls.absmax);
}

INSTANTIATE_TEST_SUITE_P(All, NcnnBenchRun, ::testing::ValuesIn(kModels),
                         [](const ::testing::TestParamInfo<const char*>& i) { return std::string(i.param); });

}  // namespace
}  // namespace eqw
