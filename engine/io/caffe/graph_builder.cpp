#include "io/caffe/graph_builder.h"

#include <new>
#include <stdexcept>

#include "io/caffe/blob_util.h"
#include "io/progressive_shapes.h"
#include "io/ncnn/unit_variance.h"

namespace eqw::caffe {

namespace {

constexpr int64_t kMaxInputDim = 1 << 16;
constexpr int64_t kMaxGeneratedValues = int64_t{1} << 28;

std::string shapesOf(const std::vector<BlobNeed>& blobs) {
  std::string s;
  for (const BlobNeed& b : blobs) s += (s.empty() ? "" : ", ") + b.what + " " + toString(b.shape);
  return s;
}

// Caffe's NetStateRule against the inference state: phase TEST, level 0, no stages.
bool ruleMet(const caffepb::NetStateRule& r) {
  if (r.has_phase() && r.phase() != caffepb::TEST) return false;
  if (r.has_min_level() && r.min_level() > 0) return false;
  if (r.has_max_level() && r.max_level() < 0) return false;
  return r.stage_size() == 0;  // we run with no stages; not_stage rules are always met
}

}  // namespace

GraphBuilder::GraphBuilder(std::string path, const ImportOptions& options, const caffepb::NetParameter* weights, std::string weightsPath,
                           std::vector<int> layerLines, Diagnostics* diags)
    : path_(std::move(path)),
      options_(options),
      weights_(weights),
      weightsPath_(std::move(weightsPath)),
      lines_(std::move(layerLines)),
      diags_(diags) {
  if (weights_)
    for (const caffepb::LayerParameter& l : weights_->layer()) blobsByLayer_.emplace(l.name(), &l);
}

void GraphBuilder::note(Severity s, const std::string& message, int node) {
  if (diags_) diags_->push_back(Diagnostic{s, message, node});
}

std::string GraphBuilder::where(int index, const caffepb::LayerParameter& l) const {
  const int line = index >= 0 && index < static_cast<int>(lines_.size()) ? lines_[index] : 0;
  return path_ + (line > 0 ? ":" + std::to_string(line) : "") + ": layer '" + l.name() + "' (" + l.type() + "): ";
}

// Caffe: with include rules, the layer runs when any is met; otherwise unless an exclude rule is.
bool GraphBuilder::included(const caffepb::LayerParameter& l) const {
  if (l.include_size() > 0) {
    for (const auto& r : l.include())
      if (ruleMet(r)) return true;
    return false;
  }
  for (const auto& r : l.exclude())
    if (ruleMet(r)) return false;
  return true;
}

void GraphBuilder::planWrites(const caffepb::NetParameter& net) {
  for (const std::string& name : net.input()) ++writesLeft_[name];
  for (const caffepb::LayerParameter& l : net.layer()) {
    if (!included(l) || isTrainingOnlyType(l.type())) continue;
    for (const std::string& top : l.top()) ++writesLeft_[top];
  }
}

std::string GraphBuilder::uniqueName(const std::string& base) const {
  if (graph_.findValue(base) < 0) return base;
  for (int i = 1;; ++i) {
    std::string name = base + "#" + std::to_string(i);
    if (graph_.findValue(name) < 0) return name;
  }
}

// A new value for a write of `blob`; see the SSA rule in the header.
int GraphBuilder::newValue(const std::string& blob, const std::string& writer) {
  int& left = writesLeft_[blob];
  const bool last = left <= 1;
  if (left > 0) --left;
  const std::string name = uniqueName(last ? blob : blob + "@" + writer);
  const int id = graph_.addValue(name);
  inferred_.emplace_back();
  consumed_.push_back(false);
  current_[blob] = id;
  return id;
}

Status GraphBuilder::addInput(const std::string& name, Shape shape, const std::string& origin) {
  if (graph_.inputs.empty() && !options_.input_shape.empty()) shape = options_.input_shape;
  if (shape.empty())
    return parseError(origin + "input '" + name + "' has no shape in the file and none was given in the import options");
  for (int64_t d : shape)
    if (d <= 0 || d > kMaxInputDim)
      return parseError(origin + "input '" + name + "' shape " + toString(shape) + " has a dim outside 1.." + std::to_string(kMaxInputDim));
  if (shape[0] != 1) {
    note(Severity::Info, origin + "input '" + name + "' batch " + std::to_string(shape[0]) + " is read as 1 (the engine runs batch 1)");
    shape[0] = 1;
  }
  if (current_.count(name)) return parseError(origin + "input '" + name + "' is declared twice");
  Node node;
  node.name = name;
  node.source_type = "Input";
  node.kind = OpKind::Input;
  node.params = InputParams{};
  const int id = newValue(name, name);
  graph_.values[id].shape = shape;
  inferred_[id] = shape;
  node.outputs = {id};
  graph_.addNode(std::move(node));
  graph_.inputs.push_back(id);
  return Status::ok();
}

// `input:` with `input_shape` (one per input) or `input_dim` (four per input).
Status GraphBuilder::addNetInputs(const caffepb::NetParameter& net) {
  const int n = net.input_size();
  if (n == 0) return Status::ok();
  const std::string origin = path_ + ": ";
  if (net.input_shape_size() > 0 && net.input_shape_size() != n)
    return parseError(origin + std::to_string(net.input_shape_size()) + " input_shape entries for " + std::to_string(n) + " inputs");
  if (net.input_dim_size() > 0 && net.input_dim_size() != 4 * n)
    return parseError(origin + std::to_string(net.input_dim_size()) + " input_dim values for " + std::to_string(n) + " inputs (4 each)");
  for (int i = 0; i < n; ++i) {
    Shape shape;
    if (net.input_shape_size() > 0) shape.assign(net.input_shape(i).dim().begin(), net.input_shape(i).dim().end());
    else if (net.input_dim_size() > 0) shape.assign(net.input_dim().begin() + 4 * i, net.input_dim().begin() + 4 * i + 4);
    EQW_RETURN_IF_ERROR(addInput(net.input(i), shape, origin));
  }
  return Status::ok();
}

// An Input layer: one shape per top, or one shape for all.
Status GraphBuilder::addInputLayer(int index, const caffepb::LayerParameter& l) {
  const auto& shapes = l.input_param().shape();
  if (shapes.size() > 1 && shapes.size() != l.top_size())
    return parseError(where(index, l) + std::to_string(shapes.size()) + " shapes for " + std::to_string(l.top_size()) + " tops");
  if (l.top_size() == 0) return parseError(where(index, l) + "an Input layer needs a top");
  for (int i = 0; i < l.top_size(); ++i) {
    Shape shape;
    if (!shapes.empty()) {
      const auto& s = shapes.size() == 1 ? shapes[0] : shapes[i];
      shape.assign(s.dim().begin(), s.dim().end());
    }
    EQW_RETURN_IF_ERROR(addInput(l.top(i), shape, where(index, l)));
  }
  return Status::ok();
}

// Data layers read a database at training time. With an input shape in the import options the
// first one's first top becomes the graph input; otherwise it is skipped (and a layer reading
// its top fails, naming it).
Status GraphBuilder::addDataLayer(int index, const caffepb::LayerParameter& l) {
  if (!options_.input_shape.empty() && graph_.inputs.empty() && l.top_size() > 0) {
    note(Severity::Info, where(index, l) + "data layer read as the graph input '" + l.top(0) + "' with the shape from the import options");
    EQW_RETURN_IF_ERROR(addInput(l.top(0), options_.input_shape, where(index, l)));
    for (int i = 1; i < l.top_size(); ++i) skipped_[l.top(i)] = l.name();
    return Status::ok();
  }
  note(Severity::Info, where(index, l) + "data layer skipped (it loads training data)");
  for (const std::string& top : l.top()) skipped_[top] = l.name();
  return Status::ok();
}

Status GraphBuilder::resolveBottoms(int index, const caffepb::LayerParameter& l, std::vector<int>* ids, MapContext* ctx) const {
  for (const std::string& name : l.bottom()) {
    auto it = current_.find(name);
    if (it == current_.end()) {
      auto s = skipped_.find(name);
      std::string why = s == skipped_.end() ? "" : " (it comes from the skipped layer '" + s->second + "')";
      return parseError(where(index, l) + "bottom '" + name + "' is not produced by any earlier layer" + why);
    }
    ids->push_back(it->second);
    ctx->input_shapes.push_back(inferred_[it->second]);
  }
  return Status::ok();
}

Status GraphBuilder::loadWeights(int index, const caffepb::LayerParameter& l, MappedLayer* m) {
  const std::string at = where(index, l);
  if (!weights_) {
    for (const Node& n : m->nodes)
      for (const Tensor& t : n.weights)
        if (t.numel() > kMaxGeneratedValues)
          return parseError(at + toString(t.shape()) + " weights are too large to generate (limit " + std::to_string(kMaxGeneratedValues) + " values)");
    for (Node& n : m->nodes) generateWeights(n, options_.generate_seed);
    return Status::ok();
  }
  auto it = blobsByLayer_.find(l.name());
  const int have = it == blobsByLayer_.end() ? 0 : it->second->blobs_size();
  if (it != blobsByLayer_.end()) ++usedWeightLayers_;
  if (m->blobs.empty()) {
    if (have > 0) note(Severity::Warning, at + std::to_string(have) + " blob(s) in " + weightsPath_ + " ignored: the layer has no weights");
    return Status::ok();
  }
  if (it == blobsByLayer_.end())
    return parseError(at + weightsPath_ + " has no layer of this name; it needs " + std::to_string(m->blobs.size()) + " blob(s): " + shapesOf(m->blobs));
  if (have != static_cast<int>(m->blobs.size()))
    return parseError(at + weightsPath_ + " holds " + std::to_string(have) + " blob(s) for it, expected " + std::to_string(m->blobs.size()) + ": " +
                      shapesOf(m->blobs));
  std::vector<Tensor> blobs;
  for (int i = 0; i < have; ++i) {
    const BlobNeed& need = m->blobs[i];
    const std::string what = at + "blob " + std::to_string(i) + " (" + need.what + ")";
    const Shape actual = blobShape(it->second->blobs(i));
    if (!sameBlobShape(actual, need.shape))
      return shapeError(what + ": expected shape " + toString(need.shape) + ", " + weightsPath_ + " has " + toString(actual));
    Result<Tensor> t = blobTensor(it->second->blobs(i), what + " in " + weightsPath_);
    if (!t) return t.status();
    blobs.push_back(*t);
  }
  if (m->assign) {
    m->assign(blobs, *m);
  } else {
    Node& n = m->nodes[0];
    for (size_t i = 0; i < blobs.size() && i < n.weights.size(); ++i) n.weights[i] = blobs[i].reshaped(n.weights[i].shape());
  }
  return Status::ok();
}

void GraphBuilder::inferProgressively(const Node& node) { inferShapesSoFar(node, inferred_); }

Status GraphBuilder::addLayer(int index, const caffepb::LayerParameter& l) {
  if (l.name().empty()) return parseError(where(index, l) + "the layer has no name");
  std::vector<int> inputs;
  MapContext ctx;
  EQW_RETURN_IF_ERROR(resolveBottoms(index, l, &inputs, &ctx));
  MappedLayer m;
  Status s;
  try {
    s = mapLayer(l, ctx, &m);
  } catch (const std::bad_alloc&) {
    s = internalError("out of memory allocating its weights");
  } catch (const std::length_error&) {
    s = internalError("out of memory allocating its weights");
  }
  if (!s.isOk()) return Status(s.code(), where(index, l) + s.message());
  try {
    EQW_RETURN_IF_ERROR(loadWeights(index, l, &m));
  } catch (const std::bad_alloc&) {
    return internalError(where(index, l) + "out of memory allocating its weights");
  } catch (const std::length_error&) {
    return internalError(where(index, l) + "out of memory allocating its weights");
  }
  for (int v : inputs) consumed_[v] = true;
  int previous = -1;  // output of the chain's previous node
  for (size_t k = 0; k < m.nodes.size(); ++k) {
    Node& node = m.nodes[k];
    node.inputs = k == 0 ? inputs : std::vector<int>{previous};
    if (k + 1 < m.nodes.size()) {
      previous = graph_.addValue(uniqueName(node.name + "/out"));
      inferred_.emplace_back();
      consumed_.push_back(true);
      node.outputs = {previous};
    } else {
      for (const std::string& top : l.top()) node.outputs.push_back(newValue(top, l.name()));
    }
    inferProgressively(node);
    graph_.addNode(std::move(node));
  }
  return Status::ok();
}

Result<Graph> GraphBuilder::build(const caffepb::NetParameter& net) {
  planWrites(net);
  EQW_RETURN_IF_ERROR(addNetInputs(net));
  for (int i = 0; i < net.layer_size(); ++i) {
    const caffepb::LayerParameter& l = net.layer(i);
    if (!included(l)) continue;  // e.g. include { phase: TRAIN }
    if (isTrainingOnlyType(l.type())) {
      note(Severity::Info, where(i, l) + "skipped: training-only layer");
      for (const std::string& top : l.top()) skipped_[top] = l.name();
      continue;
    }
    if (l.type() == "Input") EQW_RETURN_IF_ERROR(addInputLayer(i, l));
    else if (isDataType(l.type())) EQW_RETURN_IF_ERROR(addDataLayer(i, l));
    else EQW_RETURN_IF_ERROR(addLayer(i, l));
  }
  if (graph_.inputs.empty())
    return parseError(path_ + ": the net has no input (no `input:` field, Input layer, or import-options input shape with a data layer)");
  if (graph_.nodes.size() == graph_.inputs.size()) return parseError(path_ + ": the net has no layers besides its inputs");
  for (size_t v = 0; v < graph_.values.size(); ++v)
    if (!consumed_[v]) graph_.outputs.push_back(static_cast<int>(v));
  if (weights_) {
    const int unused = weights_->layer_size() - usedWeightLayers_;
    if (unused > 0) note(Severity::Info, weightsPath_ + ": " + std::to_string(unused) + " layer(s) are not in the prototxt and were ignored");
  } else {
    std::string how = "He-scaled, then rescaled layer by layer to unit output RMS";
    Status s = ncnn::normalizeGeneratedWeights(graph_, options_.generate_seed);
    if (!s.isOk()) {
      how = "He-scaled";
      note(Severity::Warning, path_ + ": generated weights kept their He scaling; unit-RMS rescaling stopped: " + s.message());
    }
    note(Severity::Info, path_ + ": no caffemodel; weights were generated (seed " + std::to_string(options_.generate_seed) + ", " + how + ")");
  }
  return std::move(graph_);
}

}  // namespace eqw::caffe
