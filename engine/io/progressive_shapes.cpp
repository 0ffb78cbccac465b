#include "io/progressive_shapes.h"

#include <exception>

namespace eqw {

void inferShapesSoFar(const Node& node, std::vector<Shape>& inferred) {
  std::vector<Shape> in;
  for (int v : node.inputs) {
    if (inferred[static_cast<size_t>(v)].empty()) return;
    in.push_back(inferred[static_cast<size_t>(v)]);
  }
  Node copy = node;  // inference may resolve params; the graph keeps the file's form
  std::vector<Shape> out(node.outputs.size());
  try {
    if (!inferNodeShapes(copy, in, out).isOk()) return;
  } catch (const std::exception&) {
    return;
  }
  for (size_t i = 0; i < out.size(); ++i) inferred[static_cast<size_t>(node.outputs[i])] = out[i];
}

}  // namespace eqw
