// Bad input for the Caffe importer must give a clear error, never a crash. The fixture folders
// tests/data/caffe/bad_*/ hold a net.prototxt (and a weights.pbtxt turned into a caffemodel)
// plus expected_error.txt: substrings the error message must contain, one per line. Binary
// damage (truncated, junk, empty caffemodels) is made here.
#include <eqw/io.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "engine/io/caffe/caffe_test_util.h"

namespace eqw::test {
namespace {

std::vector<std::string> badCases() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(caffeFixtureDir()))
    if (e.is_directory() && e.path().filename().string().rfind("bad_", 0) == 0) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

void expectErrorContains(const Status& s, const std::vector<std::string>& parts, const std::string& label) {
  ASSERT_FALSE(s.isOk()) << label << ": loaded, but should have failed";
  for (const std::string& p : parts) EXPECT_NE(s.message().find(p), std::string::npos) << label << ": '" << p << "' not in: " << s.message();
}

TEST(CaffeBadInput, FixtureFoldersFailWithTheirMessages) {
  const auto cases = badCases();
  ASSERT_GE(cases.size(), 8u);
  for (const std::string& name : cases) {
    const std::string dir = caffeFixture(name);
    std::string model;
    if (std::filesystem::exists(dir + "/weights.pbtxt")) {
      model = caffeTempDir() + "/" + name + ".caffemodel";
      writeCaffemodel(dir, model);
    }
    Result<Graph> g = loadCaffe(dir + "/net.prototxt", model);
    const auto parts = lines(readFile(dir + "/expected_error.txt"));
    ASSERT_FALSE(parts.empty()) << name;
    expectErrorContains(g.status(), parts, name);
  }
}

class CaffeDamagedModel : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = caffeFixture("bn_scale_inplace");
    good_ = caffeTempDir() + "/damage_good.caffemodel";
    writeCaffemodel(dir_, good_);
    bytes_ = readFile(good_);
    ASSERT_GT(bytes_.size(), 100u);
  }
  Status load(const std::string& model) { return loadCaffe(dir_ + "/net.prototxt", model).status(); }

  std::string dir_, good_, bytes_;
};

TEST_F(CaffeDamagedModel, TheIntactModelLoads) { EXPECT_TRUE(load(good_).isOk()) << load(good_).toString(); }

TEST_F(CaffeDamagedModel, TruncatedCaffemodelNamesTheFile) {
  for (size_t keep : {bytes_.size() / 2, bytes_.size() - 3, size_t{7}}) {
    const std::string path = caffeTempDir() + "/truncated_" + std::to_string(keep) + ".caffemodel";
    writeFile(path, bytes_.substr(0, keep));
    Status s = load(path);
    ASSERT_FALSE(s.isOk()) << "kept " << keep << " bytes";
    EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
  }
}

TEST_F(CaffeDamagedModel, BinaryJunkAndEmptyCaffemodel) {
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 7919 + 13) % 251));
  const std::string junkPath = caffeTempDir() + "/junk.caffemodel";
  writeFile(junkPath, junk);
  Status s = load(junkPath);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("junk.caffemodel"), std::string::npos) << s.message();

  const std::string emptyPath = caffeTempDir() + "/empty.caffemodel";
  writeFile(emptyPath, "");
  s = load(emptyPath);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("empty file"), std::string::npos) << s.message();

  s = load(caffeTempDir() + "/does_not_exist.caffemodel");
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("not found"), std::string::npos) << s.message();
}

TEST_F(CaffeDamagedModel, EveryPrefixOfTheCaffemodelFailsCleanly) {
  // Short prefixes end inside varints, tags and packed float arrays alike.
  for (size_t keep = 1; keep < bytes_.size(); keep += 1 + keep / 8) {
    const std::string path = caffeTempDir() + "/prefix.caffemodel";
    writeFile(path, bytes_.substr(0, keep));
    EXPECT_FALSE(load(path).isOk()) << "kept " << keep << " bytes";
  }
}

TEST(CaffeBadInput, BinaryJunkAsPrototxt) {
  std::string junk;
  for (int i = 0; i < 2048; ++i) junk.push_back(static_cast<char>((i * 104729 + 7) % 256));
  const std::string path = caffeTempDir() + "/junk.prototxt";
  writeFile(path, junk);
  Result<Graph> g = loadModel(path);
  ASSERT_FALSE(g.isOk());
  EXPECT_NE(g.status().message().find("junk.prototxt"), std::string::npos) << g.status().message();
}

TEST(CaffeBadInput, TextJunkReportsLineAndColumn) {
  const std::string path = caffeTempDir() + "/text_junk.prototxt";
  writeFile(path, "name: \"x\"\n\nthis is not a prototxt\n");
  Result<Graph> g = loadModel(path);
  ASSERT_FALSE(g.isOk());
  EXPECT_NE(g.status().message().find("text_junk.prototxt:3:"), std::string::npos) << g.status().message();
}

TEST(CaffeBadInput, HostileSizesAreErrorsNotAllocations) {
  const std::string path = caffeTempDir() + "/huge.prototxt";
  writeFile(path,
            "input: \"data\"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\n"
            "layer { name: \"conv\" type: \"Convolution\" bottom: \"data\" top: \"conv\" convolution_param { num_output: 4000000000 kernel_size: 3 } }\n");
  Result<Graph> g = loadModel(path);
  ASSERT_FALSE(g.isOk());
  EXPECT_NE(g.status().message().find("layer 'conv'"), std::string::npos) << g.status().message();
  writeFile(path,
            "input: \"data\"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\n"
            "layer { name: \"conv\" type: \"Convolution\" bottom: \"data\" top: \"conv\" convolution_param { num_output: 65536 kernel_size: 4000 } }\n");
  g = loadModel(path);
  ASSERT_FALSE(g.isOk());
  EXPECT_NE(g.status().message().find("layer 'conv'"), std::string::npos) << g.status().message();
}

}  // namespace
}  // namespace eqw::test
