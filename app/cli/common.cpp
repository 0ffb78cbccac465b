#include "common.h"

#include <cctype>
#include <charconv>
#include <cstdio>

#include "args.h"
#include "commands.h"

namespace eqw::cli {

const char* kModelOptionsHelp =
    "  --weights FILE       weights file (default: beside the model; generated when absent)\n"
    "  --input-shape DIMS   input shape, e.g. 1,3,224,224 (overrides the file's)\n";

int fail(const std::string& command, const std::string& message, int code) {
  std::fprintf(stderr, "eqw %s: %s\n", command.c_str(), message.c_str());
  return code;
}

Result<Shape> parseShape(const std::string& text) {
  Shape shape;
  for (const std::string& part : splitList(text)) {
    int64_t d = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), d);
    if (ec != std::errc() || p != part.data() + part.size() || d <= 0 || d > (1 << 20))
      return invalidArgument("bad dimension '" + part + "' in shape '" + text + "'");
    shape.push_back(d);
  }
  if (shape.empty()) return invalidArgument("empty shape '" + text + "'");
  return shape;
}

Result<ImportOptions> importOptionsFromArgs(const Args& args) {
  ImportOptions options;
  options.weights_path = args.get("weights", "");
  if (auto s = args.get("input-shape")) {
    auto shape = parseShape(*s);
    if (!shape) return shape.status();
    options.input_shape = *shape;
  }
  return options;
}

Result<Graph> loadModelFromArgs(const std::string& path, const Args& args) {
  auto options = importOptionsFromArgs(args);
  if (!options) return options.status();
  Diagnostics diags;
  Result<Graph> graph = loadModel(path, *options, &diags);
  for (const Diagnostic& d : diags) {
    if (d.severity == Severity::Info) continue;
    std::fprintf(stderr, "%s: %s\n", d.severity == Severity::Error ? "error" : "warning", d.message.c_str());
  }
  return graph;
}

std::string humanCount(double value) {
  const char* units[] = {"", " k", " M", " G", " T"};
  int u = 0;
  while (value >= 1000.0 && u < 4) {
    value /= 1000.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f%s" : "%.2f%s", value, units[u]);
  return buf;
}

std::string shapeText(const Shape& shape) {
  std::string s;
  size_t first = (shape.size() > 1 && shape[0] == 1) ? 1 : 0;
  for (size_t i = first; i < shape.size(); ++i) {
    if (i > first) s += "x";
    s += std::to_string(shape[i]);
  }
  return s.empty() ? "scalar" : s;
}


Result<Graph> loadCanonicalModel(const std::string& path, const Args& args, const std::string& command,
                                 CanonicalizeReport* report) {
  auto graph = loadModelFromArgs(path, args);
  if (!graph) return graph.status();
  if (graph->inputs.size() != 1)
    return invalidArgument("the model has " + std::to_string(graph->inputs.size()) + " inputs; " + command +
                           " takes models with one image input");
  auto folded = canonicalize(*graph);
  if (!folded) return folded.status();
  if (report) *report = *folded;
  return graph;
}

const char* kPreprocessHelp =
    "preprocessing (ncnn2table conventions: y = (pixel - mean) * norm):\n"
    "  --size W,H           tensor size (default: the model's input)\n"
    "  --resize-shorter N   resize the shorter side to N, then center-crop (default: exact resize)\n"
    "  --mean V[,V,V]       per-channel mean in tensor channel order (default 0)\n"
    "  --norm V[,V,V]       per-channel scale (default 1)\n"
    "  --pixel ORDER        rgb|bgr|gray (default: gray for 1-channel models, bgr otherwise)\n";

const char* const kPreprocessOptions[5] = {"size", "resize-shorter", "mean", "norm", "pixel"};

namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<Preprocess> preprocessFromArgs(const Args& args, const Shape& inputShape) {
  std::vector<std::string> tokens;
  int64_t c = inputShape.size() == 4 ? inputShape[1] : 3;
  if (auto size = args.get("size")) {
    auto parts = splitList(*size);
    if (parts.size() != 2) return invalidArgument("option '--size': expected W,H, got '" + *size + "'");
    tokens.push_back("shape=[" + parts[0] + "," + parts[1] + "]");
  } else if (inputShape.size() == 4) {
    tokens.push_back("shape=[" + std::to_string(inputShape[3]) + "," + std::to_string(inputShape[2]) + "," + std::to_string(c) + "]");
  } else {
    return invalidArgument("the model's input " + toString(inputShape) + " is not an image [1, C, H, W]");
  }
  tokens.push_back("pixel=" + upper(args.get("pixel", c == 1 ? "gray" : "bgr")));
  if (auto v = args.get("mean")) tokens.push_back("mean=[" + *v + "]");
  if (auto v = args.get("norm")) tokens.push_back("norm=[" + *v + "]");
  if (auto v = args.get("resize-shorter")) tokens.push_back("resize_shorter=" + *v);
  return parsePreprocess(tokens);
}

}  // namespace eqw::cli
