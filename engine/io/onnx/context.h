// The state of one ONNX import: the graph being built, the constants met so far, what is
// known about value shapes, and the helpers every op converter uses to read its inputs and
// to report errors in one format ("model.onnx: unsupported: Conv 'conv1' (kernel rank=3)").
#pragma once

#include <eqw/graph.h>
#include <eqw/status.h>

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "io/onnx/attributes.h"
#include "io/onnx/constant.h"

namespace eqw::onnximport {

// One ONNX node as the converters see it.
struct OnnxNode {
  OnnxNode(const onnx::NodeProto& p, std::string nodeName, const std::string& file);

  const onnx::NodeProto& proto;
  std::string name;              // the file's node name, or its first output when it has none
  std::string op;                // op_type
  Attributes attrs;

  int inputCount() const { return proto.input_size(); }
  int outputCount() const { return proto.output_size(); }
  bool hasInput(int i) const { return i < proto.input_size() && !proto.input(i).empty(); }
  bool hasOutput(int i) const { return i < proto.output_size() && !proto.output(i).empty(); }
  const std::string& in(int i) const { return proto.input(i); }
  const std::string& out(int i) const { return proto.output(i); }
};

class ImportContext {
 public:
  ImportContext(std::string file, int opset, Graph& graph, Diagnostics* diags);

  const std::string& file() const { return file_; }
  int opset() const { return opset_; }
  Graph& graph() { return graph_; }

  // ---- constants (initializers, Constant nodes, folded results) ----
  bool isConst(const std::string& name) const { return consts_.count(name) != 0; }
  const ConstTensor* constant(const std::string& name) const;
  void setConstant(const std::string& name, ConstTensor c);

  // ---- values ----
  // The id of the value with this name, created when new.
  int value(const std::string& name);
  // A new value whose name is derived from base and unused.
  int freshValue(const std::string& base);
  // A shape the file declares (graph inputs / outputs, value_info); used until one is inferred.
  void declareShape(const std::string& name, Shape shape);
  void setKnownShape(int id, Shape shape);
  // The static shape of a value or constant when known.
  std::optional<Shape> shapeOf(const std::string& name) const;
  std::optional<Shape> shapeOf(int id) const;

  // Adds a node (its name made unique) and infers its output shapes when its inputs' are known.
  int emit(Node node);
  // A node named after the ONNX node, with the op type as source_type.
  Node makeNode(const OnnxNode& n, OpKind kind, OpParams params) const;
  std::string uniqueNodeName(const std::string& base);

  // ---- converter helpers ----
  // Input i as a dynamic value; a constant there is unsupported (the engine has no constant values).
  Result<int> dataInput(const OnnxNode& n, int i);
  // Input i as a constant that must be present.
  Result<const ConstTensor*> constInput(const OnnxNode& n, int i, const std::string& role) const;
  // Input i as a constant, or nullptr when absent (or an empty tensor).
  Result<const ConstTensor*> optionalConstInput(const OnnxNode& n, int i, const std::string& role) const;
  // Output 0 (the value every single-output op writes).
  int output(const OnnxNode& n, int i = 0) { return value(n.out(i)); }

  // ---- messages ----
  std::string where(const OnnxNode& n) const;                                     // "file: Conv 'x'"
  Status unsupportedOp(const OnnxNode& n, const std::string& detail = "") const;  // Unsupported
  Status invalid(const OnnxNode& n, const std::string& detail) const;             // ParseError
  void info(const std::string& message, int node = -1);
  void warn(const std::string& message, int node = -1);

 private:
  std::string file_;
  int opset_;
  Graph& graph_;
  Diagnostics* diags_;
  std::unordered_map<std::string, ConstTensor> consts_;
  std::unordered_map<std::string, int> ids_;
  std::unordered_map<std::string, Shape> declared_;
  std::unordered_set<std::string> nodeNames_;
  std::vector<char> known_;      // per value id: shape is known
};

// "[1, 3]"-style list for messages.
std::string listToString(const std::vector<int64_t>& v);

}  // namespace eqw::onnximport
