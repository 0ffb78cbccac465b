// Broken and hostile inputs (tests/data/ncnn/bad, warn): each is rejected with a Status whose
// message names the file, the line or layer, and the reason -- never a crash. A mutation sweep
// over a valid model checks the same for inputs nobody wrote by hand.
#include <eqw/io.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ncnn_test_util.h"

namespace eqw {
namespace {

std::vector<std::string> readLines(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void writeAll(const std::filesystem::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

TEST(NcnnBadInput, EveryCaseFailsWithItsMessage) {
  const auto params = test::filesWithExtension(test::ncnnFixtureDir() + "/bad", ".param");
  ASSERT_GE(params.size(), 30u);
  for (const std::string& param : params) {
    std::string expectPath = param.substr(0, param.size() - 6) + ".expect";
    const auto expect = readLines(expectPath);
    ASSERT_GE(expect.size(), 2u) << expectPath;
    Result<Graph> g = loadModel(param);
    ASSERT_FALSE(g.isOk()) << param << " loaded but must fail";
    EXPECT_STREQ(toString(g.status().code()), expect[0].c_str()) << g.status().toString();
    for (size_t i = 1; i < expect.size(); ++i)
      EXPECT_NE(g.status().message().find(expect[i]), std::string::npos)
          << "message of " << param << " lacks '" << expect[i] << "':\n  " << g.status().message();
  }
}

TEST(NcnnBadInput, WarningsForSuspiciousButLoadableFiles) {
  const auto params = test::filesWithExtension(test::ncnnFixtureDir() + "/warn", ".param");
  ASSERT_FALSE(params.empty());
  for (const std::string& param : params) {
    Diagnostics diags;
    Result<Graph> g = loadModel(param, {}, &diags);
    ASSERT_TRUE(g.isOk()) << g.status().toString();
    for (const std::string& want : readLines(param.substr(0, param.size() - 6) + ".expect")) {
      bool found = false;
      for (const Diagnostic& d : diags) found |= d.severity == Severity::Warning && d.message.find(want) != std::string::npos;
      EXPECT_TRUE(found) << param << ": no warning containing '" << want << "'";
    }
  }
}

// Every prefix of a valid .bin is too short: the error names the .bin, a layer and an offset.
TEST(NcnnBadInput, EveryTruncatedBinIsReported) {
  const std::string dir = test::ncnnFixtureDir() + "/good/";
  const std::string bin = readAll(dir + "tiny.bin");
  ASSERT_GT(bin.size(), 100u);
  const auto tmp = std::filesystem::path(EQW_BINARY_DIR) / "ncnn_truncated";
  std::filesystem::create_directories(tmp);
  std::filesystem::copy_file(dir + "tiny.param", tmp / "t.param", std::filesystem::copy_options::overwrite_existing);
  for (size_t n = 0; n < bin.size(); n += 3) {
    writeAll(tmp / "t.bin", bin.substr(0, n));
    Result<Graph> g = loadModel((tmp / "t.param").string());
    ASSERT_FALSE(g.isOk()) << "bin truncated to " << n << " bytes loaded";
    const std::string& m = g.status().message();
    EXPECT_EQ(g.status().code(), StatusCode::ParseError) << m;
    EXPECT_NE(m.find("t.bin"), std::string::npos) << m;
    EXPECT_NE(m.find("layer '"), std::string::npos) << m;
    EXPECT_NE(m.find("offset"), std::string::npos) << m;
  }
}

// Deterministic mutations of a valid .param (deleted / duplicated / swapped tokens, digits
// replaced by huge or negative numbers, truncation): each load either succeeds or fails with a
// message naming the file. A crash, hang or giant allocation fails the test run.
TEST(NcnnBadInput, MutatedParamsNeverCrash) {
  const std::string text = readAll(test::ncnnFixtureDir() + "/good/tiny.param");
  const auto tmp = std::filesystem::path(EQW_BINARY_DIR) / "ncnn_mutated";
  std::filesystem::create_directories(tmp);
  uint64_t state = 42;
  auto rnd = [&](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  const char* replacements[] = {"2147483647", "-2147483648", "-1", "0", "99999999999", "1e38", "-233", "x", ",", "=", "nan"};
  int failures = 0;
  for (int iter = 0; iter < 400; ++iter) {
    std::string m = text;
    const int kind = static_cast<int>(rnd(4));
    const size_t pos = rnd(m.size());
    if (kind == 0) m.erase(pos, 1 + rnd(8));
    else if (kind == 1) m.insert(pos, m.substr(rnd(m.size()), 1 + rnd(12)));
    else if (kind == 2) m = m.substr(0, pos);
    else {
      size_t digit = m.find_first_of("0123456789", pos);
      if (digit == std::string::npos) digit = pos;
      size_t end = m.find_first_not_of("0123456789.e-", digit);
      m.replace(digit, (end == std::string::npos ? m.size() : end) - digit, replacements[rnd(std::size(replacements))]);
    }
    writeAll(tmp / "m.param", m);
    // Alternate between the real weights (most mutations then mismatch the .bin) and generation.
    ImportOptions opt;
    if (iter % 2 == 0) opt.weights_path = test::ncnnFixtureDir() + "/good/tiny.bin";
    Result<Graph> g = loadModel((tmp / "m.param").string(), opt);
    if (!g.isOk()) {
      ++failures;
      EXPECT_NE(g.status().message().find("m.param"), std::string::npos) << g.status().message();
    }
  }
  EXPECT_GT(failures, 100);
}

}  // namespace
}  // namespace eqw
