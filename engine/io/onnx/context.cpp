#include "io/onnx/context.h"

#include <exception>

namespace eqw::onnximport {

OnnxNode::OnnxNode(const onnx::NodeProto& p, std::string nodeName, const std::string& file)
    : proto(p), name(std::move(nodeName)), op(p.op_type()), attrs(p, file + ": " + p.op_type() + " '" + name + "'") {}

std::string listToString(const std::vector<int64_t>& v) {
  std::string s;
  for (size_t k = 0; k < v.size(); ++k) s += (k ? "," : "") + std::to_string(v[k]);
  return s;
}

ImportContext::ImportContext(std::string file, int opset, Graph& graph, Diagnostics* diags)
    : file_(std::move(file)), opset_(opset), graph_(graph), diags_(diags) {}

const ConstTensor* ImportContext::constant(const std::string& name) const {
  auto it = consts_.find(name);
  return it == consts_.end() ? nullptr : &it->second;
}

void ImportContext::setConstant(const std::string& name, ConstTensor c) { consts_[name] = std::move(c); }

int ImportContext::value(const std::string& name) {
  auto it = ids_.find(name);
  if (it != ids_.end()) return it->second;
  // Pushed directly (not Graph::addValue, a linear search) to keep big graphs linear.
  graph_.values.push_back(Value{name, {}, -1});
  int id = static_cast<int>(graph_.values.size()) - 1;
  ids_[name] = id;
  known_.push_back(0);
  return id;
}

int ImportContext::freshValue(const std::string& base) {
  std::string name = base;
  for (int k = 1; ids_.count(name) || consts_.count(name); ++k) name = base + "_" + std::to_string(k);
  return value(name);
}

void ImportContext::declareShape(const std::string& name, Shape shape) { declared_[name] = std::move(shape); }

void ImportContext::setKnownShape(int id, Shape shape) {
  graph_.values[id].shape = std::move(shape);
  known_[id] = 1;
}

std::optional<Shape> ImportContext::shapeOf(int id) const {
  if (id < 0 || id >= static_cast<int>(known_.size())) return std::nullopt;
  if (known_[id]) return graph_.values[id].shape;
  auto it = declared_.find(graph_.values[id].name);
  if (it != declared_.end()) return it->second;
  return std::nullopt;
}

std::optional<Shape> ImportContext::shapeOf(const std::string& name) const {
  if (const ConstTensor* c = constant(name)) return c->dims;
  auto id = ids_.find(name);
  if (id != ids_.end()) return shapeOf(id->second);
  auto it = declared_.find(name);
  if (it != declared_.end()) return it->second;
  return std::nullopt;
}

std::string ImportContext::uniqueNodeName(const std::string& base) {
  std::string name = base;
  for (int k = 1; nodeNames_.count(name); ++k) name = base + "_" + std::to_string(k);
  nodeNames_.insert(name);
  return name;
}

int ImportContext::emit(Node node) {
  node.name = uniqueNodeName(node.name);
  // Shapes are inferred as the graph grows so that Shape ops and shape-dependent attributes
  // (Squeeze without axes, Transpose without perm) can be resolved at import. A failure here
  // is not an error yet: loadModel's full inference reports it with its context.
  bool allKnown = true;
  std::vector<Shape> in;
  for (int v : node.inputs) {
    if (v < 0 || v >= static_cast<int>(known_.size()) || !known_[v]) {
      allKnown = false;
      break;
    }
    in.push_back(graph_.values[v].shape);
  }
  if (allKnown) {
    Node probe = node;
    std::vector<Shape> out(node.outputs.size());
    bool ok = false;
    try {
      ok = inferNodeShapes(probe, in, out).isOk();
    } catch (const std::exception&) {
      ok = false;
    }
    if (ok)
      for (size_t k = 0; k < node.outputs.size(); ++k) setKnownShape(node.outputs[k], out[k]);
  }
  return graph_.addNode(std::move(node));
}

Node ImportContext::makeNode(const OnnxNode& n, OpKind kind, OpParams params) const {
  Node node;
  node.name = n.name;
  node.source_type = n.op;
  node.kind = kind;
  node.params = std::move(params);
  return node;
}

Result<int> ImportContext::dataInput(const OnnxNode& n, int i) {
  if (!n.hasInput(i)) return invalid(n, "input " + std::to_string(i) + " is missing");
  if (isConst(n.in(i))) return unsupportedOp(n, "input '" + n.in(i) + "' is a constant; the engine needs it computed");
  return value(n.in(i));
}

Result<const ConstTensor*> ImportContext::constInput(const OnnxNode& n, int i, const std::string& role) const {
  if (!n.hasInput(i)) return invalid(n, role + " (input " + std::to_string(i) + ") is missing");
  const ConstTensor* c = constant(n.in(i));
  if (!c) return unsupportedOp(n, role + " '" + n.in(i) + "' is not a constant");
  return c;
}

Result<const ConstTensor*> ImportContext::optionalConstInput(const OnnxNode& n, int i, const std::string& role) const {
  if (!n.hasInput(i)) return static_cast<const ConstTensor*>(nullptr);
  const ConstTensor* c = constant(n.in(i));
  if (!c) return unsupportedOp(n, role + " '" + n.in(i) + "' is not a constant");
  if (c->numel() == 0) return static_cast<const ConstTensor*>(nullptr);
  return c;
}

std::string ImportContext::where(const OnnxNode& n) const { return file_ + ": " + n.op + " '" + n.name + "'"; }

Status ImportContext::unsupportedOp(const OnnxNode& n, const std::string& detail) const {
  return unsupported(file_ + ": unsupported: " + n.op + " '" + n.name + "'" + (detail.empty() ? "" : " (" + detail + ")"));
}

Status ImportContext::invalid(const OnnxNode& n, const std::string& detail) const {
  return parseError(where(n) + ": " + detail);
}

void ImportContext::info(const std::string& message, int node) {
  if (diags_) diags_->push_back(Diagnostic{Severity::Info, message, node});
}

void ImportContext::warn(const std::string& message, int node) {
  if (diags_) diags_->push_back(Diagnostic{Severity::Warning, message, node});
}

}  // namespace eqw::onnximport
