// The ONNX project's node conformance cases (Debian libonnx-testdata) and the project's own
// PyTorch-exported fixtures, each imported and run by the FP32 executor, outputs compared
// with the backend tests' rule. Which cases may be rejected is data: tests/data/onnx/
// node_expectations.txt (reviewed by hand; every line gives the reason).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "case_runner.h"
#include "onnx_test_util.h"

namespace eqw::onnxtest {

namespace {

namespace fs = std::filesystem;

const char* const kDataDir = "/usr/share/libonnx-testdata/data";
const char* const kNodeDir = "/usr/share/libonnx-testdata/data/node";
// Whole small PyTorch modules and operators exported by the ONNX project (same layout).
const char* const kPyTorchConvertedDir = "/usr/share/libonnx-testdata/data/pytorch-converted";
const char* const kPyTorchOperatorDir = "/usr/share/libonnx-testdata/data/pytorch-operator";

std::string fixtureDir() { return std::string(EQW_SOURCE_DIR) + "/tests/data/onnx/models"; }
std::string expectationsPath() { return std::string(EQW_SOURCE_DIR) + "/tests/data/onnx/node_expectations.txt"; }

struct Expectation {
  std::string verdict;  // "unsupported" (import must refuse it) or "skip"
  std::string reason;
};

const std::map<std::string, Expectation>& expectations() {
  static const std::map<std::string, Expectation> table = [] {
    std::map<std::string, Expectation> t;
    std::ifstream in(expectationsPath());
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream ss(line);
      std::string name;
      Expectation e;
      ss >> name >> e.verdict;
      std::getline(ss >> std::ws, e.reason);
      if (!name.empty()) t[name] = e;
    }
    return t;
  }();
  return table;
}

// The op types the importer claims (its brief): a case using only these must pass unless the
// expectations file says why not.
const std::set<std::string>& claimedOps() {
  static const std::set<std::string> ops = {
      "Abs", "Add", "AveragePool", "BatchNormalization", "Ceil", "Clip", "Concat", "Constant", "Conv", "ConvTranspose",
      "Cos", "Div", "Dropout", "Erf", "Exp", "Flatten", "Floor", "Gather", "Gemm", "GlobalAveragePool", "GlobalMaxPool",
      "HardSigmoid", "HardSwish", "Identity", "LRN", "LayerNormalization", "LeakyRelu", "Log", "MatMul", "Max",
      "MaxPool", "Mean", "Min", "Mul", "Neg", "PRelu", "Pad", "Pow", "Reciprocal", "ReduceL1", "ReduceL2", "ReduceMax",
      "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSum", "ReduceSumSquare", "Relu", "Reshape", "Resize", "Shape",
      "Sigmoid", "Sin", "Slice", "Softmax", "Split", "Sqrt", "Squeeze", "Sub", "Sum", "Tan", "Tanh", "Transpose",
      "Unsqueeze", "Upsample"};
  return ops;
}

std::vector<std::string> caseDirs(const std::string& root) {
  std::vector<std::string> dirs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec))
    if (fs::exists(e.path() / "model.onnx")) dirs.push_back(e.path().string());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

std::string caseName(const ::testing::TestParamInfo<std::string>& info) { return fs::path(info.param).filename().string(); }

std::string describe(const CaseResult& r) {
  switch (r.kind) {
    case CaseResult::Passed: return "it passed";
    case CaseResult::ImportFailed: return "import failed: " + r.detail;
    case CaseResult::RunFailed: return "run failed: " + r.detail;
    case CaseResult::Mismatch: return "outputs differ: " + r.detail;
    case CaseResult::BadCase: return "the case could not be read: " + r.detail;
  }
  return "?";
}

void checkRejected(const CaseResult& r, const std::string& why) {
  ASSERT_EQ(r.kind, CaseResult::ImportFailed) << "expected the import to refuse it (" << why << "), but " << describe(r);
  const std::string& msg = r.importStatus.message();
  EXPECT_NE(msg.find("model.onnx"), std::string::npos) << "the error does not name the file: " << msg;
}

// mustPass: the project's own fixtures, which must import and match whatever ops they use.
void checkCase(const std::string& dir, bool mustPass) {
  const std::string name = fs::path(dir).filename().string();
  const std::string model = (fs::path(dir) / "model.onnx").string();
  auto it = expectations().find(name);
  if (it != expectations().end() && it->second.verdict == "skip") GTEST_SKIP() << it->second.reason;

  CaseOptions options;
  options.scratch = scratchDir("node_" + name);
  CaseResult r = runCase(dir, options);
  ASSERT_NE(r.kind, CaseResult::BadCase) << describe(r);
  if (mustPass) {
    EXPECT_EQ(r.kind, CaseResult::Passed) << describe(r);
    return;
  }

  if (it != expectations().end()) {
    checkRejected(r, it->second.reason);
    EXPECT_EQ(r.importStatus.code(), StatusCode::Unsupported) << r.importStatus.toString();
    return;
  }
  // The engine computes in float32: other element types at the interface are refused.
  if (!r.floatInterface) {
    checkRejected(r, "non-float32 input or output");
    EXPECT_EQ(r.importStatus.code(), StatusCode::Unsupported) << r.importStatus.toString();
    return;
  }
  std::set<std::string> ops = opTypes(model);
  const bool claimed = std::all_of(ops.begin(), ops.end(), [](const std::string& op) { return claimedOps().count(op) != 0; });
  if (!claimed && r.kind == CaseResult::ImportFailed) {
    // Not ours to run, but the refusal must be clean and name the file.
    checkRejected(r, "an op outside the claimed set");
    return;
  }
  EXPECT_EQ(r.kind, CaseResult::Passed) << describe(r);
}

}  // namespace

class OnnxNodeCase : public ::testing::TestWithParam<std::string> {};
TEST_P(OnnxNodeCase, MatchesReference) { checkCase(GetParam(), false); }
INSTANTIATE_TEST_SUITE_P(Node, OnnxNodeCase, ::testing::ValuesIn(caseDirs(kNodeDir)), caseName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(OnnxNodeCase);

INSTANTIATE_TEST_SUITE_P(PyTorchConverted, OnnxNodeCase, ::testing::ValuesIn(caseDirs(kPyTorchConvertedDir)), caseName);
INSTANTIATE_TEST_SUITE_P(PyTorchOperator, OnnxNodeCase, ::testing::ValuesIn(caseDirs(kPyTorchOperatorDir)), caseName);

class OnnxFixtureCase : public ::testing::TestWithParam<std::string> {};
TEST_P(OnnxFixtureCase, MatchesPyTorch) { checkCase(GetParam(), true); }
INSTANTIATE_TEST_SUITE_P(Fixture, OnnxFixtureCase, ::testing::ValuesIn(caseDirs(fixtureDir())), caseName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(OnnxFixtureCase);

TEST(OnnxNodeCases, TestDataIsInstalled) {
  if (!fs::exists(kNodeDir)) GTEST_SKIP() << "ONNX test data absent (" << kNodeDir << "; Debian package libonnx-testdata)";
  EXPECT_GT(caseDirs(kNodeDir).size(), 500u);
}

TEST(OnnxNodeCases, ExpectationsNameRealCasesWithReasons) {
  ASSERT_FALSE(expectations().empty()) << "cannot read " << expectationsPath();
  const bool haveData = fs::exists(kNodeDir);
  for (const auto& [name, e] : expectations()) {
    EXPECT_TRUE(e.verdict == "unsupported" || e.verdict == "skip") << name << ": unknown verdict '" << e.verdict << "'";
    EXPECT_FALSE(e.reason.empty()) << name << ": no reason given";
    if (haveData) {
      bool found = false;
      for (const char* dir : {kNodeDir, kPyTorchConvertedDir, kPyTorchOperatorDir}) found = found || fs::exists(fs::path(dir) / name);
      EXPECT_TRUE(found) << name << " is not a case folder under " << kDataDir;
    }
  }
}

}  // namespace eqw::onnxtest
