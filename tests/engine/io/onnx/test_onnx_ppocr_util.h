// Shared by the PP-OCR tests (ONNX Runtime comparison, ncnn round trip): running the fetch
// scripts in tests/tools (exit 77 = skip), raw float32 files, ONNX Runtime through ort_run.js,
// and PaddleOCR's input preprocessing.
#pragma once

#include <eqw/graph.h>
#include <eqw/tensor.h>

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace eqw::ppocr {

// The CTest / automake skip code the fetch scripts use when npm cannot reach its registry.
constexpr int kSkipExitCode = 77;

struct CommandResult {
  int exit_code = -1;            // the command's exit status; -1 when it did not run or was killed
  std::string out;               // stdout
  std::string err;               // stderr
};
CommandResult runCommand(const std::string& command);

// What a fetch produced. skip: the script's own message when it exited 77; error: any other failure.
struct Fetched {
  std::string skip, error;
  std::string det, rec, cls, keys;  // model paths and rec's dictionary (ppocr_keys_v1.txt)
  std::string ort_prefix;           // onnxruntime-node install prefix (when asked for)
};
Fetched fetchModels(bool withOnnxRuntime);

// A scratch folder for this process, created on first use and removed at exit.
std::string scratchDir();

bool writeFloats(const std::string& path, const float* data, size_t count);
bool readFloats(const std::string& path, std::vector<float>& values);

// ONNX Runtime's first output of `model` on the raw input file (shape dims), through ort_run.js.
struct OrtOutput {
  std::string error;             // empty when it ran
  Shape dims;
  std::vector<float> values;
  double ms = 0;                 // wall time of the node process, including session creation
};
OrtOutput runOnnxRuntime(const std::string& prefix, const std::string& model, const std::string& input, const Shape& dims);

// max_i |a_i - b_i| and that divided by max(max_i |b_i|, 1e-6) (b is the oracle).
struct Difference {
  double max_abs = 0, max_ref = 0, relative = 0;
};
Difference compare(const float* a, const std::vector<float>& b);

// PaddleOCR det preprocessing at a fixed size: resize a BGR photo to size x size, then per channel
// (x / 255 - mean) / std with ImageNet's mean/std applied in PaddleOCR's order (its images stay BGR).
Tensor detInput(const cv::Mat& bgr, int size);
// PaddleOCR rec / cls preprocessing: resize to height h keeping the aspect ratio (width at most w),
// (x / 255 - 0.5) / 0.5, and pad the right with 0 up to width w.
Tensor lineInput(const cv::Mat& bgr, int h, int w);
// A black-on-white text line rendered with an OpenCV Hershey font.
cv::Mat renderLine(const std::string& text, int font);

}  // namespace eqw::ppocr
