// Loading project files that are broken in every way a file can be (tests/data/project: the
// fixtures and bad_projects.tsv, which says what each must report): a clear error naming the file
// and the field, never a crash, and the caller's Session untouched.
#include <eqw/session.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/session/session_sample.h"

namespace eqw {
namespace {

namespace fs = std::filesystem;

struct BadCase {
  std::string file, code, mention;
};

std::vector<BadCase> badCases() {
  std::vector<BadCase> cases;
  std::ifstream in(test::kProjectData + "/bad_projects.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t a = line.find('\t'), b = line.find('\t', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    cases.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)});
  }
  return cases;
}

std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void writeText(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

TEST(ProjectFile, ValidFixtureLoads) {
  if (!fs::exists(test::kSampleModel)) GTEST_SKIP() << "samples/fashion-mnist/model.onnx is missing";
  Diagnostics d;
  auto s = Session::load(test::kProjectData + "/valid.eqw", &d);
  ASSERT_TRUE(s.isOk()) << s.status().toString();
  EXPECT_EQ(s->modelPath(), fs::path(test::kSampleModel).lexically_normal().string());
  EXPECT_EQ(s->dataset(DatasetRole::Calibration)->source, fs::path(test::kCalibList).lexically_normal().string());
  EXPECT_EQ(s->dataset(DatasetRole::Evaluation), nullptr);
  ASSERT_NE(s->spec(), nullptr);
  const LayerQuant& l = s->spec()->layers.at(0);
  EXPECT_EQ(l.input.value, 0.75f);  // the override on top of the stored 1.0
  EXPECT_EQ(l.input.method, "manual");
  EXPECT_EQ(s->calibratedSpec()->layers.at(0).input.value, 1.f);
  EXPECT_EQ(l.weight_thresholds, std::vector<float>{4.5f});
  EXPECT_EQ(s->statistics(), nullptr);
  // No statistics in the file: calibrating asks for them instead of inventing any.
  EXPECT_EQ(s->calibrate({}).code(), StatusCode::InvalidArgument);
}

TEST(ProjectFile, EveryBrokenFixtureGivesItsError) {
  if (!fs::exists(test::kSampleModel)) GTEST_SKIP() << "samples/fashion-mnist/model.onnx is missing";
  const auto cases = badCases();
  ASSERT_GE(cases.size(), 18u) << "tests/data/project/bad_projects.tsv is missing or short";
  for (const BadCase& c : cases) {
    const std::string path = test::kProjectData + "/" + c.file;
    ASSERT_TRUE(fs::exists(path)) << c.file;
    auto s = Session::load(path);
    ASSERT_FALSE(s.isOk()) << c.file << " loaded";
    const Status& st = s.status();
    EXPECT_EQ(toString(st.code()), c.code) << c.file << ": " << st.toString();
    EXPECT_NE(st.message().find(c.mention), std::string::npos) << c.file << ": " << st.message();
    EXPECT_NE(st.message().find(c.file), std::string::npos) << c.file << ": " << st.message();
  }
}

TEST(ProjectFile, HostileDocumentsNeverCrash) {
  const std::string dir = test::scratchDir("hostile");
  const std::vector<std::pair<std::string, std::string>> docs = {
      {"deep.eqw", std::string(200000, '[') + std::string(200000, ']')},
      {"array.eqw", "[1, 2, 3]"},
      {"binary.eqw", std::string("\x00\xff\xfe{\"format\"", 12)},
      {"format_only.eqw", R"({"format": "eqw-project"})"},
      {"version_string.eqw", R"({"format": "eqw-project", "version": "1"})"},
      {"model_not_object.eqw", R"({"format": "eqw-project", "version": 1, "model": 3})"},
      {"huge_integer.eqw", R"({"format": "eqw-project", "version": 18446744073709551615})"},
      {"big_seed_and_junk.eqw",
       R"({"format": "eqw-project", "version": 1, "model": {"path": "m.onnx", "weights_path": "", "generate_seed": -1}})"},
  };
  for (const auto& [name, text] : docs) {
    writeText(dir + "/" + name, text);
    auto s = Session::load(dir + "/" + name);
    ASSERT_FALSE(s.isOk()) << name;
    EXPECT_EQ(s.status().code(), StatusCode::ParseError) << name << ": " << s.status().toString();
    EXPECT_NE(s.status().message().find(name), std::string::npos) << s.status().message();
  }
  auto missing = Session::load(dir + "/does_not_exist.eqw");
  EXPECT_EQ(missing.status().code(), StatusCode::NotFound);
  EXPECT_NE(missing.status().message().find("does_not_exist.eqw"), std::string::npos);
  EXPECT_EQ(Session::load(dir).status().code(), StatusCode::IoError);  // a folder
}

// Statistics whose value names are not the model's (a hand-edited or mixed-up file).
TEST(ProjectFile, StatisticsForOtherValuesAreRejected) {
  Session s;
  EQW_OPEN_SAMPLE_OR_SKIP(s);
  Diagnostics d;
  CollectOptions o;
  o.values = StatsValues::QuantizableInputs;
  ASSERT_TRUE(s.collectStatistics(o, {}, d).isOk());
  const std::string dir = test::scratchDir("stats-names");
  ASSERT_TRUE(s.save(dir + "/p.eqw").isOk());
  auto j = nlohmann::json::parse(readText(dir + "/p.eqw"));
  j["statistics"]["data"]["values"][0]["name"] = "renamed";
  writeText(dir + "/renamed.eqw", j.dump());
  auto t = Session::load(dir + "/renamed.eqw");
  ASSERT_FALSE(t.isOk());
  EXPECT_EQ(t.status().code(), StatusCode::ParseError);
  EXPECT_NE(t.status().message().find("field 'statistics.data'"), std::string::npos) << t.status().message();
  EXPECT_NE(t.status().message().find("'renamed'"), std::string::npos) << t.status().message();
}

TEST(ProjectFile, FailedLoadLeavesTheCurrentSessionAlone) {
  Session current;
  EQW_OPEN_SAMPLE_OR_SKIP(current);
  Diagnostics d;
  ASSERT_TRUE(current.collectStatistics({}, {}, d).isOk());
  ASSERT_TRUE(current.calibrate({}).isOk());
  const QuantSpec before = *current.spec();
  // The GUI's pattern: replace the document's Session only when the load succeeded.
  for (const char* bad : {"truncated.eqw", "missing_model.eqw", "wrong_count.eqw"}) {
    auto loaded = Session::load(test::kProjectData + "/" + bad);
    ASSERT_FALSE(loaded.isOk()) << bad;
    if (loaded.isOk()) current = std::move(*loaded);
  }
  ASSERT_NE(current.spec(), nullptr);
  EXPECT_TRUE(*current.spec() == before);
  EXPECT_EQ(current.statisticsRuns(), 1);
}

TEST(ProjectFile, MissingDatasetIsAWarningNotAnError) {
  if (!fs::exists(test::kSampleModel)) GTEST_SKIP() << "samples/fashion-mnist/model.onnx is missing";
  const std::string dir = test::scratchDir("missing-dataset");
  std::string text = readText(test::kProjectData + "/valid.eqw");
  const std::string model = "../../../samples/fashion-mnist/model.onnx";
  text.replace(text.find(model), model.size(), test::kSampleModel);
  writeText(dir + "/p.eqw", text);  // calib24.txt does not exist beside this copy
  Diagnostics d;
  auto s = Session::load(dir + "/p.eqw", &d);
  ASSERT_TRUE(s.isOk()) << s.status().toString();
  bool warned = false;
  for (const Diagnostic& x : d) warned |= x.severity == Severity::Warning && x.message.find("calib24.txt") != std::string::npos;
  EXPECT_TRUE(warned);
  Diagnostics d2;
  Status st = s->collectStatistics({}, {}, d2);
  EXPECT_EQ(st.code(), StatusCode::NotFound) << st.toString();
  EXPECT_NE(st.message().find("calib24.txt"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace eqw
