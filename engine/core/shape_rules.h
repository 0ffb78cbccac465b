// Shape rules that shape inference and the kernels must agree on (internal to the engine).
// Defined in shape_inference.cpp, so that the rule a shape was inferred by is the rule the
// kernel reads its data by.
#pragma once

#include <eqw/ops.h>
#include <eqw/status.h>
#include <eqw/tensor.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace eqw::shape_rules {

// axis in [-rank, rank) -> [0, rank); -1 when out of range.
int normalizeAxis(int64_t axis, int rank);

// numpy broadcasting of two shapes (aligned at the innermost axis); nullopt when incompatible.
std::optional<Shape> broadcast(const Shape& a, const Shape& b);

// The shape ncnn's BinaryOp reads x with when it meets `other` (ncnn src/layer/binaryop.cpp):
// both shapes are [1] + ncnn dims. A lower-rank x is aligned to the outer axes of `other`
// ([1,C] against [1,C,H,W] -> [1,C,1,1]), except a 1-D x whose length differs from other's
// outermost ncnn axis, which is aligned to the innermost ([1,W] -> [1,1,1,W]).
Shape ncnnBroadcastView(const Shape& x, const Shape& other);

// One axis of a resolved ONNX Slice (Crop): output index i reads input index start + i * step.
struct AxisRange {
  int64_t start = 0;
  int64_t step = 1;
  int64_t count = 0;
};

// Every axis of `in` resolved by ONNX Slice rules (clamping, negative indices, negative steps);
// axes the params do not name are taken whole. The error message names the bad value.
Result<std::vector<AxisRange>> resolveCrop(const CropParams& p, const Shape& in);

}  // namespace eqw::shape_rules
