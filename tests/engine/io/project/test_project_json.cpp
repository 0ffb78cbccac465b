// The project document without a model (engine/io/project/project.h): every field round-trips
// bit-identical, paths are stored relative to the project folder only under it, the atomic
// write replaces a file whole.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "engine/session/session_sample.h"
#include "io/project/project.h"

namespace eqw::project {
namespace {

namespace fs = std::filesystem;

ProjectData sampleData() {
  ProjectData d;
  d.model_path = "/p/models/m.param";
  d.import.weights_path = "/elsewhere/m.bin";
  d.import.generate_seed = std::numeric_limits<uint64_t>::max();
  d.import.input_shape = {1, 3, 224, 224};
  d.canonicalize.fuse_activations = false;
  Preprocess pre;
  pre.mean = {104.f, 117.f, 123.f};
  pre.norm = {0.017f, 0.017f, 0.0175f};
  pre.pixel = PixelOrder::RGB;
  d.calibration = DatasetSource{"/p/images", DatasetLayout::Folder, pre};
  d.evaluation = DatasetSource{"/data/val/list.txt", DatasetLayout::ListFile, Preprocess{}};
  SavedStatistics stats;
  TensorStats t;
  t.name = "conv1_in";
  t.min = -0.1f;
  t.max = 3.4028235e38f;
  t.absmax = t.max;
  t.count = 100;
  t.zeros = 7;
  t.samples = 2;
  t.sample_elements = 50;
  t.ema_absmax = 0.1 + 0.2;
  t.histogram.assign(kHistogramBins, 0);
  t.histogram[5] = 93;
  stats.stats.model = "m";
  stats.stats.images = 2;
  stats.stats.values[3] = t;
  stats.options.passes = 1;
  stats.options.hist_stride = 8;
  stats.options.values = StatsValues::QuantizableInputs;
  stats.model_fingerprint = "0123456789abcdef";
  stats.data_fingerprint = "fedcba9876543210";
  d.statistics = stats;
  LayerQuant l{"conv1", Precision::Int7, Granularity::PerGroup, true, {1e-40f, "kl"}, {0.1f, 7.f}, "aciq", 6};
  d.calibrated = QuantSpec{{l, LayerQuant{"fc", Precision::Fp32, Granularity::PerTensor, false, {0.f, ""}, {}, "", 0}}};
  d.calibrate_options.method = "percentile";
  d.calibrate_options.method_options.percentile = 99.999;
  d.calibrate_options.weight_method = WeightMethod::Mse;
  d.calibrate_options.input_by_max = false;
  d.calibrate_options.ncnn_winograd_6bit = false;
  EasyQuantResult eq;
  eq.spec = *d.calibrated;
  eq.images = 50;
  eq.input = EasyQuantInput::Sequential;
  eq.seconds = 1.25;
  EasyQuantLayer el;
  el.layer = "conv1";
  el.bits = 7;
  el.weight_bits = 6;
  el.before = 0.9;
  el.after = 0.99;
  el.rounds = {{0.9, 0.95, 0.99}};
  el.activation_curve = {{0.5f, 1.f}, {0.97, 0.99}};
  eq.layers = {el};
  d.easyquant = eq;
  d.easyquant_options.candidates = 33;
  d.overrides["conv1"] = LayerOverride{Precision::W4, 0.3f, std::vector<float>{1.f, 2.f}};
  d.overrides["fc"] = LayerOverride{std::nullopt, std::nullopt, std::vector<float>{0.125f}};
  return d;
}

TEST(ProjectJson, EveryFieldRoundTrips) {
  const ProjectData d = sampleData();
  const std::string text = toJson(d, "/p");
  auto r = fromJson(text, "/p");
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->model_path, d.model_path);
  EXPECT_EQ(r->import.weights_path, d.import.weights_path);
  EXPECT_EQ(r->import.generate_seed, d.import.generate_seed);
  EXPECT_EQ(r->import.input_shape, d.import.input_shape);
  EXPECT_EQ(r->canonicalize.fuse_activations, false);
  EXPECT_EQ(r->calibration->source, "/p/images");
  EXPECT_EQ(r->calibration->layout, DatasetLayout::Folder);
  EXPECT_EQ(toString(r->calibration->preprocess), toString(d.calibration->preprocess));
  EXPECT_EQ(r->calibration->preprocess.norm, d.calibration->preprocess.norm);
  EXPECT_EQ(r->evaluation->layout, DatasetLayout::ListFile);
  EXPECT_TRUE(r->statistics->stats == d.statistics->stats);
  EXPECT_EQ(r->statistics->options.values, StatsValues::QuantizableInputs);
  EXPECT_EQ(r->statistics->options.passes, 1);
  EXPECT_EQ(r->statistics->options.hist_stride, 8);
  EXPECT_EQ(r->statistics->data_fingerprint, d.statistics->data_fingerprint);
  EXPECT_TRUE(*r->calibrated == *d.calibrated);
  EXPECT_EQ(r->calibrate_options.method, "percentile");
  EXPECT_EQ(r->calibrate_options.method_options.percentile, 99.999);
  EXPECT_EQ(r->calibrate_options.weight_method, WeightMethod::Mse);
  EXPECT_FALSE(r->calibrate_options.input_by_max);
  EXPECT_FALSE(r->calibrate_options.ncnn_winograd_6bit);
  EXPECT_EQ(r->easyquant->layers.at(0).weight_bits, 6);
  EXPECT_TRUE(r->easyquant->spec == d.easyquant->spec);
  EXPECT_EQ(r->easyquant->input, EasyQuantInput::Sequential);
  EXPECT_EQ(r->easyquant->layers.at(0).rounds.at(0).after_weights, 0.95);
  EXPECT_EQ(r->easyquant->layers.at(0).activation_curve.objective, d.easyquant->layers[0].activation_curve.objective);
  EXPECT_EQ(r->easyquant_options.candidates, 33);
  EXPECT_EQ(r->overrides, d.overrides);
  // And the document written again is the same text.
  EXPECT_EQ(toJson(*r, "/p"), text);
}

TEST(ProjectJson, PathsRelativeOnlyUnderTheProjectFolder) {
  EXPECT_EQ(storedPath("/p/models/m.param", "/p"), "models/m.param");
  EXPECT_EQ(storedPath("/p/./models/../m.onnx", "/p/"), "m.onnx");
  EXPECT_EQ(storedPath("/elsewhere/m.bin", "/p"), "/elsewhere/m.bin");
  EXPECT_EQ(storedPath("/pp/m.onnx", "/p"), "/pp/m.onnx");  // a sibling with a longer name is not "under"
  EXPECT_EQ(storedPath("", "/p"), "");
  EXPECT_EQ(resolvedPath("models/m.param", "/p"), "/p/models/m.param");
  EXPECT_EQ(resolvedPath("../shared/m.onnx", "/p/q"), "/p/shared/m.onnx");
  EXPECT_EQ(resolvedPath("/abs/m.onnx", "/p"), "/abs/m.onnx");
  const std::string text = toJson(sampleData(), "/p");
  EXPECT_NE(text.find("\"path\": \"models/m.param\""), std::string::npos);
  EXPECT_NE(text.find("\"weights_path\": \"/elsewhere/m.bin\""), std::string::npos);
  EXPECT_EQ(text.find("\"format\""), 4u);  // first, so `head` shows what the file is
  // Read from another folder, the relative paths follow the file.
  auto moved = fromJson(text, "/q");
  ASSERT_TRUE(moved.isOk());
  EXPECT_EQ(moved->model_path, "/q/models/m.param");
  EXPECT_EQ(moved->import.weights_path, "/elsewhere/m.bin");
}

TEST(ProjectJson, AtomicWriteReplacesWholeAndLeavesNoTemporary) {
  const std::string dir = test::scratchDir("atomic");
  const std::string path = dir + "/p.eqw";
  ASSERT_TRUE(writeFileAtomically(path, std::string(100000, 'a')).isOk());
  ASSERT_TRUE(writeFileAtomically(path, "short").isOk());
  auto text = readWholeFile(path, 1 << 20);
  ASSERT_TRUE(text.isOk());
  EXPECT_EQ(*text, "short");
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir)) entries += !e.path().empty();
  EXPECT_EQ(entries, 1);
  Status st = writeFileAtomically(dir + "/missing/p.eqw", "x");
  EXPECT_EQ(st.code(), StatusCode::IoError);
  EXPECT_NE(st.message().find("missing/p.eqw"), std::string::npos) << st.message();
  EXPECT_EQ(readWholeFile(path, 3).status().code(), StatusCode::IoError);  // over the size limit
}

}  // namespace
}  // namespace eqw::project
