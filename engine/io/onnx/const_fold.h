// Constant folding at import: Constant nodes, Shape of a value whose shape is known, and
// ops whose inputs are all constants (PyTorch's Shape -> Gather -> Unsqueeze -> Concat ->
// Reshape flatten, weights transposed or reshaped in the graph). Folded outputs become
// constants; no engine node is emitted.
#pragma once

#include <eqw/status.h>

#include "io/onnx/context.h"

namespace eqw::onnximport {

// true: folded (the node's outputs are now constants); false: not foldable, convert it.
Result<bool> tryFold(ImportContext& ctx, const OnnxNode& n);

}  // namespace eqw::onnximport
