// Session::benchmark: FP32 and the current spec's integer graphs timed through eqw::benchmarkFp32,
// in the order asked, with the integer kernels really running for the quantized layers.
#include <eqw/session.h>

#include <gtest/gtest.h>

#include "engine/session/session_sample.h"

namespace eqw {
namespace {

BenchOptions quick() {
  BenchOptions o;
  o.loops = 2;
  o.warmup = 0;
  o.per_layer = true;
  return o;
}

TEST(SessionBenchmark, NeedsAModelAndASpecForIntegerPrecisions) {
  Session empty;
  EXPECT_EQ(empty.benchmark({Precision::Fp32}, quick()).status().code(), StatusCode::InvalidArgument);
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  auto fp32 = s.benchmark({Precision::Fp32}, quick());
  ASSERT_TRUE(fp32.isOk()) << fp32.status().toString();  // FP32 needs no spec
  auto int8 = s.benchmark({Precision::Int8}, quick());
  EXPECT_EQ(int8.status().code(), StatusCode::InvalidArgument);
  EXPECT_NE(int8.status().message().find("calibrate first"), std::string::npos) << int8.status().message();
}

TEST(SessionBenchmark, TimesEachPrecisionOnItsOwnGraph) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  Diagnostics d;
  ASSERT_TRUE(s.collectStatistics({}, {}, d).isOk());
  CalibrateOptions o;
  o.method = "max";
  ASSERT_TRUE(s.calibrate(o).isOk());
  const std::string pinned = s.spec()->layers[0].layer;
  ASSERT_TRUE(s.setLayerPrecision(pinned, Precision::Fp32).isOk());

  std::vector<std::string> stages;
  auto r = s.benchmark({Precision::Int7, Precision::Fp32, Precision::Int8}, quick(),
                       [&](const std::string& stage, int64_t done, int64_t total) {
                         stages.push_back(stage + " " + std::to_string(done) + "/" + std::to_string(total));
                         return true;
                       });
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].precision, Precision::Int7);
  EXPECT_EQ((*r)[1].precision, Precision::Fp32);
  EXPECT_EQ((*r)[2].precision, Precision::Int8);
  EXPECT_EQ(stages.front(), "benchmark 0/3");
  EXPECT_EQ(stages.back(), "benchmark 3/3");
  const Graph& g = s.canonicalGraph();
  for (const Session::Latency& l : *r) {
    EXPECT_EQ(l.result.run_ms.size(), 2u);
    EXPECT_GT(l.result.median_ms, 0.0);
    ASSERT_EQ(l.result.layers.size(), g.nodes.size());
    // Quantized layers ran on integer kernels, the pinned one and FP32's on float kernels.
    for (const LayerTiming& t : l.result.layers) {
      const std::string& name = g.nodes[static_cast<size_t>(t.node)].name;
      const LayerQuant* lq = s.spec()->find(name);
      if (!lq) continue;
      const bool integer = l.precision != Precision::Fp32 && name != pinned;
      EXPECT_EQ(t.kernel.rfind("q8_", 0) == 0, integer) << toString(l.precision) << " " << name << ": " << t.kernel;
    }
  }
  EXPECT_EQ((*r)[0].result.macs, (*r)[1].result.macs);
}

TEST(SessionBenchmark, WeightOnlyAndCancelAreClearErrors) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  Diagnostics d;
  ASSERT_TRUE(s.collectStatistics({}, {}, d).isOk());
  ASSERT_TRUE(s.calibrate({}).isOk());
  auto w6 = s.benchmark({Precision::W6}, quick());
  EXPECT_EQ(w6.status().code(), StatusCode::InvalidArgument);
  EXPECT_NE(w6.status().message().find("weight-only"), std::string::npos) << w6.status().message();
  auto stopped = s.benchmark({Precision::Fp32, Precision::Int8}, quick(),
                             [](const std::string&, int64_t done, int64_t) { return done < 1; });
  EXPECT_EQ(stopped.status().code(), StatusCode::Cancelled);
}

}  // namespace
}  // namespace eqw
