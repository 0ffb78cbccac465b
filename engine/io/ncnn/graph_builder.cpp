#include "io/ncnn/graph_builder.h"

#include "io/ncnn/unit_variance.h"
#include "io/progressive_shapes.h"

#include <new>
#include <stdexcept>

namespace eqw::ncnn {

namespace {

// Generated weights are capped per tensor (1 GiB of float32): vgg16's fc6, the largest tensor
// among the benchmark models, has 103 M values.
constexpr int64_t kMaxGeneratedValues = int64_t{1} << 28;
constexpr int kMaxInputDim = 1 << 16;

}  // namespace

GraphBuilder::GraphBuilder(std::string label, const ImportOptions& options, ModelBin* bin, Diagnostics* diags)
    : label_(std::move(label)), options_(options), bin_(bin), diags_(diags) {}

std::string GraphBuilder::where(const LayerDecl& d) const {
  return label_ + ":" + std::to_string(d.line) + ": layer '" + d.name + "' (" + d.type + "): ";
}

void GraphBuilder::note(Severity s, const std::string& message, int node) {
  if (diags_) diags_->push_back(Diagnostic{s, message, node});
}

Status GraphBuilder::resolveInputs(const LayerDecl& d, std::vector<int>* ids, MapContext* ctx) {
  for (const std::string& name : d.inputs) {
    auto it = blobs_.find(name);
    if (it == blobs_.end())
      return parseError(where(d) + "input blob '" + name + "' is not produced by any earlier layer");
    Blob& b = it->second;
    b.consumed = true;
    ids->push_back(b.value);
    const Shape& known = inferred_[b.value];
    ctx->input_shapes.push_back(!known.empty() ? known : b.hint);
  }
  return Status::ok();
}

// -23330=4*n,dims,w,h,c,...: the output shapes ncnnoptimize computed. Hints only guide
// rank-dependent mapping; shape inference never reads them.
std::vector<Shape> GraphBuilder::hints(const LayerDecl& d) {
  std::vector<int> v;
  std::vector<Shape> out(d.outputs.size());
  if (!d.params.getIntArray(kShapeHintId, &v).isOk() || v.empty()) return out;
  if (v.size() != 4 * d.outputs.size()) {
    note(Severity::Warning, where(d) + "shape hint -23330 has " + std::to_string(v.size()) + " values for " +
                                std::to_string(d.outputs.size()) + " outputs; ignored", -1);
    return out;
  }
  for (size_t i = 0; i < d.outputs.size(); ++i) {
    const int* h = &v[4 * i];
    if (h[1] > 0 && h[2] > 0 && h[3] > 0) out[i] = shapeFromNcnn(h[0], h[1], h[2], 1, h[3]);
  }
  return out;
}

// Input 0=w 1=h 2=c (11=d); ImportOptions::input_shape overrides; the file's hint is the
// last resort.
Status GraphBuilder::inputShape(const LayerDecl& d, const std::vector<Shape>& hint, Shape* shape) const {
  if (!options_.input_shape.empty()) {
    *shape = options_.input_shape;
    return Status::ok();
  }
  int w = 0, h = 0, c = 0, dd = 0;
  EQW_RETURN_IF_ERROR(d.params.getInt(0, 0, &w).withContext(where(d)));
  EQW_RETURN_IF_ERROR(d.params.getInt(1, 0, &h).withContext(where(d)));
  EQW_RETURN_IF_ERROR(d.params.getInt(2, 0, &c).withContext(where(d)));
  EQW_RETURN_IF_ERROR(d.params.getInt(11, 0, &dd).withContext(where(d)));
  for (int v : {w, h, c, dd})
    if (v < 0 || v > kMaxInputDim)
      return parseError(where(d) + "input size " + std::to_string(v) + " is out of range (0.." + std::to_string(kMaxInputDim) + ")");
  if (w > 0) {
    int dims = c > 0 ? (dd > 0 ? 4 : 3) : h > 0 ? 2 : 1;
    if ((dims >= 2 && h <= 0) || (dims == 4 && c <= 0))
      return parseError(where(d) + "input sizes 0=w 1=h 2=c leave a gap (w=" + std::to_string(w) + " h=" + std::to_string(h) +
                        " c=" + std::to_string(c) + ")");
    *shape = shapeFromNcnn(dims, w, h, dd, c);
    return Status::ok();
  }
  if (!hint.empty() && !hint[0].empty()) {
    *shape = hint[0];
    return Status::ok();
  }
  return parseError(where(d) + "the input declares no shape (0=w 1=h 2=c) and none was given in the import options");
}

Status GraphBuilder::readBlob(const LayerDecl& d, const BlobSpec& spec, MappedLayer* m, bool* int8) {
  const std::string what = where(d) + spec.what + ": ";
  if (spec.target == BlobTarget::Weight) {
    if (numel(spec.shape) != spec.count) return internalError(what + "weight shape does not match its size");
    if (!bin_ && spec.count > kMaxGeneratedValues)
      return parseError(what + std::to_string(spec.count) + " values is too large to generate (limit " + std::to_string(kMaxGeneratedValues) + ")");
    if (bin_) EQW_RETURN_IF_ERROR(bin_->checkFits(spec.count, spec.tagged).withContext(what));
    Tensor t(spec.shape);
    if (bin_) {
      BlobStorage storage;
      Status s = bin_->read(spec.count, spec.tagged, t.f32(), &storage);
      if (!s.isOk()) return Status(s.code(), what + s.message());
      if (storage == BlobStorage::Int8) *int8 = true;
    }
    if (m->node.weights.size() <= static_cast<size_t>(spec.weight_index)) m->node.weights.resize(spec.weight_index + 1);
    m->node.weights[spec.weight_index] = t;
    return Status::ok();
  }
  if (!bin_) return Status::ok();  // scales live only in the .bin
  EQW_RETURN_IF_ERROR(bin_->checkFits(spec.count, false).withContext(what));
  std::vector<float> v(static_cast<size_t>(spec.count));
  BlobStorage storage;
  Status s = bin_->read(spec.count, false, v.data(), &storage);
  if (!s.isOk()) return Status(s.code(), what + s.message());
  ImportedQuant& q = m->node.imported_quant;
  if (spec.target == BlobTarget::WeightScales) {
    if (spec.expand_to > 0 && v.size() == 1) v.assign(static_cast<size_t>(spec.expand_to), v[0]);
    q.weight_scales = std::move(v);
  } else if (spec.target == BlobTarget::InputScale) {
    q.input_scale = v[0];
  } else {
    q.output_scale = v[0];
  }
  return Status::ok();
}

Status GraphBuilder::loadWeights(const LayerDecl& d, MappedLayer* m) {
  bool int8 = false, hasScales = false;
  try {
    for (const BlobSpec& spec : m->blobs) {
      EQW_RETURN_IF_ERROR(readBlob(d, spec, m, &int8));
      hasScales = hasScales || spec.target != BlobTarget::Weight;
    }
    if (!bin_) generateWeights(m->node, options_.generate_seed);
    if (m->finish) m->finish(m->node);
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::Internal, where(d) + "out of memory allocating its weights");
  } catch (const std::length_error&) {
    return Status(StatusCode::Internal, where(d) + "out of memory allocating its weights");
  }
  const int node = static_cast<int>(graph_.nodes.size());
  if (int8) {
    ++int8Layers_;
    note(Severity::Warning, where(d) + "weights are stored as int8 in the .bin; they are kept as their integer values (not "
                            "dequantized) and the file's weight scales are in the node's imported quantization", node);
  }
  if (hasScales && !bin_) ++quantLayersWithoutScales_;
  return Status::ok();
}

void GraphBuilder::inferProgressively(const Node& node) { inferShapesSoFar(node, inferred_); }

Status GraphBuilder::addLayer(const LayerDecl& d) {
  MappedLayer m;
  MapContext ctx;
  std::vector<int> inputs;
  EQW_RETURN_IF_ERROR(resolveInputs(d, &inputs, &ctx));
  Status s = mapLayer(d, ctx, &m);
  if (!s.isOk()) return Status(s.code(), where(d) + s.message());
  const int nodeId = static_cast<int>(graph_.nodes.size());
  for (const std::string& n : m.notes) note(Severity::Warning, where(d) + n, nodeId);
  EQW_RETURN_IF_ERROR(loadWeights(d, &m));

  std::vector<Shape> hint = hints(d);
  Shape inShape;
  if (m.node.kind == OpKind::Input) EQW_RETURN_IF_ERROR(inputShape(d, hint, &inShape));
  m.node.inputs = inputs;
  for (size_t i = 0; i < d.outputs.size(); ++i) {
    const std::string& name = d.outputs[i];
    auto it = blobs_.find(name);
    if (it != blobs_.end())
      return parseError(where(d) + "output blob '" + name + "' is already produced by layer '" + it->second.producer + "' (line " +
                        std::to_string(it->second.line) + ")");
    const int id = static_cast<int>(graph_.values.size());
    graph_.values.push_back(Value{name, m.node.kind == OpKind::Input ? inShape : Shape{}, nodeId});
    inferred_.push_back(m.node.kind == OpKind::Input ? inShape : Shape{});
    blobs_.emplace(name, Blob{id, d.name, d.line, hint[i], false});
    m.node.outputs.push_back(id);
    if (m.node.kind == OpKind::Input) graph_.inputs.push_back(id);
  }
  inferProgressively(m.node);
  graph_.nodes.push_back(std::move(m.node));
  return Status::ok();
}

Result<Graph> GraphBuilder::finish(const ParamFile& file) {
  const int blobCount = static_cast<int>(graph_.values.size());
  if (blobCount > file.blob_count)
    return parseError(label_ + ":2: the layers produce " + std::to_string(blobCount) + " blobs, more than the declared blob count " +
                      std::to_string(file.blob_count));
  if (blobCount < file.blob_count)
    note(Severity::Warning, label_ + ":2: declared blob count " + std::to_string(file.blob_count) + " but the layers produce " +
                                std::to_string(blobCount), -1);
  if (graph_.inputs.empty()) return parseError(label_ + ": no Input layer: the model has no graph input");
  for (size_t v = 0; v < graph_.values.size(); ++v) {
    const Blob& b = blobs_.at(graph_.values[v].name);
    if (!b.consumed) graph_.outputs.push_back(static_cast<int>(v));
  }
  if (bin_) {
    if (bin_->offset() < bin_->size())
      note(Severity::Warning, bin_->path() + ": " + std::to_string(bin_->size() - bin_->offset()) +
                                  " trailing bytes after the last layer's weights (offset " + std::to_string(bin_->offset()) +
                                  "); the .bin may not belong to this .param", -1);
  } else {
    std::string how = "He-scaled, then rescaled layer by layer to unit output RMS";
    Status s = normalizeGeneratedWeights(graph_, options_.generate_seed);
    if (!s.isOk()) {
      how = "He-scaled";
      note(Severity::Warning, label_ + ": generated weights kept their He scaling; unit-RMS rescaling stopped: " + s.message(), -1);
    }
    note(Severity::Info, label_ + ": no weights file; weights were generated (seed " + std::to_string(options_.generate_seed) +
                             ", " + how + ")", -1);
    if (quantLayersWithoutScales_ > 0)
      note(Severity::Info, label_ + ": " + std::to_string(quantLayersWithoutScales_) +
                               " layer(s) declare int8 scales (8=), which live in the .bin; none were loaded", -1);
  }
  return std::move(graph_);
}

}  // namespace eqw::ncnn
