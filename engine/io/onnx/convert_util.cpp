#include "io/onnx/converters.h"

namespace eqw::onnximport {

Status emitSequence(ImportContext& ctx, std::vector<Node> nodes, int in, int out) {
  if (nodes.empty()) return internalError(ctx.file() + ": emitSequence with no nodes");
  const std::string base = ctx.graph().values[out].name;
  int cur = in;
  for (size_t k = 0; k < nodes.size(); ++k) {
    Node& node = nodes[k];
    node.inputs.insert(node.inputs.begin(), cur);
    const bool last = k + 1 == nodes.size();
    int next = last ? out : ctx.freshValue(base + "/" + std::to_string(k));
    node.outputs = {next};
    ctx.emit(std::move(node));
    cur = next;
  }
  return Status::ok();
}

bool normalizeAxis(int64_t& axis, int64_t rank) {
  if (axis < -rank || axis >= rank) return false;
  if (axis < 0) axis += rank;
  return true;
}

}  // namespace eqw::onnximport
