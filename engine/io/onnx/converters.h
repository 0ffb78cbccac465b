// The op converters: each turns one ONNX node into engine nodes (or reports why it cannot).
// op_mapping.cpp lists which ONNX op type goes to which function.
#pragma once

#include <eqw/status.h>

#include <string>
#include <vector>

#include "io/onnx/context.h"

namespace eqw::onnximport {

using ConvertFn = Status (*)(ImportContext& ctx, const OnnxNode& n);

// The converter for a default-domain op type, or nullptr when the importer has none.
ConvertFn findConverter(const std::string& opType);

// ---- shared helpers (convert_util.cpp) ----
// Emits nodes in sequence: node k reads node k-1's output as its first input (node 0 reads
// `in`), extra inputs already in Node::inputs follow; the last node writes `out`.
// Intermediate values are named after `out`.
Status emitSequence(ImportContext& ctx, std::vector<Node> nodes, int in, int out);
// An axis in [-rank, rank) made non-negative; false when out of range.
bool normalizeAxis(int64_t& axis, int64_t rank);
// Checks the attribute accessors met no type error.
inline Status attrStatus(const OnnxNode& n) { return n.attrs.status(); }

// ---- converters, by file ----
// ops_conv.cpp
// 1-D windows: a node for which isOneDimensional() holds is converted by convertLifted1d, which
// hands convert2d the same node on [N, C, 1, L] (ops_lift1d.cpp).
bool isOneDimensional(const ImportContext& ctx, const OnnxNode& n);
Status convertLifted1d(ImportContext& ctx, const OnnxNode& n, ConvertFn convert2d);

Status convertConv(ImportContext&, const OnnxNode&);
Status convertConvTranspose(ImportContext&, const OnnxNode&);
// ops_linear.cpp
Status convertGemm(ImportContext&, const OnnxNode&);
Status convertMatMul(ImportContext&, const OnnxNode&);
// ops_norm.cpp
Status convertBatchNorm(ImportContext&, const OnnxNode&);
Status convertLRN(ImportContext&, const OnnxNode&);
Status convertLayerNorm(ImportContext&, const OnnxNode&);
// ops_activation.cpp
Status convertActivation(ImportContext&, const OnnxNode&);  // Relu LeakyRelu Sigmoid HardSigmoid HardSwish Tanh
Status convertClip(ImportContext&, const OnnxNode&);
Status convertPRelu(ImportContext&, const OnnxNode&);
// ops_elementwise.cpp
Status convertBinary(ImportContext&, const OnnxNode&);    // Add Sub Mul Div Pow (and 2-input Max Min)
Status convertVariadic(ImportContext&, const OnnxNode&);  // Sum Max Min Mean
Status convertUnary(ImportContext&, const OnnxNode&);
// ops_pool.cpp
Status convertPool(ImportContext&, const OnnxNode&);        // MaxPool AveragePool
Status convertGlobalPool(ImportContext&, const OnnxNode&);  // GlobalAveragePool GlobalMaxPool
// ops_shape.cpp
Status convertFlatten(ImportContext&, const OnnxNode&);
Status convertReshape(ImportContext&, const OnnxNode&);
Status convertTranspose(ImportContext&, const OnnxNode&);
Status convertSqueeze(ImportContext&, const OnnxNode&);    // Squeeze Unsqueeze
Status convertIdentity(ImportContext&, const OnnxNode&);   // Identity Dropout Cast(to float)
// ops_slice.cpp
Status convertConcat(ImportContext&, const OnnxNode&);
Status convertSplit(ImportContext&, const OnnxNode&);
Status convertSlice(ImportContext&, const OnnxNode&);
Status convertGather(ImportContext&, const OnnxNode&);
// ops_resize.cpp
Status convertResize(ImportContext&, const OnnxNode&);
Status convertUpsample(ImportContext&, const OnnxNode&);
// ops_tensor.cpp
Status convertPad(ImportContext&, const OnnxNode&);
Status convertSoftmax(ImportContext&, const OnnxNode&);
Status convertReduce(ImportContext&, const OnnxNode&);

}  // namespace eqw::onnximport
