// Session statistics cache (eqw/session.h): collected once, every method and bit width from the
// cache; only a change of the calibration images or their preprocessing (or the collection
// options that change the numbers) runs the model again. Checked against the engine functions
// called directly.
#include <eqw/calibrate.h>
#include <eqw/session.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/session/session_sample.h"

namespace eqw {
namespace {

namespace fs = std::filesystem;
using test::kCalibList;

Status collect(Session& s, CollectOptions o = {}) {
  Diagnostics d;
  return s.collectStatistics(o, {}, d);
}

CalibrateOptions options(const std::string& method, Precision p) {
  CalibrateOptions o;
  o.method = method;
  o.precision = p;
  return o;
}

TEST(SessionStatistics, OpenGivesImportedAndCanonicalGraphs) {
  Session s;
  EXPECT_FALSE(s.isOpen());
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  EXPECT_TRUE(s.isOpen());
  EXPECT_TRUE(fs::path(s.modelPath()).is_absolute());
  // The sample keeps 19 BatchNormalization nodes for the canonical form to fold.
  EXPECT_EQ(s.graph().nodes.size() - s.canonicalGraph().nodes.size() >= 19u, true);
  int bn = 0;
  for (const Node& n : s.canonicalGraph().nodes) bn += n.kind == OpKind::BatchNorm;
  EXPECT_EQ(bn, 0);
}

TEST(SessionStatistics, MissingModelNamesThePathAndKeepsTheSession) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  const std::string before = s.modelPath();
  Status st = s.open("/nonexistent/dir/model.onnx");
  EXPECT_EQ(st.code(), StatusCode::NotFound);
  EXPECT_NE(st.message().find("/nonexistent/dir/model.onnx"), std::string::npos) << st.message();
  EXPECT_EQ(s.modelPath(), before);
  EXPECT_NE(s.dataset(DatasetRole::Calibration), nullptr);
}

TEST(SessionStatistics, ThreeCalibrationsRunTheModelOnce) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  ASSERT_TRUE(collect(s).isOk());
  EXPECT_EQ(s.statisticsRuns(), 1);
  ASSERT_NE(s.statistics(), nullptr);
  EXPECT_EQ(s.statistics()->images, 24);

  // Independent: the engine's collector on the same graph and images gives the same statistics.
  auto dataset = openDataset(kCalibList);
  ASSERT_TRUE(dataset.isOk());
  Diagnostics d;
  auto direct = collectStatistics(s.canonicalGraph(), *dataset, s.dataset(DatasetRole::Calibration)->preprocess, {}, {}, d);
  ASSERT_TRUE(direct.isOk());
  EXPECT_TRUE(*direct == *s.statistics());

  for (const auto& [method, p] : {std::pair{"kl", Precision::Int8}, {"max", Precision::Int7}, {"mse", Precision::Int8}}) {
    ASSERT_TRUE(s.calibrate(options(method, p)).isOk()) << method;
    auto want = calibrateSpec(s.canonicalGraph(), *direct, options(method, p));
    ASSERT_TRUE(want.isOk());
    ASSERT_NE(s.spec(), nullptr);
    EXPECT_TRUE(*s.spec() == *want) << method;
    EXPECT_EQ(s.spec()->layers.back().precision, p);
    EXPECT_EQ(s.spec()->layers.back().input.method, method);
    // Asking for statistics again with other threads is a cache hit.
    CollectOptions again;
    again.threads = 2;
    ASSERT_TRUE(collect(s, again).isOk());
  }
  EXPECT_EQ(s.statisticsRuns(), 1);
  // A cache of every value also serves a request for the quantizable inputs only ...
  CollectOptions inputsOnly;
  inputsOnly.values = StatsValues::QuantizableInputs;
  ASSERT_TRUE(collect(s, inputsOnly).isOk());
  EXPECT_EQ(s.statisticsRuns(), 1);
  // ... but other max_images or passes change the numbers.
  CollectOptions fewer;
  fewer.max_images = 10;
  ASSERT_TRUE(collect(s, fewer).isOk());
  EXPECT_EQ(s.statisticsRuns(), 2);
  EXPECT_EQ(s.statistics()->images, 10);
  // So does a one-pass histogram of one block in 8 (but not the threads it is collected with).
  CollectOptions onePass;
  onePass.passes = 1;
  ASSERT_TRUE(collect(s, onePass).isOk());
  EXPECT_EQ(s.statisticsRuns(), 3);
  CollectOptions sampled = onePass;
  sampled.hist_stride = 8;
  ASSERT_TRUE(collect(s, sampled).isOk());
  EXPECT_EQ(s.statisticsRuns(), 4);
  ASSERT_FALSE(s.statistics()->values.empty());
  EXPECT_EQ(s.statistics()->values.begin()->second.hist_stride, 8);
  sampled.threads = 2;
  ASSERT_TRUE(collect(s, sampled).isOk());
  EXPECT_EQ(s.statisticsRuns(), 4);
}

TEST(SessionStatistics, CalibrateNeedsStatistics) {
  Session s;
  EXPECT_FALSE(s.calibrate({}).isOk());
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  Status st = s.calibrate({});
  EXPECT_EQ(st.code(), StatusCode::InvalidArgument);
  EXPECT_NE(st.message().find("statistics"), std::string::npos) << st.message();
  EXPECT_EQ(s.spec(), nullptr);
}

TEST(SessionStatistics, ChangedPreprocessingInvalidatesNothingElseDoes) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  ASSERT_TRUE(collect(s).isOk());
  ASSERT_TRUE(s.calibrate({}).isOk());
  const Preprocess pre = s.dataset(DatasetRole::Calibration)->preprocess;

  // The same source and preprocessing again, another evaluation set, overrides: cache kept.
  ASSERT_TRUE(s.setDataset(DatasetRole::Calibration, kCalibList, pre).isOk());
  ASSERT_TRUE(s.setDataset(DatasetRole::Evaluation, kCalibList, pre).isOk());
  ASSERT_TRUE(s.setLayerInputThreshold(s.spec()->layers[1].layer, 2.f).isOk());
  ASSERT_NE(s.statistics(), nullptr);
  ASSERT_TRUE(collect(s).isOk());
  EXPECT_EQ(s.statisticsRuns(), 1);

  Preprocess other = pre;
  other.norm = {2.f / 255.f, 1.f, 1.f};
  ASSERT_TRUE(s.setDataset(DatasetRole::Calibration, kCalibList, other).isOk());
  EXPECT_EQ(s.statistics(), nullptr);
  EXPECT_NE(s.spec(), nullptr);  // the spec stays until the user recalibrates
  EXPECT_EQ(s.calibrate({}).code(), StatusCode::InvalidArgument);
  ASSERT_TRUE(collect(s).isOk());
  EXPECT_EQ(s.statisticsRuns(), 2);
  // Inputs twice as large: the input's absmax doubles.
  const int input = s.canonicalGraph().inputs[0];
  Session first;
  EQW_OPEN_SAMPLE_OR_SKIP(first);
  ASSERT_TRUE(collect(first).isOk());
  EXPECT_FLOAT_EQ(s.statistics()->find(input)->absmax, 2.f * first.statistics()->find(input)->absmax);
}

TEST(SessionStatistics, ChangedImageListRunsAgain) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  const std::string dir = test::scratchDir("changed-list");
  const std::string list = dir + "/list.txt";
  auto writeList = [&](int lines) {
    std::ifstream in(kCalibList);
    std::ofstream out(list);
    std::string line;
    for (int n = 0; std::getline(in, line) && n < lines; ++n)
      if (!line.empty() && line[0] != '#') out << test::kProjectData << "/" << line << "\n";
  };
  writeList(13);
  ASSERT_TRUE(s.setDataset(DatasetRole::Calibration, list, s.dataset(DatasetRole::Calibration)->preprocess).isOk());
  ASSERT_TRUE(collect(s).isOk());
  ASSERT_TRUE(collect(s).isOk());
  EXPECT_EQ(s.statisticsRuns(), 1);
  EXPECT_EQ(s.statistics()->images, 12);
  writeList(9);  // the same list file now names fewer images
  ASSERT_TRUE(collect(s).isOk());
  EXPECT_EQ(s.statisticsRuns(), 2);
  EXPECT_EQ(s.statistics()->images, 8);
}

TEST(SessionStatistics, CancelKeepsThePreviousCache) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  ASSERT_TRUE(collect(s).isOk());
  const StatsSet before = *s.statistics();
  CollectOptions o;
  o.passes = 1;
  Diagnostics d;
  int calls = 0;
  Status st = s.collectStatistics(o, [&](const std::string&, int64_t, int64_t) { return ++calls < 3; }, d);
  EXPECT_EQ(st.code(), StatusCode::Cancelled);
  ASSERT_NE(s.statistics(), nullptr);
  EXPECT_TRUE(*s.statistics() == before);
  EXPECT_EQ(s.statisticsOptions()->passes, 2);
}

TEST(SessionStatistics, BadDatasetsAreRejectedAndChangeNothing) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  const DatasetSource before = *s.dataset(DatasetRole::Calibration);
  Preprocess wrongSize = before.preprocess;
  wrongSize.width = wrongSize.height = 32;
  Status st = s.setDataset(DatasetRole::Calibration, kCalibList, wrongSize);
  EXPECT_EQ(st.code(), StatusCode::InvalidArgument);
  EXPECT_NE(st.message().find("[1, 1, 28, 28]"), std::string::npos) << st.message();
  st = s.setDataset(DatasetRole::Calibration, test::scratchDir("empty-folder"), before.preprocess);
  EXPECT_EQ(st.code(), StatusCode::NotFound) << st.toString();
  EXPECT_EQ(s.dataset(DatasetRole::Calibration)->source, before.source);
  Session none;
  Diagnostics d;
  EXPECT_EQ(none.collectStatistics({}, {}, d).code(), StatusCode::InvalidArgument);
}

TEST(SessionStatistics, MovedFromSessionIsEmpty) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  Session t = std::move(s);
  EXPECT_TRUE(t.isOpen());
  EXPECT_FALSE(s.isOpen());  // NOLINT(bugprone-use-after-move): documented as an empty Session
  EXPECT_TRUE(s.graph().nodes.empty());
  EXPECT_EQ(s.spec(), nullptr);
}

// The undo of a dataset change: going back restores the old images with their statistics, so
// calibrating afterwards does not run the model again; the statistics match the originals.
TEST(SessionStatistics, DatasetsSnapshotRestoresTheStatistics) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  ASSERT_TRUE(collect(s).isOk());
  const int64_t runs = s.statisticsRuns();
  const StatsSet original = *s.statistics();
  const Session::DatasetsSnapshot before = s.datasetsSnapshot();
  EXPECT_TRUE(before.hasStatistics());
  ASSERT_NE(before.dataset(DatasetRole::Calibration), nullptr);

  // Another image list drops the statistics.
  ASSERT_TRUE(s.setDataset(DatasetRole::Calibration, test::kEvalList, s.dataset(DatasetRole::Calibration)->preprocess).isOk());
  EXPECT_EQ(s.statistics(), nullptr);
  const Session::DatasetsSnapshot after = s.datasetsSnapshot();
  EXPECT_FALSE(after.hasStatistics());

  ASSERT_TRUE(s.restoreDatasets(before).isOk());
  EXPECT_EQ(s.dataset(DatasetRole::Calibration)->source, before.dataset(DatasetRole::Calibration)->source);
  ASSERT_NE(s.statistics(), nullptr);
  EXPECT_EQ(s.statistics()->images, original.images);
  ASSERT_EQ(s.statistics()->values.size(), original.values.size());
  for (const auto& [id, stats] : original.values) {
    const TensorStats* restored = s.statistics()->find(id);
    ASSERT_NE(restored, nullptr) << stats.name;
    EXPECT_EQ(restored->histogram, stats.histogram) << stats.name;
    EXPECT_EQ(restored->absmax, stats.absmax) << stats.name;
  }
  // The restored cache is recognised as the cache of these images: no model run.
  ASSERT_TRUE(collect(s).isOk());
  EXPECT_EQ(s.statisticsRuns(), runs);
  ASSERT_TRUE(s.calibrate(options("kl", Precision::Int8)).isOk());

  // Redo: the other list again, without statistics; collecting runs the model.
  ASSERT_TRUE(s.restoreDatasets(after).isOk());
  EXPECT_EQ(s.dataset(DatasetRole::Calibration)->source, test::kEvalList);
  EXPECT_EQ(s.statistics(), nullptr);
  ASSERT_TRUE(collect(s).isOk());
  EXPECT_EQ(s.statisticsRuns(), runs + 1);
  EXPECT_NE(s.spec(), nullptr);  // the spec is not the datasets' business
}

TEST(SessionStatistics, DatasetsSnapshotOfAnotherModelIsRefused) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  Session other;  // no model open
  Status st = other.restoreDatasets(s.datasetsSnapshot());
  EXPECT_EQ(st.code(), StatusCode::InvalidArgument);
  EXPECT_NE(st.message().find("another model"), std::string::npos) << st.message();
  EXPECT_EQ(other.dataset(DatasetRole::Calibration), nullptr);
  EXPECT_EQ(s.restoreDatasets(Session::DatasetsSnapshot{}).code(), StatusCode::InvalidArgument);
}

}  // namespace
}  // namespace eqw
