// ncnn .table reading and writing (eqw/table.h).
#include <eqw/table.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "io/table/table_layers.h"

namespace eqw {

namespace {

std::string at(const std::string& path, int line) { return path + ":" + std::to_string(line) + ": "; }

Status parseError(const std::string& path, int line, const std::string& what) {
  return Status(StatusCode::ParseError, at(path, line) + what);
}

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// strtof-style parse that accepts "nan" and "inf" (so lint can name them) and nothing else.
bool parseFloat(const std::string& text, float& v) {
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  return ec == std::errc() && p == end;
}

std::string formatFloat(float v) {
  char buf[32];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, p) : std::to_string(v);
}

std::string describeScale(float v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return formatFloat(v);
}

const char kWeightSuffix[] = "_param_0";

bool isWeightKey(const std::string& key, std::string* layer) {
  const size_t n = sizeof kWeightSuffix - 1;
  if (key.size() <= n || key.compare(key.size() - n, n, kWeightSuffix) != 0) return false;
  *layer = key.substr(0, key.size() - n);
  return true;
}

}  // namespace

Result<std::vector<TableLine>> parseNcnnTable(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(StatusCode::IoError, "cannot read scale table " + path);
  std::vector<TableLine> lines;
  std::map<std::string, int> seen;
  std::string text;
  for (int number = 1; std::getline(in, text); ++number) {
    std::vector<std::string> w = words(text);
    if (w.empty()) continue;
    TableLine line;
    line.line = number;
    line.key = w[0];
    if (w.size() == 1) return parseError(path, number, "'" + line.key + "' has no scales");
    for (size_t k = 1; k < w.size(); ++k) {
      float v = 0.f;
      if (!parseFloat(w[k], v)) return parseError(path, number, "scale '" + w[k] + "' of '" + line.key + "' is not a number");
      if (!std::isfinite(v) || v <= 0.f)
        return parseError(path, number, "scale " + std::to_string(k - 1) + " of '" + line.key + "' is " + describeScale(v) +
                                            " (scales must be finite and > 0)");
      line.values.push_back(v);
    }
    auto [it, fresh] = seen.emplace(line.key, number);
    if (!fresh) return parseError(path, number, "'" + line.key + "' was already given on line " + std::to_string(it->second));
    lines.push_back(std::move(line));
  }
  if (in.bad()) return Status(StatusCode::IoError, "error reading scale table " + path);
  return lines;
}

Result<std::vector<TableLine>> ncnnTableLines(const Graph& graph, const QuantSpec& spec, const NcnnTableOptions& options,
                                              Diagnostics* diags) {
  EQW_RETURN_IF_ERROR(validateSpec(graph, spec));
  std::vector<TableLine> weights, activations;
  for (size_t id = 0; id < graph.nodes.size(); ++id) {
    const Node& node = graph.nodes[id];
    if (!isQuantizable(node)) continue;
    const LayerQuant* lq = spec.find(node.name);
    const Precision precision = lq ? lq->precision : Precision::Fp32;
    if (diags && lq && table::widenedByWinograd(node, *lq, options))
      diags->push_back({Severity::Warning,
                        "layer '" + node.name + "': its " + std::to_string(effectiveWeightBits(*lq)) +
                            "-bit weights are written on ncnn's 6-bit Winograd grid (31 / T), which is what ncnn runs; "
                            "the spec evaluated them on the wider grid (calibrate with the Winograd rule on to see ncnn's)",
                        static_cast<int>(id)});
    // An FP32 layer still gets its weight line (from the weights' absmax when the spec has none).
    std::vector<float> thresholds =
        lq && !lq->weight_thresholds.empty() ? lq->weight_thresholds : table::weightAbsMax(node, Granularity::PerChannel);
    auto perEntry = table::ncnnWeightThresholds(node, thresholds);
    if (!perEntry) return perEntry.status();
    const int wq = table::ncnnWeightQmax(node, precision, lq ? effectiveWeightBits(*lq) : 0, options);
    TableLine w;
    w.key = node.name + kWeightSuffix;
    for (float t : *perEntry) w.values.push_back(static_cast<float>(wq / static_cast<double>(t)));
    weights.push_back(std::move(w));
    if (activationBits(precision) > 0) {
      TableLine a;
      a.key = node.name;
      a.values = {static_cast<float>(qmax(activationBits(precision)) / static_cast<double>(lq->input.value))};
      activations.push_back(std::move(a));
    }
  }
  weights.insert(weights.end(), activations.begin(), activations.end());
  for (size_t k = 0; k < weights.size(); ++k) weights[k].line = static_cast<int>(k + 1);
  return weights;
}

Status writeNcnnTable(const Graph& graph, const QuantSpec& spec, const std::string& path, const NcnnTableOptions& options,
                      Diagnostics* diags) {
  auto lines = ncnnTableLines(graph, spec, options, diags);
  if (!lines) return lines.status();
  std::string text;
  for (const TableLine& l : *lines) {
    text += l.key;
    for (float v : l.values) text += " " + formatFloat(v);
    text += "\n";
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status(StatusCode::IoError, "cannot write scale table " + path + " (cannot create " + tmp + ")");
    out << text;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      return Status(StatusCode::IoError, "error writing scale table " + tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status(StatusCode::IoError, "cannot write scale table " + path + " (rename from " + tmp + " failed)");
  }
  return Status::ok();
}

Result<QuantSpec> readNcnnTable(const Graph& graph, const std::string& path, int bits, const NcnnTableOptions& options,
                                Diagnostics* diags) {
  if (bits != 8 && bits != 7) return Status(StatusCode::InvalidArgument, "a scale table is read as 8 or 7 bits, not " + std::to_string(bits));
  auto lines = parseNcnnTable(path);
  if (!lines) return lines.status();
  auto warn = [&](const std::string& message, int node) {
    if (diags) diags->push_back({Severity::Warning, message, node});
  };
  std::map<std::string, const TableLine*> weightLines, inputLines;
  for (const TableLine& l : *lines) {
    std::string layer;
    const bool isWeight = isWeightKey(l.key, &layer);
    if (!isWeight) layer = l.key;
    const int id = graph.findNode(layer);
    if (id < 0) {
      warn(at(path, l.line) + "'" + l.key + "' names no layer of the model (ignored)", -1);
      continue;
    }
    if (!isQuantizable(graph.nodes[static_cast<size_t>(id)])) {
      warn(at(path, l.line) + "layer '" + layer + "' (" + toString(graph.nodes[static_cast<size_t>(id)].kind) +
               ") is not quantized by ncnn (ignored)", id);
      continue;
    }
    if (!isWeight && l.values.size() != 1)
      return parseError(path, l.line, "activation line '" + l.key + "' has " + std::to_string(l.values.size()) + " scales, not 1");
    (isWeight ? weightLines : inputLines)[layer] = &l;
  }

  QuantSpec spec;
  const Precision quantized = bits == 8 ? Precision::Int8 : Precision::Int7;
  for (size_t id = 0; id < graph.nodes.size(); ++id) {
    const Node& node = graph.nodes[id];
    if (!isQuantizable(node)) continue;
    LayerQuant lq;
    lq.layer = node.name;
    lq.precision = Precision::Fp32;
    auto w = weightLines.find(node.name);
    auto a = inputLines.find(node.name);
    if (w == weightLines.end()) {
      warn(path + ": layer '" + node.name + "' has no weight line: ncnn2int8 stops quantizing at it; kept in FP32",
           static_cast<int>(id));
      spec.layers.push_back(std::move(lq));
      continue;
    }
    const int64_t want = table::ncnnWeightCount(node);
    if (static_cast<int64_t>(w->second->values.size()) != want)
      return parseError(path, w->second->line, "'" + w->second->key + "' has " + std::to_string(w->second->values.size()) +
                                                   " scales; layer '" + node.name + "' needs " + std::to_string(want));
    if (a != inputLines.end()) lq.precision = quantized;
    // The width the writer used: ncnn's 6-bit Winograd layers come back with weight_bits 6.
    lq.weight_bits = ncnnWeightBits(node, lq.precision, options.winograd_6bit);
    const int wq = table::ncnnWeightQmax(node, lq.precision, effectiveWeightBits(lq), options);
    lq.weight_granularity = table::ncnnGranularity(node);
    for (float s : w->second->values) lq.weight_thresholds.push_back(static_cast<float>(wq / static_cast<double>(s)));
    lq.weight_method = "table";
    if (a != inputLines.end()) lq.input = {static_cast<float>(qmax(bits) / static_cast<double>(a->second->values[0])), "table"};
    spec.layers.push_back(std::move(lq));
  }
  return spec;
}

}  // namespace eqw
