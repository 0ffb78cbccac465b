// A classifier head spelled MatMul + Add: x[1, K] @ B[K, N] (B constant) followed, optionally, by
// + bias (a constant [N] or [1, N]) becomes one InnerProduct — the same node a one-row Gemm
// imports as (ops_linear.cpp), which backends such as ncnn know. Only when x is exactly one row
// and the MatMul's result is read by the Add alone (and is not a graph output).
#pragma once

#include "io/onnx/context.h"

namespace eqw::onnximport {

void fuseLinearHeads(ImportContext& ctx);

}  // namespace eqw::onnximport
