#include "io/ncnn/param_parser.h"

#include <sstream>

namespace eqw::ncnn {

namespace {

// Caps that keep a hostile header from driving the parser into absurd work; the largest real
// networks have a few thousand layers.
constexpr long long kMaxLayers = 1'000'000;
constexpr long long kMaxBlobsPerLayer = 65'536;

std::vector<std::string> tokens(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  std::string t;
  while (in >> t) out.push_back(t);
  return out;
}

// Splits on '\n' and strips a trailing '\r' so Windows-edited files read the same.
std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(std::move(line));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

Status parseCount(const std::string& tok, const char* what, long long max, int* out, const std::string& where) {
  long long v = 0;
  if (!parseIntToken(tok, &v)) return parseError(where + what + " '" + tok + "' is not an integer");
  if (v < 0 || v > max)
    return parseError(where + what + " " + tok + " is out of range (0.." + std::to_string(max) + ")");
  *out = static_cast<int>(v);
  return Status::ok();
}

Status parseLayer(const std::vector<std::string>& t, const std::string& where, LayerDecl* layer) {
  if (t.size() < 4)
    return parseError(where + "truncated layer line: expected 'Type name n_inputs n_outputs ...', got " +
                      std::to_string(t.size()) + " token(s)");
  layer->type = t[0];
  layer->name = t[1];
  const std::string ctx = where + "layer '" + t[1] + "' (" + t[0] + "): ";
  int nIn = 0, nOut = 0;
  EQW_RETURN_IF_ERROR(parseCount(t[2], "input count", kMaxBlobsPerLayer, &nIn, ctx));
  EQW_RETURN_IF_ERROR(parseCount(t[3], "output count", kMaxBlobsPerLayer, &nOut, ctx));
  if (nOut == 0) return parseError(ctx + "a layer must produce at least one blob (output count 0)");
  const size_t need = 4 + static_cast<size_t>(nIn) + static_cast<size_t>(nOut);
  if (t.size() < need)
    return parseError(ctx + "truncated line: " + std::to_string(nIn) + " input and " + std::to_string(nOut) +
                      " output blob names declared, only " + std::to_string(t.size() - 4) + " token(s) follow");
  for (size_t i = 4; i < need; ++i) {
    if (t[i].find('=') != std::string::npos)
      return parseError(ctx + "blob name expected, got parameter '" + t[i] + "' (too few blob names for the declared counts)");
    (i < 4 + static_cast<size_t>(nIn) ? layer->inputs : layer->outputs).push_back(t[i]);
  }
  for (size_t i = need; i < t.size(); ++i) {
    Status s = layer->params.parseToken(t[i]);
    if (!s.isOk()) return parseError(ctx + s.message());
  }
  return Status::ok();
}

}  // namespace

Result<ParamFile> parseParamText(const std::string& text, const std::string& label) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    return parseError(label + ":1: empty file (expected the ncnn magic " + std::to_string(kParamMagic) + ")");
  std::vector<std::string> ls = lines(text);
  std::vector<std::string> magic = tokens(ls[0]);
  if (magic.size() != 1 || magic[0] != std::to_string(kParamMagic)) {
    std::string got = ls[0].substr(0, 40);
    for (char& c : got)
      if (static_cast<unsigned char>(c) < 32 || static_cast<unsigned char>(c) > 126) c = '?';
    return parseError(label + ":1: wrong magic '" + got + "' (an ncnn .param starts with " + std::to_string(kParamMagic) +
                      "; binary .param.bin files are not supported)");
  }
  ParamFile file;
  const std::string l2 = label + ":2: ";
  if (ls.size() < 2) return parseError(l2 + "missing the 'layer_count blob_count' line");
  std::vector<std::string> counts = tokens(ls[1]);
  if (counts.size() != 2)
    return parseError(l2 + "expected 'layer_count blob_count', got " + std::to_string(counts.size()) + " token(s)");
  EQW_RETURN_IF_ERROR(parseCount(counts[0], "layer count", kMaxLayers, &file.layer_count, l2));
  EQW_RETURN_IF_ERROR(parseCount(counts[1], "blob count", kMaxLayers * 4, &file.blob_count, l2));
  if (file.layer_count == 0) return parseError(l2 + "layer count is 0");

  for (size_t i = 2; i < ls.size(); ++i) {
    std::vector<std::string> t = tokens(ls[i]);
    if (t.empty()) continue;
    const std::string where = label + ":" + std::to_string(i + 1) + ": ";
    if (static_cast<int>(file.layers.size()) == file.layer_count)
      return parseError(where + "more layer lines than the declared layer count " + std::to_string(file.layer_count));
    LayerDecl layer;
    layer.line = static_cast<int>(i + 1);
    EQW_RETURN_IF_ERROR(parseLayer(t, where, &layer));
    file.layers.push_back(std::move(layer));
  }
  if (static_cast<int>(file.layers.size()) != file.layer_count)
    return parseError(label + ":" + std::to_string(ls.size()) + ": file ends after " + std::to_string(file.layers.size()) +
                      " of the " + std::to_string(file.layer_count) + " declared layers");
  return file;
}

}  // namespace eqw::ncnn
