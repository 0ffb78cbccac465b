// Session save / load (the .eqw project file): the exact state comes back, calibration after a
// load never runs the model, paths are stored relative to the project where they lie under it.
#include <eqw/session.h>
#include <eqw/table.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/session/session_sample.h"

namespace eqw {
namespace {

namespace fs = std::filesystem;

std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A session with every kind of state: statistics, a calibrated spec, EasyQuant, overrides.
Status fullState(Session& s) {
  Diagnostics d;
  CollectOptions co;
  co.passes = 1;
  EQW_RETURN_IF_ERROR(s.collectStatistics(co, {}, d));
  CalibrateOptions o;
  o.method = "kl";
  o.method_options.percentile = 99.9;
  EQW_RETURN_IF_ERROR(s.calibrate(o));
  EasyQuantOptions eq;
  eq.images = 5;
  eq.candidates = 7;
  eq.max_rounds = 1;
  eq.input = EasyQuantInput::Sequential;
  EQW_RETURN_IF_ERROR(s.refineEasyQuant(eq, {}, d));
  const auto& layers = s.spec()->layers;
  EQW_RETURN_IF_ERROR(s.setLayerInputThreshold(layers[1].layer, 0.123456789f));
  EQW_RETURN_IF_ERROR(s.setLayerPrecision(layers[2].layer, Precision::Int7));
  return s.setLayerWeightThresholds(layers[3].layer, std::vector<float>(layers[3].weight_thresholds.size(), 1e-3f / 3));
}

void expectSameEasyQuant(const EasyQuantResult& a, const EasyQuantResult& b) {
  EXPECT_TRUE(a.spec == b.spec);
  EXPECT_EQ(a.images, b.images);
  EXPECT_EQ(a.input, b.input);
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) {
    EXPECT_EQ(a.layers[i].layer, b.layers[i].layer);
    EXPECT_EQ(a.layers[i].after, b.layers[i].after);
    EXPECT_EQ(a.layers[i].rounds.size(), b.layers[i].rounds.size());
    EXPECT_EQ(a.layers[i].activation_curve.scales, b.layers[i].activation_curve.scales);
    EXPECT_EQ(a.layers[i].activation_curve.objective, b.layers[i].activation_curve.objective);
  }
}

TEST(SessionProject, SaveLoadRestoresTheExactState) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  ASSERT_TRUE(fullState(s).isOk());
  const std::string file = test::scratchDir("roundtrip") + "/sample.eqw";
  ASSERT_TRUE(s.save(file).isOk());

  Diagnostics d;
  auto loaded = Session::load(file, &d);
  ASSERT_TRUE(loaded.isOk()) << loaded.status().toString();
  Session& t = *loaded;
  EXPECT_EQ(t.modelPath(), s.modelPath());
  EXPECT_EQ(t.statisticsRuns(), 0);
  ASSERT_NE(t.statistics(), nullptr);
  EXPECT_TRUE(*t.statistics() == *s.statistics());
  EXPECT_EQ(t.statisticsOptions()->passes, 1);
  ASSERT_NE(t.spec(), nullptr);
  EXPECT_TRUE(*t.spec() == *s.spec());
  EXPECT_TRUE(*t.calibratedSpec() == *s.calibratedSpec());
  EXPECT_EQ(t.calibrateOptions()->method_options.percentile, 99.9);
  EXPECT_EQ(t.overrides(), s.overrides());
  ASSERT_NE(t.easyQuant(), nullptr);
  expectSameEasyQuant(*t.easyQuant(), *s.easyQuant());
  EXPECT_EQ(t.easyQuantOptions()->input, EasyQuantInput::Sequential);
  for (DatasetRole role : {DatasetRole::Calibration, DatasetRole::Evaluation}) {
    ASSERT_NE(t.dataset(role), nullptr);
    EXPECT_EQ(t.dataset(role)->source, s.dataset(role)->source);
    EXPECT_EQ(toString(t.dataset(role)->preprocess), toString(s.dataset(role)->preprocess));
  }
  for (const Diagnostic& x : d) EXPECT_NE(x.severity, Severity::Warning) << x.message;

  // Statistics from the project serve both calibrate() and a repeated collection.
  CollectOptions co;
  co.passes = 1;
  ASSERT_TRUE(t.collectStatistics(co, {}, d).isOk());
  CalibrateOptions max;
  max.method = "max";
  max.precision = Precision::Int7;
  ASSERT_TRUE(t.calibrate(max).isOk());
  ASSERT_TRUE(s.calibrate(max).isOk());
  EXPECT_EQ(t.statisticsRuns(), 0);
  EXPECT_TRUE(*t.spec() == *s.spec());

  // Saving the loaded session gives the same document.
  const std::string again = fs::path(file).parent_path().string() + "/again.eqw";
  ASSERT_TRUE(t.save(again).isOk());
  ASSERT_TRUE(s.save(file).isOk());
  EXPECT_EQ(readText(again), readText(file));
}

TEST(SessionProject, PathsUnderTheProjectFolderAreRelative) {
  if (!fs::exists(test::kSampleModel)) GTEST_SKIP() << "samples/fashion-mnist/model.onnx is missing";
  const std::string dir = test::scratchDir("relative");
  fs::create_directories(dir + "/project/images");
  fs::copy_file(test::kSampleModel, dir + "/project/model.onnx");
  for (const auto& e : fs::directory_iterator(test::kSampleDir + "/calib"))
    if (e.path().extension() == ".png" && e.path().filename().string() < "0003")
      fs::copy_file(e.path(), fs::path(dir + "/project/images") / e.path().filename());
  auto pre = test::samplePreprocess();
  ASSERT_TRUE(pre.isOk());
  Session s;
  ASSERT_TRUE(s.open(dir + "/project/model.onnx").isOk());
  ASSERT_TRUE(s.setDataset(DatasetRole::Calibration, dir + "/project/images", *pre).isOk());
  ASSERT_TRUE(s.setDataset(DatasetRole::Evaluation, test::kEvalList, *pre).isOk());
  Diagnostics d;
  ASSERT_TRUE(s.collectStatistics({}, {}, d).isOk());
  ASSERT_TRUE(s.save(dir + "/project/p.eqw").isOk());

  const auto j = nlohmann::json::parse(readText(dir + "/project/p.eqw"));
  EXPECT_EQ(j["model"]["path"], "model.onnx");
  EXPECT_EQ(j["datasets"]["calibration"]["source"], "images");
  EXPECT_EQ(j["datasets"]["evaluation"]["source"], fs::path(test::kEvalList).lexically_normal().generic_string());

  // The project folder moves as a whole: it still opens, with its statistics.
  fs::rename(dir + "/project", dir + "/moved");
  auto t = Session::load(dir + "/moved/p.eqw");
  ASSERT_TRUE(t.isOk()) << t.status().toString();
  EXPECT_EQ(t->modelPath(), fs::path(dir + "/moved/model.onnx").lexically_normal().string());
  EXPECT_EQ(t->dataset(DatasetRole::Calibration)->source, fs::path(dir + "/moved/images").lexically_normal().string());
  ASSERT_NE(t->statistics(), nullptr);
  ASSERT_TRUE(t->collectStatistics({}, {}, d).isOk());
  EXPECT_EQ(t->statisticsRuns(), 0);
}

TEST(SessionProject, ChangedModelFileDropsStatisticsWithAWarning) {
  if (!fs::exists(test::kSampleModel)) GTEST_SKIP() << "samples/fashion-mnist/model.onnx is missing";
  const std::string dir = test::scratchDir("changed-model");
  fs::copy_file(test::kSampleModel, dir + "/model.onnx");
  Session s;
  ASSERT_TRUE(s.open(dir + "/model.onnx").isOk());
  auto pre = test::samplePreprocess();
  ASSERT_TRUE(pre.isOk());
  ASSERT_TRUE(s.setDataset(DatasetRole::Calibration, test::kCalibList, *pre).isOk());
  Diagnostics d;
  ASSERT_TRUE(s.collectStatistics({}, {}, d).isOk());
  ASSERT_TRUE(s.save(dir + "/p.eqw").isOk());
  // Same graph, other bytes: ModelProto.doc_string (field 6, a length-delimited string) appended.
  std::ofstream(dir + "/model.onnx", std::ios::app | std::ios::binary) << "\x32\x01x";
  d.clear();
  auto t = Session::load(dir + "/p.eqw", &d);
  ASSERT_TRUE(t.isOk()) << t.status().toString();
  EXPECT_EQ(t->statistics(), nullptr);
  bool warned = false;
  for (const Diagnostic& x : d) warned |= x.message.find("statistics are dropped") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(SessionProject, FailedSaveKeepsThePreviousFile) {
  Session s;
  EXPECT_EQ(s.save(test::scratchDir("nothing") + "/x.eqw").code(), StatusCode::InvalidArgument);
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  const std::string dir = test::scratchDir("failed-save");
  // The target is a folder: the rename fails, the folder and its content stay, no temporary remains.
  fs::create_directories(dir + "/p.eqw");
  std::ofstream(dir + "/p.eqw/keep") << "x";
  Status st = s.save(dir + "/p.eqw");
  EXPECT_EQ(st.code(), StatusCode::IoError);
  EXPECT_NE(st.message().find("p.eqw"), std::string::npos) << st.message();
  EXPECT_TRUE(fs::exists(dir + "/p.eqw/keep"));
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir)) entries += 1 + 0 * e.path().empty();
  EXPECT_EQ(entries, 1);
  // A folder that does not exist.
  EXPECT_EQ(s.save(dir + "/no/such/folder/p.eqw").code(), StatusCode::IoError);
}

TEST(SessionProject, EvaluateAndExportUseTheCurrentSpec) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  Diagnostics d;
  ASSERT_TRUE(s.collectStatistics({}, {}, d).isOk());
  EXPECT_EQ(s.exportTable("/tmp/x.table").code(), StatusCode::InvalidArgument);
  EXPECT_EQ(s.evaluate(std::vector<Precision>{Precision::Int8}, {}, {}, d).status().code(), StatusCode::InvalidArgument);
  CalibrateOptions o;
  o.method = "max";
  ASSERT_TRUE(s.calibrate(o).isOk());
  const std::string fp32Layer = s.spec()->layers[0].layer;
  ASSERT_TRUE(s.setLayerPrecision(fp32Layer, Precision::Fp32).isOk());

  auto int7 = s.specAt(Precision::Int7);
  ASSERT_TRUE(int7.isOk());
  EXPECT_EQ(int7->find(fp32Layer)->precision, Precision::Fp32);  // the user's choice stays
  EXPECT_EQ(int7->layers.back().precision, Precision::Int7);

  auto report = s.evaluate(std::vector<Precision>{Precision::Int8, Precision::Int7}, {}, {}, d);
  ASSERT_TRUE(report.isOk()) << report.status().toString();
  EXPECT_EQ(report->images, 30);
  ASSERT_EQ(report->variants.size(), 2u);
  EXPECT_EQ(report->variants[0].name, "int8");
  // Independent: the engine's evaluate with the same spec and images.
  auto dataset = openDataset(test::kEvalList);
  ASSERT_TRUE(dataset.isOk());
  auto direct = evaluate(s.canonicalGraph(), {{"int7", *int7}}, *dataset, s.dataset(DatasetRole::Evaluation)->preprocess,
                         {}, {}, d);
  ASSERT_TRUE(direct.isOk());
  EXPECT_EQ(report->variants[1].top1, direct->variants[0].top1);
  EXPECT_EQ(report->variants[1].output.cosine, direct->variants[0].output.cosine);
  EXPECT_GT(report->variants[0].agreement, 0.8);

  const std::string dir = test::scratchDir("export");
  ASSERT_TRUE(s.exportTable(dir + "/session.table").isOk());
  ASSERT_TRUE(writeNcnnTable(s.canonicalGraph(), *s.spec(), dir + "/direct.table").isOk());
  EXPECT_EQ(readText(dir + "/session.table"), readText(dir + "/direct.table"));
}

}  // namespace
}  // namespace eqw
