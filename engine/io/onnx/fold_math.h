// Arithmetic on ConstTensor for constant folding at import (shape computations, weight
// preprocessing an exporter left in the graph). Small tensors only: no SIMD, no threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "io/onnx/constant.h"

namespace eqw::onnximport::fold {

// Folded results larger than this are left to the engine (or reported as unsupported).
inline constexpr int64_t kMaxFoldElements = int64_t{1} << 24;

enum class BinOp { Add, Sub, Mul, Div, Pow, Max, Min, Equal };

// numpy broadcasting; nullopt when the shapes do not broadcast or the result is too large.
std::optional<ConstTensor> binary(BinOp op, const ConstTensor& a, const ConstTensor& b);
std::optional<ConstTensor> unary(const std::string& op, const ConstTensor& x);
// Gather along axis (negative indices count from the end); nullopt on a bad index.
std::optional<ConstTensor> gather(const ConstTensor& data, const ConstTensor& indices, int64_t axis);
std::optional<ConstTensor> transpose(const ConstTensor& x, const std::vector<int64_t>& perm);
// ONNX Slice with clamping; axes already non-negative.
std::optional<ConstTensor> slice(const ConstTensor& x, const std::vector<int64_t>& starts, const std::vector<int64_t>& ends,
                                 const std::vector<int64_t>& axes, const std::vector<int64_t>& steps);
std::optional<ConstTensor> concat(const std::vector<const ConstTensor*>& parts, int64_t axis);
// ONNX Reshape target (0 copies, -1 infers) resolved against dims; nullopt when it does not fit.
std::optional<Shape> reshapeTarget(const Shape& dims, const std::vector<int64_t>& shape, bool allowZero);
ConstTensor cast(const ConstTensor& x, int32_t to);

}  // namespace eqw::onnximport::fold
