// Live statistics: collectStatistics' snapshot callback on the Fashion-MNIST sample. Snapshots
// arrive while the collection runs, their counts only grow, a partial snapshot equals a whole
// collection over the same first images, the last one equals the returned statistics, and asking
// for none changes nothing.
#include <eqw/calib.h>
#include <eqw/io.h>

#include <gtest/gtest.h>

#include "sample_fixture.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

namespace eqw {
namespace {

using calibtest::Sample;

CollectOptions options(int passes, int64_t images) {
  CollectOptions o;
  o.threads = 2;
  o.passes = passes;
  o.max_images = images;
  return o;
}

// Every snapshot, in the order they came.
std::vector<StatsSnapshot> collectWithSnapshots(const Sample& s, const CollectOptions& o, int intervalMs,
                                                Result<StatsSet>* result) {
  std::vector<StatsSnapshot> snaps;
  StatsSnapshotOptions so;
  so.interval_ms = intervalMs;
  so.callback = [&](const StatsSnapshot& snap) { snaps.push_back(snap); };
  Diagnostics diags;
  *result = collectStatistics(s.graph, s.calib, s.pre, o, {}, diags, so);
  return snaps;
}

TEST(CollectorSnapshots, TwoPassesEveryImage) {
  LOAD_SAMPLE_OR_SKIP(s);
  Result<StatsSet> result = internalError("not run");
  const auto snaps = collectWithSnapshots(s, options(2, 60), 0, &result);
  ASSERT_TRUE(result.isOk()) << result.status().toString();
  // 60 range snapshots, 60 histogram snapshots, then the final one.
  ASSERT_EQ(snaps.size(), 121u);
  const int input = s.graph.inputs[0];
  int64_t lastCount = 0;
  uint64_t lastHist = 0;
  for (size_t i = 0; i < 120; ++i) {
    const StatsSnapshot& sn = snaps[i];
    const bool range = i < 60;
    EXPECT_EQ(sn.stage, range ? "range" : "histogram");
    EXPECT_EQ(sn.done, static_cast<int64_t>(i % 60) + 1);
    EXPECT_EQ(sn.total, 60);
    EXPECT_FALSE(sn.final);
    ASSERT_TRUE(sn.stats);
    EXPECT_EQ(sn.stats->images, sn.done);
    const TensorStats* t = sn.stats->find(input);
    ASSERT_NE(t, nullptr);
    if (range) {
      EXPECT_TRUE(t->histogram.empty()) << "the range pass has no histograms yet";
      EXPECT_EQ(t->samples, sn.done);
      EXPECT_GT(t->count, lastCount) << "counts grow with every image";
      lastCount = t->count;
    } else {
      EXPECT_EQ(t->samples, 60) << "the ranges are complete in the histogram pass";
      ASSERT_EQ(t->histogram.size(), static_cast<size_t>(kHistogramBins));
      EXPECT_GT(t->histogramTotal(), lastHist) << "histograms grow with every image";
      lastHist = t->histogramTotal();
    }
  }
  const StatsSnapshot& last = snaps.back();
  EXPECT_TRUE(last.final);
  ASSERT_TRUE(last.stats);
  EXPECT_TRUE(*last.stats == *result) << "the last snapshot is the result, histograms bit-equal";
  EXPECT_EQ(last.stats->find(input)->histogram, result->find(input)->histogram);
}

TEST(CollectorSnapshots, PartialOnePassEqualsCollectionOverTheSameImages) {
  LOAD_SAMPLE_OR_SKIP(s);
  Result<StatsSet> result = internalError("not run");
  const auto snaps = collectWithSnapshots(s, options(1, 60), 0, &result);
  ASSERT_TRUE(result.isOk()) << result.status().toString();
  ASSERT_EQ(snaps.size(), 61u);
  EXPECT_EQ(snaps[0].stage, "statistics");
  // After 20 images the accumulators hold what a whole collection of those 20 images gives.
  const StatsSnapshot& at20 = snaps[19];
  ASSERT_EQ(at20.done, 20);
  Diagnostics diags;
  auto first20 = collectStatistics(s.graph, s.calib, s.pre, options(1, 20), {}, diags);
  ASSERT_TRUE(first20.isOk()) << first20.status().toString();
  EXPECT_TRUE(*at20.stats == *first20);
  EXPECT_FALSE(*at20.stats == *result);
  EXPECT_TRUE(*snaps.back().stats == *result);
}

TEST(CollectorSnapshots, NoCallbackGivesTheSameStatistics) {
  LOAD_SAMPLE_OR_SKIP(s);
  Result<StatsSet> with = internalError("not run");
  const auto snaps = collectWithSnapshots(s, options(2, 40), 0, &with);
  ASSERT_TRUE(with.isOk()) << with.status().toString();
  Diagnostics diags;
  auto without = collectStatistics(s.graph, s.calib, s.pre, options(2, 40), {}, diags);
  ASSERT_TRUE(without.isOk()) << without.status().toString();
  EXPECT_TRUE(*with == *without);
  EXPECT_EQ(snaps.size(), 81u);
}

TEST(CollectorSnapshots, IntervalLimitsTheRate) {
  LOAD_SAMPLE_OR_SKIP(s);
  const auto t0 = std::chrono::steady_clock::now();
  Result<StatsSet> result = internalError("not run");
  const auto snaps = collectWithSnapshots(s, options(2, 0), 100, &result);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(result.isOk()) << result.status().toString();
  ASSERT_FALSE(snaps.empty());
  EXPECT_TRUE(snaps.back().final);
  // At most one per 100 ms, plus the final one.
  EXPECT_LE(static_cast<double>(snaps.size()), ms / 100.0 + 1.0) << ms << " ms";
  for (size_t i = 0; i + 1 < snaps.size(); ++i) EXPECT_FALSE(snaps[i].final);
}

TEST(CollectorSnapshots, CancelSendsNoFinalSnapshot) {
  LOAD_SAMPLE_OR_SKIP(s);
  std::vector<StatsSnapshot> snaps;
  StatsSnapshotOptions so;
  so.interval_ms = 0;
  so.callback = [&](const StatsSnapshot& snap) { snaps.push_back(snap); };
  Diagnostics diags;
  CalibProgress stopAt10 = [](const std::string&, int64_t done, int64_t) { return done < 10; };
  auto r = collectStatistics(s.graph, s.calib, s.pre, options(2, 0), stopAt10, diags, so);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::Cancelled);
  ASSERT_EQ(snaps.size(), 10u);
  EXPECT_FALSE(snaps.back().final);
}

// The cost of a snapshot on a mobilenet-sized network (every value observed, 2048 bins each):
// recorded, and bounded loosely (a copy of a few MB must stay far below an image's run).
TEST(CollectorSnapshots, MobilenetV2SnapshotCost) {
  const std::string model = std::string(EQW_SHARED_DIR) + "/models/ncnn-bench/mobilenet_v2.param";
  const std::string images = std::string(EQW_SHARED_DIR) + "/images/imagenet-sample";
  if (!std::ifstream(model) || !std::ifstream(images + "/README.md")) GTEST_SKIP() << model << " or " << images << " is absent";
  auto graph = loadModel(model);
  ASSERT_TRUE(graph.isOk()) << graph.status().toString();
  auto data = openDataset(images);
  ASSERT_TRUE(data.isOk()) << data.status().toString();
  auto pre = parsePreprocess("mean=103.94,116.78,123.68 norm=0.017,0.017,0.017");
  ASSERT_TRUE(pre.isOk()) << pre.status().toString();
  CollectOptions o = options(1, 6);
  double snapshotMs = 0.0;
  size_t snapshots = 0, values = 0, bytes = 0;
  StatsSnapshotOptions so;
  so.interval_ms = 0;
  // The callback runs after the snapshot was built: time from the image's end is not visible
  // here, so the copy is timed on its own below, on the last snapshot.
  so.callback = [&](const StatsSnapshot& snap) {
    ++snapshots;
    values = snap.stats->values.size();
    bytes = snap.stats->bytes();
    const auto t0 = std::chrono::steady_clock::now();
    StatsSet copy = *snap.stats;  // what building one costs: a copy of every accumulator
    snapshotMs += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(copy.values.size(), values);
  };
  Diagnostics diags;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = collectStatistics(*graph, *data, *pre, o, {}, diags, so);
  const double totalMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  ASSERT_EQ(snapshots, 7u);
  const double perSnapshot = snapshotMs / static_cast<double>(snapshots);
  std::printf("mobilenet_v2: %zu observed values, %zu KB per snapshot, %.2f ms per snapshot copy, %.1f ms per image\n",
              values, bytes / 1024, perSnapshot, totalMs / 6.0);
  EXPECT_GT(values, 50u);
  EXPECT_LT(perSnapshot, totalMs / 6.0 / 4.0) << "a snapshot must cost far less than an image";
}

}  // namespace
}  // namespace eqw
