// StatsSet JSON round trip: save -> load gives identical stats (floats bit for bit); bad files
// are ParseErrors naming the problem.
#include <eqw/calib.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "engine/calib/synthetic.h"

namespace eqw {
namespace {

StatsSet syntheticSet() {
  StatsSet set;
  set.model = "synthetic";
  set.images = 3;
  auto g = testing::gaussianSamples(10000, 0.37f, 1);
  auto l = testing::laplaceSamples(10000, 1.3f, 2);
  for (float& x : l) x = std::max(x, 0.f);
  set.values[0] = computeStats(g.data(), 10000);
  set.values[0].name = "data";
  set.values[5] = computeStats(l.data(), 10000);
  set.values[5].name = "conv1/relu \"quoted\"";
  accumulateRange(set.values[5], g.data(), 10000);  // a second sample: EMA with many digits
  TensorStats rangeOnly;
  rangeOnly.name = "range_only";
  accumulateRange(rangeOnly, g.data(), 100);
  set.values[9] = rangeOnly;
  TensorStats sampled;  // a one-pass histogram of one block in 4
  sampled.name = "sampled";
  for (int i = 0; i < 3; ++i) accumulateOnePass(sampled, l.data(), 10000, 4);
  set.values[11] = sampled;
  return set;
}

TEST(StatsJson, SaveLoadIdentical) {
  const StatsSet set = syntheticSet();
  const auto path = std::filesystem::temp_directory_path() / ("eqw_stats_" + std::to_string(::getpid()) + ".json");
  ASSERT_TRUE(saveStats(set, path.string()).isOk());
  auto back = loadStats(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_TRUE(*back == set);
  EXPECT_EQ(back->values.at(5).ema_absmax, set.values.at(5).ema_absmax);
  EXPECT_EQ(back->values.at(0).absmax, set.values.at(0).absmax);
  EXPECT_EQ(statsToJson(*back), statsToJson(set));
  EXPECT_EQ(back->values.at(11).hist_stride, 4);
}

// Files written before sampled histograms have no hist_stride: every value was binned.
TEST(StatsJson, MissingHistStrideMeansEveryValue) {
  StatsSet set = syntheticSet();
  set.values.erase(11);
  std::string text = statsToJson(set);
  for (size_t at; (at = text.find("\"hist_stride\":1,")) != std::string::npos;) text.erase(at, 16);
  ASSERT_EQ(text.find("hist_stride"), std::string::npos);
  auto back = statsFromJson(text);
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_TRUE(*back == set);
}

TEST(StatsJson, BadFilesAreParseErrors) {
  EXPECT_EQ(statsFromJson("{").status().code(), StatusCode::ParseError);
  EXPECT_EQ(statsFromJson("{\"format\":\"other\"}").status().code(), StatusCode::ParseError);
  std::string text = statsToJson(syntheticSet());
  const std::string bins = "\"bins\":2048";
  ASSERT_NE(text.find(bins), std::string::npos);
  std::string wrongBins = text;
  wrongBins.replace(wrongBins.find(bins), bins.size(), "\"bins\":1024");
  auto r = statsFromJson(wrongBins);
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().message().find("1024"), std::string::npos) << r.status().message();
  EXPECT_EQ(loadStats("/nonexistent/stats.json").status().code(), StatusCode::NotFound);
  std::string badStride = text;
  const std::string stride = "\"hist_stride\":4";
  ASSERT_NE(badStride.find(stride), std::string::npos);
  badStride.replace(badStride.find(stride), stride.size(), "\"hist_stride\":0");
  auto bs = statsFromJson(badStride);
  ASSERT_FALSE(bs.isOk());
  EXPECT_NE(bs.status().message().find("hist_stride 0"), std::string::npos) << bs.status().message();
}

}  // namespace
}  // namespace eqw
