#include "io/onnx/graph_io.h"

#include <optional>
#include <unordered_set>

namespace eqw::onnximport {

namespace {

// Static dims of a value_info, the batch (dim 0) read as 1 when symbolic or 0.
std::optional<Shape> staticShape(const onnx::ValueInfoProto& vi) {
  if (!vi.type().has_tensor_type() || !vi.type().tensor_type().has_shape()) return std::nullopt;
  Shape s;
  const auto& dims = vi.type().tensor_type().shape().dim();
  for (int k = 0; k < dims.size(); ++k) {
    const auto& d = dims[k];
    if (d.has_dim_value() && d.dim_value() > 0) s.push_back(d.dim_value());
    else if (k == 0) s.push_back(1);
    else return std::nullopt;
  }
  return s;
}

Result<Shape> inputShape(ImportContext& ctx, const onnx::ValueInfoProto& vi) {
  const std::string where = ctx.file() + ": input '" + vi.name() + "'";
  if (!vi.type().has_tensor_type()) return unsupported(where + " is not a tensor (sequence, map or optional)");
  const auto& tt = vi.type().tensor_type();
  if (tt.elem_type() != onnx::TensorProto::FLOAT)
    return unsupported(where + " has element type " + dataTypeName(tt.elem_type()) + "; the engine computes in float32");
  if (!tt.has_shape()) return unsupported(where + " has no shape in the file; give one with the input shape option");
  Shape s;
  for (int k = 0; k < tt.shape().dim_size(); ++k) {
    const auto& d = tt.shape().dim(k);
    if (d.has_dim_value() && d.dim_value() > 0) {
      s.push_back(d.dim_value());
    } else if (k == 0) {
      s.push_back(1);  // symbolic or 0 batch: the engine runs one sample
    } else {
      std::string what = d.has_dim_param() ? "symbolic ('" + d.dim_param() + "')" : "unknown or 0";
      return unsupported(where + ": dimension " + std::to_string(k) + " is " + what + "; give the input shape option");
    }
  }
  return s;
}

}  // namespace

Status loadInitializers(ImportContext& ctx, const onnx::GraphProto& g) {
  if (g.sparse_initializer_size() > 0)
    return unsupported(ctx.file() + ": sparse initializer '" + g.sparse_initializer(0).values().name() + "' is not supported");
  for (const auto& t : g.initializer()) {
    auto c = decodeTensor(t, ctx.file() + ": initializer '" + t.name() + "'");
    if (!c) return c.status();
    ctx.setConstant(t.name(), std::move(c.value()));
  }
  return Status::ok();
}

Status declareInputs(ImportContext& ctx, const onnx::GraphProto& g, const ImportOptions& options) {
  Graph& graph = ctx.graph();
  std::unordered_set<std::string> seen;
  for (const auto& vi : g.input()) {
    if (ctx.isConst(vi.name())) continue;  // an initializer listed as input (IR < 4): a weight
    if (!seen.insert(vi.name()).second) return parseError(ctx.file() + ": input '" + vi.name() + "' is declared twice");
    Shape shape;
    if (!options.input_shape.empty() && graph.inputs.empty()) {
      if (!vi.type().has_tensor_type() || vi.type().tensor_type().elem_type() != onnx::TensorProto::FLOAT)
        return unsupported(ctx.file() + ": input '" + vi.name() + "' is not a float32 tensor");
      shape = options.input_shape;
    } else {
      auto s = inputShape(ctx, vi);
      if (!s) return s.status();
      shape = std::move(s.value());
    }
    int id = ctx.value(vi.name());
    ctx.setKnownShape(id, shape);
    graph.inputs.push_back(id);
  }
  return Status::ok();
}

void declareShapes(ImportContext& ctx, const onnx::GraphProto& g) {
  for (const auto& vi : g.value_info())
    if (auto s = staticShape(vi)) ctx.declareShape(vi.name(), *s);
  for (const auto& vi : g.output())
    if (auto s = staticShape(vi)) ctx.declareShape(vi.name(), *s);
}

Status bindOutputs(ImportContext& ctx, const onnx::GraphProto& g) {
  Graph& graph = ctx.graph();
  for (const auto& vi : g.output()) {
    const std::string where = ctx.file() + ": graph output '" + vi.name() + "'";
    if (ctx.isConst(vi.name()))
      return unsupported(where + " is a constant (computed at import); the engine has no constant outputs");
    if (vi.type().has_tensor_type()) {
      const int32_t t = vi.type().tensor_type().elem_type();
      if (t != onnx::TensorProto::FLOAT && t != onnx::TensorProto::UNDEFINED)
        return unsupported(where + " has element type " + dataTypeName(t) + "; the engine computes in float32");
    }
    int id = ctx.value(vi.name());
    bool isInput = false;
    for (int in : graph.inputs) isInput = isInput || in == id;
    if (graph.values[id].producer < 0 && !isInput) return parseError(where + " is not produced by any node");
    graph.outputs.push_back(id);
  }
  if (graph.outputs.empty()) return parseError(ctx.file() + ": the graph declares no outputs");
  return Status::ok();
}

}  // namespace eqw::onnximport
