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
}

}  // namespace
}  // namespace eqw
