// Shape inference while an importer builds a graph: layer mappers that need their input's shape
// (ncnn broadcasting, Caffe's InnerProduct axis ...) read it from what the layers before them
// produce. A best effort: loadModel's full inference reports real shape errors.
#pragma once

#include <eqw/graph.h>

#include <vector>

namespace eqw {

// Fills inferred[v] for the node's outputs when every input's shape is known (inferred is
// indexed by value id; an empty shape means unknown). Never fails.
void inferShapesSoFar(const Node& node, std::vector<Shape>& inferred);

}  // namespace eqw
