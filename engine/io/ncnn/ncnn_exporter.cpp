// exportNcnn: walks the graph in node order, turns each node into an ncnn layer line
// (ncnn_export_layers.cpp / ncnn_export_shape.cpp), fans out values read more than once with a
// Split (ncnn gives every blob one consumer), and writes .param text and .bin weights.
#include <eqw/export.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <new>
#include <set>
#include <sstream>

#include "io/ncnn/ncnn_exporter.h"

namespace eqw {

namespace {

// ncnn reads names as whitespace-separated tokens.
std::string tokenName(const std::string& name, const std::string& fallback) {
  if (name.empty()) return fallback;
  std::string s = name;
  for (char& c : s)
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') c = '_';
  return s;
}

struct Line {
  std::string type, name;
  std::vector<std::string> inputs, outputs;
  std::string params;
};

class Writer {
 public:
  explicit Writer(const Graph& g) : g_(g) {}
  Status build(std::ofstream& bin, const std::string& binPath);
  std::string paramText() const;

 private:
  Status prepareNames();
  Status inputLayer(int value, const std::string& name);
  void produced(int value);
  std::string take(int value);
  Status writeWeights(std::ofstream& bin, const std::string& binPath, const ncnn::LayerOut& layer, const std::string& where);

  const Graph& g_;
  std::vector<std::string> blob_;        // sanitized name per value id
  std::vector<int> uses_;                // consumer slots (+1 for a graph output)
  std::vector<std::vector<std::string>> feeds_;  // per value: the blob names its readers take, in order
  std::vector<size_t> next_;
  std::vector<Line> lines_;
  int blobCount_ = 0;
  int splitCount_ = 0;
};

Status Writer::prepareNames() {
  const size_t n = g_.values.size();
  blob_.resize(n);
  uses_.assign(n, 0);
  feeds_.assign(n, {});
  next_.assign(n, 0);
  std::set<std::string> seen;
  for (size_t v = 0; v < n; ++v) {
    blob_[v] = tokenName(g_.values[v].name, "blob_" + std::to_string(v));
    if (!seen.insert(blob_[v]).second)
      return invalidArgument("blob name '" + blob_[v] + "' (value " + std::to_string(v) + ") is not unique once whitespace becomes '_'");
  }
  for (const Node& node : g_.nodes)
    for (int v : node.inputs) {
      if (v < 0 || static_cast<size_t>(v) >= n) return invalidArgument("node '" + node.name + "' reads value id " + std::to_string(v) + ", out of range");
      ++uses_[v];
    }
  for (int v : g_.outputs)
    if (v >= 0 && static_cast<size_t>(v) < n) ++uses_[v];
  return Status::ok();
}

// After value v is produced: one reader reads it directly; several get a Split, like
// onnx2ncnn's `splitncnn_N` with blobs `<name>_splitncnn_<k>`.
void Writer::produced(int v) {
  ++blobCount_;
  if (uses_[v] <= 1) {
    feeds_[v] = {blob_[v]};
    return;
  }
  Line split{"Split", "splitncnn_" + std::to_string(splitCount_++), {blob_[v]}, {}, ""};
  for (int k = 0; k < uses_[v]; ++k) split.outputs.push_back(blob_[v] + "_splitncnn_" + std::to_string(k));
  blobCount_ += uses_[v];
  feeds_[v] = split.outputs;
  lines_.push_back(std::move(split));
}

std::string Writer::take(int v) {
  const std::vector<std::string>& f = feeds_[v];
  if (f.empty()) return blob_[v];
  return f[std::min(next_[v]++, f.size() - 1)];
}

// Input 0=w 1=h 11=d 2=c from our [1, (c, (d,)) (h,) w] shape.
Status Writer::inputLayer(int v, const std::string& name) {
  const Shape& s = g_.values[v].shape;
  const int r = static_cast<int>(s.size());
  ncnn::ParamText p;
  if (r > 0) {
    if (r < 2 || r > 5 || s[0] != 1) return unsupported("input '" + blob_[v] + "' shape " + toString(s) + " has no ncnn Input form (batch 1, 1 to 4 dims)");
    p.i(0, s[r - 1]);
    if (r >= 3) p.i(1, s[r - 2]);
    if (r == 5) p.i(11, s[2]);
    if (r >= 4) p.i(2, s[1]);
  }
  if (!p.ok()) return invalidArgument("input '" + blob_[v] + "': " + p.bad());
  lines_.push_back(Line{"Input", name, {}, {blob_[v]}, p.text()});
  produced(v);
  return Status::ok();
}

Status Writer::writeWeights(std::ofstream& bin, const std::string& binPath, const ncnn::LayerOut& layer, const std::string& where) {
  for (const ncnn::WeightOut& w : layer.weights) {
    if (w.count > 0 && !w.data) return internalError(where + "weight without data");
    if (w.tagged) {
      const uint32_t tag = 0;  // float32, as ncnn's caffe2ncnn writes it
      bin.write(reinterpret_cast<const char*>(&tag), sizeof tag);
    }
    bin.write(reinterpret_cast<const char*>(w.data), static_cast<std::streamsize>(w.count * sizeof(float)));
    if (!bin) return ioError(binPath + ": write failed while writing the weights of " + where);
  }
  return Status::ok();
}

Status Writer::build(std::ofstream& bin, const std::string& binPath) {
  EQW_RETURN_IF_ERROR(prepareNames());
  for (int v : g_.inputs)
    if (v >= 0 && static_cast<size_t>(v) < g_.values.size() && g_.values[v].producer < 0) EQW_RETURN_IF_ERROR(inputLayer(v, blob_[v]));
  for (size_t i = 0; i < g_.nodes.size(); ++i) {
    const Node& node = g_.nodes[i];
    const std::string name = tokenName(node.name, std::string(toString(node.kind)) + "_" + std::to_string(i));
    const std::string where = "node '" + name + "' (" + toString(node.kind) + "): ";
    if (node.kind == OpKind::Input) {
      if (node.outputs.size() != 1) return invalidArgument(where + "an Input node needs exactly one output");
      Status s = inputLayer(node.outputs[0], name);
      if (!s.isOk()) return Status(s.code(), where + s.message());
      continue;
    }
    ncnn::LayerOut layer;
    Status s = ncnn::exportLayer(g_, node, &layer);
    if (!s.isOk()) return Status(s.code(), where + s.message());
    if (!layer.params.ok()) return invalidArgument(where + layer.params.bad());
    Line line{layer.type, name, {}, {}, layer.params.text()};
    for (int v : node.inputs) line.inputs.push_back(take(v));
    for (int v : node.outputs) {
      if (v < 0 || static_cast<size_t>(v) >= g_.values.size()) return invalidArgument(where + "output value id out of range");
      line.outputs.push_back(blob_[v]);
    }
    EQW_RETURN_IF_ERROR(writeWeights(bin, binPath, layer, where));
    lines_.push_back(std::move(line));
    for (int v : node.outputs) produced(v);
  }
  return Status::ok();
}

std::string Writer::paramText() const {
  std::ostringstream out;
  out << "7767517\n" << lines_.size() << " " << blobCount_ << "\n";
  for (const Line& l : lines_) {
    out << l.type << " " << l.name << " " << l.inputs.size() << " " << l.outputs.size();
    for (const std::string& b : l.inputs) out << " " << b;
    for (const std::string& b : l.outputs) out << " " << b;
    out << l.params << "\n";
  }
  return out.str();
}

}  // namespace

Status exportNcnn(const Graph& graph, const std::string& paramPath, const std::string& binPath) {
  try {
    std::ofstream bin(binPath, std::ios::binary | std::ios::trunc);
    if (!bin) return ioError(binPath + ": cannot open for writing");
    Writer writer(graph);
    EQW_RETURN_IF_ERROR(writer.build(bin, binPath).withContext(graph.name.empty() ? "ncnn export" : "ncnn export of " + graph.name));
    bin.close();
    if (!bin) return ioError(binPath + ": write failed on close");
    std::ofstream param(paramPath, std::ios::binary | std::ios::trunc);
    if (!param) return ioError(paramPath + ": cannot open for writing");
    param << writer.paramText();
    param.close();
    if (!param) return ioError(paramPath + ": write failed");
  } catch (const std::bad_alloc&) {
    return internalError("ncnn export to " + paramPath + ": out of memory");
  } catch (const std::length_error&) {
    return internalError("ncnn export to " + paramPath + ": out of memory");
  }
  return Status::ok();
}

}  // namespace eqw
