// eqw::benchmarkScaling (`eqw bench --threads 1,2`): every thread count timed in each round, the
// round medians kept, and the speed-up over the first count taken round by round. No timing is
// asserted (the machines are shared): only what the numbers are made of, and the bad requests.
#include <eqw/bench.h>
#include <eqw/integer.h>
#include <eqw/io.h>
#include <eqw/passes.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace eqw {
namespace {

const std::string kSampleModel = std::string(EQW_SOURCE_DIR) + "/samples/fashion-mnist/model.onnx";

Graph sampleGraph() {
  auto graph = loadModel(kSampleModel);
  EXPECT_TRUE(graph.isOk()) << graph.status().toString();
  if (!graph) return Graph{};
  EXPECT_TRUE(canonicalize(*graph).isOk());
  return std::move(*graph);
}

BenchOptions quick() {
  BenchOptions o;
  o.loops = 3;
  o.warmup = 1;
  return o;
}

TEST(BenchmarkScaling, EveryCountIsTimedInEveryRound) {
  if (!std::filesystem::exists(kSampleModel)) GTEST_SKIP() << kSampleModel << " is absent";
  const Graph fp32 = sampleGraph();
  auto spec = benchmarkSpec(fp32, Precision::Int8);
  ASSERT_TRUE(spec.isOk()) << spec.status().toString();
  auto int8 = integerGraph(fp32, *spec);
  ASSERT_TRUE(int8.isOk()) << int8.status().toString();
  for (const Graph* g : std::vector<const Graph*>{&fp32, &*int8}) {
    auto r = benchmarkScaling(*g, quick(), {1, 2, 3}, 4);
    ASSERT_TRUE(r.isOk()) << r.status().toString();
    EXPECT_EQ(r->threads, (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(r->macs, g->totalCost().macs);
    ASSERT_EQ(r->round_ms.size(), 3u);
    for (size_t c = 0; c < 3; ++c) {
      ASSERT_EQ(r->round_ms[c].size(), 4u);
      for (double ms : r->round_ms[c]) EXPECT_GT(ms, 0.0);
      EXPECT_DOUBLE_EQ(r->medianMs(c), median(r->round_ms[c]));
    }
    EXPECT_DOUBLE_EQ(r->pairedSpeedup(0), 1.0);
    // The speed-up is the median of the per-round ratios, not the ratio of the medians.
    for (size_t c = 1; c < 3; ++c) {
      std::vector<double> ratios;
      for (size_t k = 0; k < 4; ++k) ratios.push_back(r->round_ms[0][k] / r->round_ms[c][k]);
      EXPECT_DOUBLE_EQ(r->pairedSpeedup(c), median(ratios));
    }
  }
}

TEST(BenchmarkScaling, PairedSpeedupIsTheMedianOfTheRoundRatios) {
  ScalingResult r;
  r.threads = {1, 2};
  r.round_ms = {{10.0, 20.0, 12.0}, {5.0, 8.0, 10.0}};  // ratios 2.0, 2.5, 1.2
  EXPECT_DOUBLE_EQ(r.pairedSpeedup(1), 2.0);
  EXPECT_DOUBLE_EQ(r.medianMs(1), 8.0);
  EXPECT_DOUBLE_EQ(r.medianMs(0) / r.medianMs(1), 1.5);  // what the ratio of medians would say
  EXPECT_EQ(r.pairedSpeedup(2), 0.0);                      // no such count
}

TEST(BenchmarkScaling, BadRequestsAreClearErrors) {
  if (!std::filesystem::exists(kSampleModel)) GTEST_SKIP() << kSampleModel << " is absent";
  const Graph g = sampleGraph();
  auto none = benchmarkScaling(g, quick(), {}, 3);
  EXPECT_EQ(none.status().code(), StatusCode::InvalidArgument);
  auto zero = benchmarkScaling(g, quick(), {1, 0}, 3);
  EXPECT_EQ(zero.status().code(), StatusCode::InvalidArgument);
  EXPECT_NE(zero.status().message().find("thread count 0"), std::string::npos) << zero.status().message();
  EXPECT_EQ(benchmarkScaling(g, quick(), {1, 2}, 0).status().code(), StatusCode::InvalidArgument);
  BenchOptions noLoops = quick();
  noLoops.loops = 0;
  EXPECT_EQ(benchmarkScaling(g, noLoops, {1, 2}, 2).status().code(), StatusCode::InvalidArgument);
}

}  // namespace
}  // namespace eqw
