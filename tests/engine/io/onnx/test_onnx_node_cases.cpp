// The ONNX project's node conformance cases (Debian libonnx-testdata) and the project's own
// PyTorch-exported fixtures, each imported and run by the FP32 executor, outputs compared
// with the backend tests' rule. Which cases may be rejected is data: tests/data/onnx/
// node_expectations.txt (reviewed by hand; every line gives the reason).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
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

// What became of one case. Only Passed counts as a pass; the three Refused* outcomes and Listed*
// are expected refusals; Failed is a test failure with its reason in `problem`.
enum class Outcome { Passed, ListedUnsupported, ListedSkip, RefusedNonFloat, RefusedUnclaimed, Failed };

struct Verdict {
  Outcome outcome = Outcome::Failed;
  std::string problem;  // why the case failed (Outcome::Failed only)
  bool claimed = true;  // every op of the case is in claimedOps()
};

// A refusal is clean when it is an import error naming the file (and Unsupported when required).
std::string refusalProblem(const CaseResult& r, const std::string& why, bool mustBeUnsupported) {
  if (r.kind != CaseResult::ImportFailed) return "expected the import to refuse it (" + why + "), but " + describe(r);
  const std::string& msg = r.importStatus.message();
  if (msg.find("model.onnx") == std::string::npos) return "the error does not name the file: " + msg;
  if (mustBeUnsupported && r.importStatus.code() != StatusCode::Unsupported)
    return "expected an Unsupported error, got: " + r.importStatus.toString();
  return {};
}

Verdict refused(Outcome outcome, const CaseResult& r, const std::string& why, bool mustBeUnsupported) {
  Verdict v;
  v.problem = refusalProblem(r, why, mustBeUnsupported);
  v.outcome = v.problem.empty() ? outcome : Outcome::Failed;
  return v;
}

// mustPass: the project's own fixtures, which must import and match whatever ops they use.
Verdict classify(const std::string& dir, bool mustPass) {
  const std::string name = fs::path(dir).filename().string();
  const std::string model = (fs::path(dir) / "model.onnx").string();
  auto it = expectations().find(name);
  if (it != expectations().end() && it->second.verdict == "skip") return {Outcome::ListedSkip, it->second.reason};

  CaseOptions options;
  options.scratch = scratchDir("node_" + name);
  CaseResult r = runCase(dir, options);
  if (r.kind == CaseResult::BadCase) return {Outcome::Failed, describe(r)};
  auto passedOr = [&](Verdict v) {
    if (r.kind == CaseResult::Passed) return Verdict{Outcome::Passed, {}, v.claimed};
    v.problem = describe(r);
    return v;
  };
  if (mustPass) return passedOr({});
  if (it != expectations().end()) return refused(Outcome::ListedUnsupported, r, it->second.reason, true);
  // The engine computes in float32: other element types at the interface are refused.
  if (!r.floatInterface) return refused(Outcome::RefusedNonFloat, r, "non-float32 input or output", true);
  std::set<std::string> ops = opTypes(model);
  const bool claimed = std::all_of(ops.begin(), ops.end(), [](const std::string& op) { return claimedOps().count(op) != 0; });
  // Not ours to run, but the refusal must be clean and name the file.
  if (!claimed && r.kind == CaseResult::ImportFailed) return refused(Outcome::RefusedUnclaimed, r, "an op outside the claimed set", false);
  return passedOr({Outcome::Failed, {}, claimed});
}

void checkCase(const std::string& dir, bool mustPass) {
  Verdict v = classify(dir, mustPass);
  if (v.outcome == Outcome::ListedSkip) GTEST_SKIP() << v.problem;
  EXPECT_NE(v.outcome, Outcome::Failed) << v.problem;
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

// Runs every conformance case in this process and prints the split that docs/compatibility.md
// reports; the acceptance bar: at least 95 % of the node suite's float32 cases whose ops are all
// claimed pass (the rest are the reviewed refusals in the expectations file), and no case fails.
TEST(OnnxNodeCases, ConformanceSummary) {
  if (!fs::exists(kNodeDir)) GTEST_SKIP() << "ONNX test data absent (" << kNodeDir << "; Debian package libonnx-testdata)";
  struct Tally {
    int outcome[6] = {};
    int claimedAll = 0;       // cases whose ops are all claimed (any element type)
    int claimedFloat = 0;     // ... and with a float32 interface
    int claimedFloatPassed = 0;
  };
  std::printf("%-18s %6s %7s %12s %6s %10s %10s %7s %14s\n", "suite", "cases", "passed", "listed-unsup", "skip",
              "non-float", "unclaimed", "failed", "claimed-pass");
  Tally total, node;
  for (const auto& [suite, root] : {std::pair{"node", kNodeDir}, std::pair{"pytorch-converted", kPyTorchConvertedDir},
                                    std::pair{"pytorch-operator", kPyTorchOperatorDir}}) {
    Tally t;
    const auto dirs = caseDirs(root);
    for (const std::string& dir : dirs) {
      Verdict v = classify(dir, false);
      t.outcome[static_cast<int>(v.outcome)]++;
      EXPECT_NE(v.outcome, Outcome::Failed) << fs::path(dir).filename().string() << ": " << v.problem;
      std::set<std::string> ops = opTypes((fs::path(dir) / "model.onnx").string());
      if (!std::all_of(ops.begin(), ops.end(), [](const std::string& op) { return claimedOps().count(op) != 0; })) continue;
      t.claimedAll++;
      if (v.outcome == Outcome::RefusedNonFloat) continue;
      t.claimedFloat++;
      if (v.outcome == Outcome::Passed) t.claimedFloatPassed++;
    }
    std::printf("%-18s %6zu %7d %12d %6d %10d %10d %7d %7d/%-6d\n", suite, dirs.size(), t.outcome[0], t.outcome[1],
                t.outcome[2], t.outcome[3], t.outcome[4], t.outcome[5], t.claimedFloatPassed, t.claimedFloat);
    if (std::string(suite) == "node") node = t;
    for (int i = 0; i < 6; ++i) total.outcome[i] += t.outcome[i];
    total.claimedAll += t.claimedAll;
    total.claimedFloat += t.claimedFloat;
    total.claimedFloatPassed += t.claimedFloatPassed;
  }
  auto rate = [](const Tally& t) { return t.claimedFloat ? 100.0 * t.claimedFloatPassed / t.claimedFloat : 0.0; };
  std::printf("cases using only claimed ops: %d; with a float32 interface: %d, of which %d pass (%.1f %%)\n",
              total.claimedAll, total.claimedFloat, total.claimedFloatPassed, rate(total));
  std::printf("node suite: %d of %d float32 cases of claimed ops pass (%.1f %%)\n", node.claimedFloatPassed,
              node.claimedFloat, rate(node));
  EXPECT_GE(rate(node), 95.0);
  EXPECT_EQ(total.outcome[static_cast<int>(Outcome::Failed)], 0);
}

}  // namespace eqw::onnxtest
