// EasyQuant timing on resnet50 (generated weights, ../shared/images): a benchmark, not part of the
// default run. Run it with
//   test_easyquant --gtest_also_run_disabled_tests --gtest_filter=*ResNet50*
// EQW_EQ_IMAGES (default 50), EQW_EQ_ROUNDS (default 3) and EQW_EQ_THREADS (default 2) size it;
// EQW_EQ_FLOAT=1 searches with float layers instead of the integer kernels.
#include <eqw/calib.h>
#include <eqw/easyquant.h>
#include <eqw/io.h>
#include <eqw/passes.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace eqw {
namespace {

int envInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

TEST(EasyQuantBench, DISABLED_ResNet50) {
  const std::string model = std::string(EQW_SHARED_DIR) + "/models/ncnn-bench/resnet50.param";
  const std::string images = std::string(EQW_SHARED_DIR) + "/images/imagenet-sample";
  if (!std::filesystem::exists(model) || !std::filesystem::exists(images))
    GTEST_SKIP() << "needs " << model << " and " << images;
  auto graph = loadModel(model);
  ASSERT_TRUE(graph.isOk()) << graph.status().toString();
  ASSERT_TRUE(canonicalize(*graph).isOk());
  auto data = openDataset(images);
  ASSERT_TRUE(data.isOk());
  auto pre = parsePreprocess("shape=[224,224,3] pixel=BGR mean=[104,117,123] norm=[0.017,0.017,0.017]");
  ASSERT_TRUE(pre.isOk());
  EasyQuantOptions o;
  o.images = envInt("EQW_EQ_IMAGES", 50);
  o.max_rounds = envInt("EQW_EQ_ROUNDS", 3);
  o.threads = envInt("EQW_EQ_THREADS", 2);
  o.integer_kernels = envInt("EQW_EQ_FLOAT", 0) == 0;

  CollectOptions co;
  co.values = StatsValues::QuantizableInputs;
  co.passes = 1;
  co.max_images = o.images;
  co.threads = o.threads;
  Diagnostics d;
  auto stats = collectStatistics(*graph, *data, *pre, co, {}, d);
  ASSERT_TRUE(stats.isOk()) << stats.status().toString();
  auto max = makeCalibrationMethod("max");
  ASSERT_TRUE(max.isOk());
  QuantSpec start;
  for (const Node& n : graph->nodes) {
    if (!isQuantizable(n)) continue;
    auto t = (*max)->threshold(*stats->find(n.inputs[0]), 8);
    auto w = weightThresholds(n.weights[0], WeightMethod::Max, 8, static_cast<int>(weightScaleCount(n, Granularity::PerChannel)));
    ASSERT_TRUE(t.isOk() && w.isOk()) << n.name;
    start.layers.push_back({n.name, Precision::Int8, Granularity::PerChannel, false, {*t, "max"}, *w, "max"});
  }
  auto r = refineEasyQuant(*graph, start, *data, *pre, o, {}, d);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  std::printf("resnet50 EasyQuant int8 (%s layers), %lld images, <= %d rounds, %d threads: %.1f s for %zu layers\n",
              o.integer_kernels ? "integer" : "float", static_cast<long long>(r->images), o.max_rounds, o.threads,
              r->seconds, r->layers.size());
  for (const EasyQuantLayer& l : r->layers)
    std::printf("  %-24s %9.6f -> %9.6f  %zu rounds %7.2f s\n", l.layer.c_str(), l.before, l.after, l.rounds.size(), l.seconds);
  for (const EasyQuantLayer& l : r->layers) EXPECT_GE(l.after, l.before) << l.layer;
}

}  // namespace
}  // namespace eqw
