// The edges of an ONNX graph: initializers (constants), real inputs with their shapes,
// declared shapes of other values, and the outputs the user reads.
#pragma once

#include <eqw/io.h>

#include <onnx/onnx_pb.h>

#include "io/onnx/context.h"

namespace eqw::onnximport {

Status loadInitializers(ImportContext& ctx, const onnx::GraphProto& g);
// Graph inputs that are not initializers. A symbolic or zero batch dimension is 1; other
// symbolic dimensions need options.input_shape (which applies to the first input).
Status declareInputs(ImportContext& ctx, const onnx::GraphProto& g, const ImportOptions& options);
// value_info and output shapes, used where inference cannot tell yet.
void declareShapes(ImportContext& ctx, const onnx::GraphProto& g);
Status bindOutputs(ImportContext& ctx, const onnx::GraphProto& g);

}  // namespace eqw::onnximport
