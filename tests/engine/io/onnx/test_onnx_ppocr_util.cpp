#include "test_onnx_ppocr_util.h"

#include <opencv2/imgproc.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace eqw::ppocr {

namespace fs = std::filesystem;

namespace {

struct ScratchRoot {
  fs::path path = fs::temp_directory_path() / ("eqw_ppocr_" + std::to_string(::getpid()));
  ScratchRoot() { fs::create_directories(path); }
  ~ScratchRoot() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// Single quotes for the shell; a quote inside becomes '\''.
std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Runs a fetch script; fills skip or error from its exit code and returns its stdout.
std::string runFetch(const std::string& script, Fetched& f) {
  CommandResult r = runCommand(quote(script));
  if (r.exit_code == kSkipExitCode) f.skip = trimmed(r.err);
  else if (r.exit_code != 0)
    f.error = script + " exited " + std::to_string(r.exit_code) + ": " + trimmed(r.err);
  return r.out;
}

}  // namespace

std::string scratchDir() {
  static ScratchRoot root;
  return root.path.string();
}

CommandResult runCommand(const std::string& command) {
  static std::atomic<int> counter{0};
  const std::string errPath = scratchDir() + "/command_" + std::to_string(counter++) + ".err";
  CommandResult r;
  FILE* pipe = ::popen((command + " 2>" + quote(errPath)).c_str(), "r");
  if (!pipe) {
    r.err = "popen failed for: " + command;
    return r;
  }
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  const int status = ::pclose(pipe);
  if (status != -1 && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  r.err = readText(errPath);
  return r;
}

Fetched fetchModels(bool withOnnxRuntime) {
  Fetched f;
  const std::string tools = std::string(EQW_SOURCE_DIR) + "/tests/tools";
  std::istringstream lines(runFetch(tools + "/fetch_ocr_models.sh", f));
  if (!f.skip.empty() || !f.error.empty()) return f;
  std::string kind, path;
  while (lines >> kind >> path) {
    if (kind == "det") f.det = path;
    if (kind == "rec") f.rec = path;
    if (kind == "cls") f.cls = path;
  }
  if (f.det.empty() || f.rec.empty() || f.cls.empty()) {
    f.error = "fetch_ocr_models.sh did not print det, rec and cls paths";
    return f;
  }
  f.keys = (fs::path(f.rec).parent_path() / "ppocr_keys_v1.txt").string();
  if (withOnnxRuntime) f.ort_prefix = trimmed(runFetch(tools + "/ort/fetch_onnxruntime.sh", f));
  return f;
}

bool writeFloats(const std::string& path, const float* data, size_t count) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(count * sizeof(float)));
  return static_cast<bool>(out);
}

bool readFloats(const std::string& path, std::vector<float>& values) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return false;
  const std::streamsize bytes = in.tellg();
  if (bytes < 0 || bytes % 4 != 0) return false;
  values.resize(static_cast<size_t>(bytes) / 4);
  in.seekg(0);
  in.read(reinterpret_cast<char*>(values.data()), bytes);
  return static_cast<bool>(in);
}

OrtOutput runOnnxRuntime(const std::string& prefix, const std::string& model, const std::string& input, const Shape& dims) {
  OrtOutput o;
  std::string dimText;
  for (int64_t d : dims) dimText += (dimText.empty() ? "" : ",") + std::to_string(d);
  const std::string output = input + ".ort.bin";
  const std::string script = std::string(EQW_SOURCE_DIR) + "/tests/tools/ort/ort_run.js";
  const std::string cmd = "NODE_PATH=" + quote(prefix + "/node_modules") + " node " + quote(script) + " " + quote(model) + " " +
                          quote(input) + " " + dimText + " " + quote(output);
  const auto start = std::chrono::steady_clock::now();
  CommandResult r = runCommand(cmd);
  o.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (r.exit_code != 0) {
    o.error = "ort_run.js exited " + std::to_string(r.exit_code) + ": " + trimmed(r.err);
    return o;
  }
  // "dims 1,2" on stdout.
  const size_t at = r.out.find("dims ");
  if (at == std::string::npos) {
    o.error = "ort_run.js printed no dims: " + r.out;
    return o;
  }
  std::istringstream ds(r.out.substr(at + 5));
  for (std::string d; std::getline(ds, d, ',');) o.dims.push_back(std::stoll(d));
  if (!readFloats(output, o.values)) o.error = "cannot read " + output;
  else if (static_cast<int64_t>(o.values.size()) != numel(o.dims))
    o.error = output + " holds " + std::to_string(o.values.size()) + " floats, dims say " + std::to_string(numel(o.dims));
  return o;
}

Difference compare(const float* a, const std::vector<float>& b) {
  Difference d;
  for (size_t i = 0; i < b.size(); ++i) {
    d.max_abs = std::max(d.max_abs, std::fabs(static_cast<double>(a[i]) - b[i]));
    d.max_ref = std::max(d.max_ref, std::fabs(static_cast<double>(b[i])));
  }
  d.relative = d.max_abs / std::max(d.max_ref, 1e-6);
  return d;
}

Tensor detInput(const cv::Mat& bgr, int size) {
  static const float mean[3] = {0.485f, 0.456f, 0.406f}, stdev[3] = {0.229f, 0.224f, 0.225f};
  cv::Mat resized;
  cv::resize(bgr, resized, cv::Size(size, size), 0, 0, cv::INTER_LINEAR);
  Tensor t({1, 3, size, size});
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < size; ++y)
      for (int x = 0; x < size; ++x) {
        const float v = resized.at<cv::Vec3b>(y, x)[c] / 255.f;
        t.f32()[(static_cast<int64_t>(c) * size + y) * size + x] = (v - mean[c]) / stdev[c];
      }
  return t;
}

Tensor lineInput(const cv::Mat& bgr, int h, int w) {
  const double ratio = static_cast<double>(bgr.cols) / bgr.rows;
  const int rw = std::min(w, static_cast<int>(std::ceil(h * ratio)));
  cv::Mat resized;
  cv::resize(bgr, resized, cv::Size(rw, h), 0, 0, cv::INTER_LINEAR);
  Tensor t({1, 3, h, w});  // zero-filled: the padding
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < rw; ++x)
        t.f32()[(static_cast<int64_t>(c) * h + y) * w + x] = (resized.at<cv::Vec3b>(y, x)[c] / 255.f - 0.5f) / 0.5f;
  return t;
}

cv::Mat renderLine(const std::string& text, int font) {
  const double scale = 1.2;
  const int thickness = 2;
  int baseline = 0;
  const cv::Size size = cv::getTextSize(text, font, scale, thickness, &baseline);
  const int margin = 8;
  cv::Mat img(size.height + baseline + 2 * margin, size.width + 2 * margin, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::putText(img, text, cv::Point(margin, margin + size.height), font, scale, cv::Scalar(0, 0, 0), thickness, cv::LINE_AA);
  return img;
}

}  // namespace eqw::ppocr
