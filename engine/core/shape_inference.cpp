// Output shapes of every op kind from its input shapes (graph.h inferNodeShapes), plus the
// shared rules in core/shape_rules.h. Every failure is a ShapeError that names the node, its op
// and the offending value; hostile sizes (huge, zero, negative) are errors, never overflow.
#include <eqw/graph.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "core/shape_rules.h"

namespace eqw {

namespace {

using shape_rules::normalizeAxis;

// Larger tensors than this are certainly a hostile or broken file; the bound also keeps every
// product of dims far from int64 overflow.
constexpr int64_t kMaxElements = int64_t{1} << 40;

std::string label(const Node& n) {
  return "node '" + n.name + "' (" + (n.source_type.empty() ? toString(n.kind) : n.source_type) + ")";
}

Status fail(const Node& n, const std::string& what) { return shapeError(label(n) + ": " + what); }

std::string str(int64_t v) { return std::to_string(v); }

// Product of dims[b, e), 0 on overflow past kMaxElements.
int64_t product(const Shape& s, size_t b, size_t e) {
  int64_t p = 1;
  for (size_t i = b; i < e && i < s.size(); ++i) {
    if (s[i] <= 0 || p > kMaxElements / s[i]) return 0;
    p *= s[i];
  }
  return p;
}

Status checkShape(const Node& n, const Shape& s, const std::string& what) {
  for (int64_t d : s)
    if (d <= 0) return fail(n, what + " " + toString(s) + " has a dimension <= 0");
  if (product(s, 0, s.size()) == 0) return fail(n, what + " " + toString(s) + " is too large");
  return Status::ok();
}

Status expectCounts(const Node& n, const std::vector<Shape>& in, size_t minIn, size_t maxIn, const std::vector<Shape>& out,
                    size_t nOut) {
  if (in.size() < minIn || in.size() > maxIn) {
    std::string want = minIn == maxIn ? str(minIn) : str(minIn) + " to " + str(maxIn);
    return fail(n, "expects " + want + " input(s), has " + str(in.size()));
  }
  if (nOut != 0 && out.size() != nOut) return fail(n, "expects " + str(nOut) + " output(s), has " + str(out.size()));
  if (out.empty()) return fail(n, "has no outputs");
  for (size_t i = 0; i < in.size(); ++i) EQW_RETURN_IF_ERROR(checkShape(n, in[i], "input " + str(i)));
  return Status::ok();
}

Status expectRank(const Node& n, const Shape& s, size_t minRank, size_t maxRank, const char* what = "input") {
  if (s.size() < minRank || s.size() > maxRank) {
    std::string want = minRank == maxRank ? str(minRank) : str(minRank) + " to " + str(maxRank);
    return fail(n, std::string(what) + " " + toString(s) + " has rank " + str(s.size()) + ", expected " + want);
  }
  return Status::ok();
}

// A weight tensor that must hold `expected` elements; absent weights are not checked here
// (kernels refuse to be built without them).
Status checkWeight(const Node& n, size_t index, int64_t expected, const std::string& what) {
  if (index >= n.weights.size()) return Status::ok();
  const int64_t have = n.weights[index].numel();
  if (have != expected)
    return fail(n, what + " has " + str(have) + " elements " + toString(n.weights[index].shape()) + ", expected " + str(expected));
  return Status::ok();
}

Status requireWeight(const Node& n, size_t index, const std::string& what) {
  if (index >= n.weights.size()) return fail(n, what + " (weight " + str(index) + ") is missing");
  return Status::ok();
}

// ---- convolution / pooling geometry ----

struct Axis1d {
  int64_t in, kernel, stride, dilation;
};

// Fills begin/end from the pad mode (Same*/Valid) or checks the explicit pads.
Status resolvePads(const Node& n, PadMode mode, const Axis1d& a, int& begin, int& end, const char* axis) {
  const int64_t eff = (a.kernel - 1) * a.dilation + 1;
  switch (mode) {
    case PadMode::Explicit:
      if (begin < 0 || end < 0) return fail(n, std::string("negative pad on ") + axis + " (" + str(begin) + ", " + str(end) + ")");
      return Status::ok();
    case PadMode::Valid:
      begin = end = 0;
      return Status::ok();
    case PadMode::SameUpper:
    case PadMode::SameLower: {
      const int64_t outSize = (a.in + a.stride - 1) / a.stride;
      const int64_t total = std::max<int64_t>((outSize - 1) * a.stride + eff - a.in, 0);
      const int64_t small = total / 2, large = total - total / 2;
      begin = static_cast<int>(mode == PadMode::SameUpper ? small : large);
      end = static_cast<int>(mode == PadMode::SameUpper ? large : small);
      return Status::ok();
    }
  }
  return fail(n, "unknown pad mode");
}

Status positive(const Node& n, int64_t v, const char* what) {
  if (v <= 0) return fail(n, std::string(what) + "=" + str(v) + " must be positive");
  return Status::ok();
}

// Guards against int overflow in later int arithmetic on params.
Status notHuge(const Node& n, int64_t v, const char* what) {
  if (v > (int64_t{1} << 24)) return fail(n, std::string(what) + "=" + str(v) + " is implausibly large");
  return Status::ok();
}

Status checkConvParams(const Node& n, const ConvParams& p) {
  EQW_RETURN_IF_ERROR(positive(n, p.num_output, "num_output"));
  EQW_RETURN_IF_ERROR(positive(n, p.kernel_h, "kernel_h"));
  EQW_RETURN_IF_ERROR(positive(n, p.kernel_w, "kernel_w"));
  EQW_RETURN_IF_ERROR(positive(n, p.stride_h, "stride_h"));
  EQW_RETURN_IF_ERROR(positive(n, p.stride_w, "stride_w"));
  EQW_RETURN_IF_ERROR(positive(n, p.dilation_h, "dilation_h"));
  EQW_RETURN_IF_ERROR(positive(n, p.dilation_w, "dilation_w"));
  EQW_RETURN_IF_ERROR(positive(n, p.group, "group"));
  for (int64_t v : {p.kernel_h, p.kernel_w, p.stride_h, p.stride_w, p.dilation_h, p.dilation_w, p.pads.top, p.pads.bottom,
                    p.pads.left, p.pads.right, p.output_pad_h, p.output_pad_w})
    EQW_RETURN_IF_ERROR(notHuge(n, v, "kernel / stride / dilation / pad"));
  if (p.num_output % p.group != 0)
    return fail(n, "num_output=" + str(p.num_output) + " is not divisible by group=" + str(p.group));
  return Status::ok();
}

Status inferConvolution(Node& n, ConvParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 1, out, 1));
  EQW_RETURN_IF_ERROR(expectRank(n, in[0], 4, 4));
  EQW_RETURN_IF_ERROR(checkConvParams(n, p));
  const Shape& x = in[0];
  const int64_t c = x[1];
  if (c % p.group != 0) return fail(n, "input has " + str(c) + " channels, not divisible by group=" + str(p.group));
  if (!n.weights.empty()) {
    const int64_t per = int64_t{p.num_output} * p.kernel_h * p.kernel_w;
    const int64_t have = n.weights[0].numel();
    if (have != per * (c / p.group)) {
      if (have % per == 0)
        return fail(n, "input has " + str(c) + " channels but weights expect " + str(have / per * p.group));
      return fail(n, "weights have " + str(have) + " elements " + toString(n.weights[0].shape()) + ", expected [" +
                         str(p.num_output) + ", " + str(c / p.group) + ", " + str(p.kernel_h) + ", " + str(p.kernel_w) + "]");
    }
    if (p.bias) EQW_RETURN_IF_ERROR(requireWeight(n, 1, "bias"));
    if (p.bias) EQW_RETURN_IF_ERROR(checkWeight(n, 1, p.num_output, "bias"));
  }
  EQW_RETURN_IF_ERROR(resolvePads(n, p.pad_mode, {x[2], p.kernel_h, p.stride_h, p.dilation_h}, p.pads.top, p.pads.bottom, "height"));
  EQW_RETURN_IF_ERROR(resolvePads(n, p.pad_mode, {x[3], p.kernel_w, p.stride_w, p.dilation_w}, p.pads.left, p.pads.right, "width"));
  const int64_t ekh = int64_t{p.kernel_h - 1} * p.dilation_h + 1, ekw = int64_t{p.kernel_w - 1} * p.dilation_w + 1;
  const int64_t ph = x[2] + p.pads.top + p.pads.bottom, pw = x[3] + p.pads.left + p.pads.right;
  if (ph < ekh || pw < ekw)
    return fail(n, "padded input " + str(ph) + "x" + str(pw) + " is smaller than the dilated kernel " + str(ekh) + "x" + str(ekw));
  out[0] = {x[0], p.num_output, (ph - ekh) / p.stride_h + 1, (pw - ekw) / p.stride_w + 1};
  return Status::ok();
}

// Deconvolution pads for Same*: the output is in * stride and the surplus of the full
// transposed convolution is cut, the odd pixel at the end for SameUpper (ONNX ConvTranspose).
Status resolveDeconvPads(const Node& n, PadMode mode, int64_t eff, int64_t stride, int64_t outPad, int& begin, int& end) {
  if (mode == PadMode::Explicit) {
    if (begin < 0 || end < 0) return fail(n, "negative pad (" + str(begin) + ", " + str(end) + ")");
    return Status::ok();
  }
  if (mode == PadMode::Valid) {
    begin = end = 0;
    return Status::ok();
  }
  const int64_t total = std::max<int64_t>(eff + outPad - stride, 0);
  const int64_t small = total / 2, large = total - total / 2;
  begin = static_cast<int>(mode == PadMode::SameUpper ? small : large);
  end = static_cast<int>(mode == PadMode::SameUpper ? large : small);
  return Status::ok();
}

Status inferDeconvolution(Node& n, ConvParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 1, out, 1));
  EQW_RETURN_IF_ERROR(expectRank(n, in[0], 4, 4));
  EQW_RETURN_IF_ERROR(checkConvParams(n, p));
  if (p.output_pad_h < 0 || p.output_pad_w < 0)
    return fail(n, "negative output_pad (" + str(p.output_pad_h) + ", " + str(p.output_pad_w) + ")");
  const Shape& x = in[0];
  const int64_t c = x[1];
  if (c % p.group != 0) return fail(n, "input has " + str(c) + " channels, not divisible by group=" + str(p.group));
  if (!n.weights.empty()) {
    const int64_t per = int64_t{p.num_output / p.group} * p.kernel_h * p.kernel_w;
    const int64_t have = n.weights[0].numel();
    if (have != per * c) {
      if (have % per == 0) return fail(n, "input has " + str(c) + " channels but weights expect " + str(have / per));
      return fail(n, "weights have " + str(have) + " elements " + toString(n.weights[0].shape()) + ", expected [" + str(c) +
                         ", " + str(p.num_output / p.group) + ", " + str(p.kernel_h) + ", " + str(p.kernel_w) + "]");
    }
    if (p.bias) EQW_RETURN_IF_ERROR(requireWeight(n, 1, "bias"));
    if (p.bias) EQW_RETURN_IF_ERROR(checkWeight(n, 1, p.num_output, "bias"));
  }
  const int64_t ekh = int64_t{p.kernel_h - 1} * p.dilation_h + 1, ekw = int64_t{p.kernel_w - 1} * p.dilation_w + 1;
  EQW_RETURN_IF_ERROR(resolveDeconvPads(n, p.pad_mode, ekh, p.stride_h, p.output_pad_h, p.pads.top, p.pads.bottom));
  EQW_RETURN_IF_ERROR(resolveDeconvPads(n, p.pad_mode, ekw, p.stride_w, p.output_pad_w, p.pads.left, p.pads.right));
  const int64_t oh = (x[2] - 1) * p.stride_h + ekh - p.pads.top - p.pads.bottom + p.output_pad_h;
  const int64_t ow = (x[3] - 1) * p.stride_w + ekw - p.pads.left - p.pads.right + p.output_pad_w;
  if (oh <= 0 || ow <= 0) return fail(n, "pads leave an empty output " + str(oh) + "x" + str(ow));
  out[0] = {x[0], p.num_output, oh, ow};
  return Status::ok();
}

Status inferInnerProduct(Node& n, InnerProductParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 1, out, 1));
  EQW_RETURN_IF_ERROR(expectRank(n, in[0], 1, 8));
  EQW_RETURN_IF_ERROR(positive(n, p.num_output, "num_output"));
  const Shape& x = in[0];
  const int64_t outer = x.size() >= 2 ? x[0] : 1;
  const int64_t k = product(x, 0, x.size()) / outer;
  if (!n.weights.empty()) {
    const int64_t have = n.weights[0].numel();
    if (have != int64_t{p.num_output} * k) {
      if (have % p.num_output == 0) return fail(n, "input has " + str(k) + " features but weights expect " + str(have / p.num_output));
      return fail(n, "weights have " + str(have) + " elements, expected " + str(p.num_output) + " x " + str(k));
    }
    if (p.bias) EQW_RETURN_IF_ERROR(requireWeight(n, 1, "bias"));
    if (p.bias) EQW_RETURN_IF_ERROR(checkWeight(n, 1, p.num_output, "bias"));
  }
  out[0] = {outer, p.num_output};
  return Status::ok();
}

Status inferMatMul(Node& n, MatMulParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 2, out, 1));
  Shape b;
  if (in.size() == 2) {
    b = in[1];
  } else {
    EQW_RETURN_IF_ERROR(requireWeight(n, 0, "constant B"));
    b = n.weights[0].shape();
    EQW_RETURN_IF_ERROR(checkShape(n, b, "constant B"));
  }
  Shape a = in[0];
  if (a.empty() || b.empty()) return fail(n, "MatMul of a scalar " + toString(a) + " x " + toString(b));
  const bool aVec = a.size() == 1, bVec = b.size() == 1;
  if (aVec) a.insert(a.begin(), 1);
  if (bVec) b.push_back(1);
  const int64_t m = a[a.size() - 2], k = a.back(), kb = b[b.size() - 2], nn = b.back();
  if (k != kb) return fail(n, "A " + toString(in[0]) + " has K=" + str(k) + " but B " + toString(b) + " has K=" + str(kb));
  auto batch = shape_rules::broadcast(Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2));
  if (!batch) return fail(n, "batch dims of " + toString(a) + " and " + toString(b) + " do not broadcast");
  Shape y = *batch;
  if (!aVec) y.push_back(m);
  if (!bVec) y.push_back(nn);
  const size_t biasIndex = in.size() == 2 ? 0 : 1;
  if (p.bias) EQW_RETURN_IF_ERROR(requireWeight(n, biasIndex, "bias"));
  if (p.bias && n.weights[biasIndex].numel() != nn && n.weights[biasIndex].numel() != 1)
    return fail(n, "bias has " + str(n.weights[biasIndex].numel()) + " elements, expected N=" + str(nn));
  out[0] = y;
  return Status::ok();
}

// Output size of one pooled axis. Ceil mode follows Caffe / ncnn pad_mode 0 ("full"): round up,
// then drop a last window that would start in the end padding only.
int64_t pooledSize(int64_t in, int64_t k, int64_t s, int64_t padBegin, int64_t padEnd, bool ceilMode) {
  const int64_t span = in + padBegin + padEnd - k;
  int64_t o = (ceilMode ? (span + s - 1) / s : span / s) + 1;
  if (ceilMode && (o - 1) * s >= in + padBegin) --o;
  return o;
}

Status inferPooling(Node& n, PoolParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 1, out, 1));
  EQW_RETURN_IF_ERROR(expectRank(n, in[0], 4, 4));
  const Shape& x = in[0];
  if (p.global) {
    out[0] = p.keep_dims ? Shape{x[0], x[1], 1, 1} : Shape{x[0], x[1]};
    return Status::ok();
  }
  EQW_RETURN_IF_ERROR(positive(n, p.kernel_h, "kernel_h"));
  EQW_RETURN_IF_ERROR(positive(n, p.kernel_w, "kernel_w"));
  EQW_RETURN_IF_ERROR(positive(n, p.stride_h, "stride_h"));
  EQW_RETURN_IF_ERROR(positive(n, p.stride_w, "stride_w"));
  for (int64_t v : {p.kernel_h, p.kernel_w, p.stride_h, p.stride_w, p.pads.top, p.pads.bottom, p.pads.left, p.pads.right})
    EQW_RETURN_IF_ERROR(notHuge(n, v, "kernel / stride / pad"));
  EQW_RETURN_IF_ERROR(resolvePads(n, p.pad_mode, {x[2], p.kernel_h, p.stride_h, 1}, p.pads.top, p.pads.bottom, "height"));
  EQW_RETURN_IF_ERROR(resolvePads(n, p.pad_mode, {x[3], p.kernel_w, p.stride_w, 1}, p.pads.left, p.pads.right, "width"));
  const int64_t ph = x[2] + p.pads.top + p.pads.bottom, pw = x[3] + p.pads.left + p.pads.right;
  if (ph < p.kernel_h || pw < p.kernel_w)
    return fail(n, "padded input " + str(ph) + "x" + str(pw) + " is smaller than the kernel " + str(p.kernel_h) + "x" + str(p.kernel_w));
  const bool ceilMode = p.ceil_mode && p.pad_mode == PadMode::Explicit;
  out[0] = {x[0], x[1], pooledSize(x[2], p.kernel_h, p.stride_h, p.pads.top, p.pads.bottom, ceilMode),
            pooledSize(x[3], p.kernel_w, p.stride_w, p.pads.left, p.pads.right, ceilMode)};
  return Status::ok();
}

// Element-wise ops with one input of any rank.
Status inferSameShape(Node& n, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 1, out, 1));
  out[0] = in[0];
  return Status::ok();
}

// Per-channel ops (axis 1) reading weights of C (or 1, when allowShared) elements.
Status inferPerChannel(Node& n, const std::vector<Shape>& in, std::vector<Shape>& out, std::vector<const char*> weightNames,
                       bool allowShared) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 1, out, 1));
  EQW_RETURN_IF_ERROR(expectRank(n, in[0], 2, 8));
  const int64_t c = in[0][1];
  for (size_t i = 0; i < weightNames.size() && i < n.weights.size(); ++i) {
    const int64_t have = n.weights[i].numel();
    if (have != c && !(allowShared && have == 1))
      return fail(n, std::string(weightNames[i]) + " has " + str(have) + " elements but the input has " + str(c) + " channels");
  }
  out[0] = in[0];
  return Status::ok();
}

Status inferEltwise(Node& n, EltwiseParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 64, out, 1));
  for (size_t i = 1; i < in.size(); ++i)
    if (in[i] != in[0]) return fail(n, "input " + str(i) + " " + toString(in[i]) + " differs from input 0 " + toString(in[0]));
  if (p.op == EltwiseOp::Sum && !p.coeffs.empty() && p.coeffs.size() != in.size())
    return fail(n, str(p.coeffs.size()) + " coefficients for " + str(in.size()) + " inputs");
  out[0] = in[0];
  return Status::ok();
}

Status inferBinary(Node& n, BinaryParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 2, out, 1));
  if (p.with_scalar) {
    out[0] = in[0];
    return Status::ok();
  }
  Shape b;
  if (in.size() == 2) {
    b = in[1];
  } else {
    EQW_RETURN_IF_ERROR(requireWeight(n, 0, "constant b"));
    b = n.weights[0].shape();
    EQW_RETURN_IF_ERROR(checkShape(n, b, "constant b"));
  }
  Shape a = in[0];
  if (p.ncnn_broadcast) {
    p.b_view = shape_rules::ncnnBroadcastView(b, a);
    a = shape_rules::ncnnBroadcastView(a, b);
  } else if (!p.b_view.empty() && product(p.b_view, 0, p.b_view.size()) != product(b, 0, b.size())) {
    return fail(n, "b_view " + toString(p.b_view) + " does not hold the " + str(product(b, 0, b.size())) + " elements of b " + toString(b));
  }
  const Shape& bv = p.b_view.empty() ? b : p.b_view;
  auto y = shape_rules::broadcast(a, bv);
  if (!y) return fail(n, "a " + toString(in[0]) + " and b " + toString(bv) + " do not broadcast");
  out[0] = *y;
  return Status::ok();
}

Status inferConcat(Node& n, ConcatParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 4096, out, 1));
  const int rank = static_cast<int>(in[0].size());
  const int axis = normalizeAxis(p.axis, rank);
  if (axis < 0) return fail(n, "axis " + str(p.axis) + " out of range for rank " + str(rank));
  Shape y = in[0];
  for (size_t i = 1; i < in.size(); ++i) {
    const Shape& s = in[i];
    bool fits = static_cast<int>(s.size()) == rank;
    for (int d = 0; fits && d < rank; ++d) fits = d == axis || s[d] == y[d];
    if (!fits) return fail(n, "input " + str(i) + " " + toString(s) + " does not fit input 0 " + toString(in[0]) + " on axis " + str(axis));
    y[axis] += s[axis];
  }
  out[0] = y;
  return Status::ok();
}

Status inferSplit(Node& n, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 1, out, 0));
  for (auto& o : out) o = in[0];
  return Status::ok();
}

Status inferSlice(Node& n, SliceParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 1, out, 0));
  const Shape& x = in[0];
  const int axis = normalizeAxis(p.axis, static_cast<int>(x.size()));
  if (axis < 0) return fail(n, "axis " + str(p.axis) + " out of range for rank " + str(x.size()));
  const int64_t dim = x[axis];
  const int64_t pieces = static_cast<int64_t>(out.size());
  std::vector<int64_t> sizes = p.sizes;
  if (sizes.empty()) {
    if (dim % pieces != 0) return fail(n, "axis " + str(p.axis) + " of size " + str(dim) + " does not split evenly into " + str(pieces));
    sizes.assign(out.size(), dim / pieces);
  }
  if (static_cast<int64_t>(sizes.size()) != pieces) return fail(n, str(sizes.size()) + " slice sizes for " + str(pieces) + " outputs");
  int64_t fixed = 0;
  int rest = -1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) {
      if (rest >= 0) return fail(n, "more than one slice size is -1");
      rest = static_cast<int>(i);
    } else if (sizes[i] <= 0 || sizes[i] > dim) {
      return fail(n, "slice size " + str(sizes[i]) + " is invalid for axis size " + str(dim));
    } else {
      fixed += sizes[i];
    }
  }
  if (fixed > dim || (rest >= 0 && fixed == dim))
    return fail(n, "slice sizes add up to " + str(fixed) + (rest >= 0 ? " plus a rest" : "") + ", axis size is " + str(dim));
  if (rest >= 0) sizes[rest] = dim - fixed;
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = x;
    out[i][axis] = sizes[i];
  }
  return Status::ok();
}

Status inferCrop(Node& n, CropParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 1, out, 1));
  auto r = shape_rules::resolveCrop(p, in[0]);
  if (!r) return fail(n, r.status().message());
  Shape y;
  for (const auto& a : *r) y.push_back(a.count);
  out[0] = y;
  return Status::ok();
}

Status inferAxisOp(Node& n, int axis, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 1, out, 1));
  if (normalizeAxis(axis, static_cast<int>(in[0].size())) < 0)
    return fail(n, "axis " + str(axis) + " out of range for input " + toString(in[0]));
  out[0] = in[0];
  return Status::ok();
}

Status inferFlatten(Node& n, FlattenParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 1, out, 1));
  const Shape& x = in[0];
  const int rank = static_cast<int>(x.size());
  // ONNX allows axis == rank (everything in the outer dim).
  const int axis = p.axis == rank ? rank : normalizeAxis(p.axis, rank);
  if (axis < 0) return fail(n, "axis " + str(p.axis) + " out of range for input " + toString(x));
  out[0] = {product(x, 0, axis), product(x, axis, rank)};
  return Status::ok();
}

Status inferReshape(Node& n, ReshapeParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 1, out, 1));
  const Shape& x = in[0];
  Shape y = p.shape;
  int inferred = -1;
  int64_t known = 1;
  for (size_t i = 0; i < y.size(); ++i) {
    if (y[i] == 0) {
      if (i >= x.size()) return fail(n, "shape " + toString(p.shape) + " copies dim " + str(i) + " of input " + toString(x) + ", which has none");
      y[i] = x[i];
    }
    if (y[i] == -1) {
      if (inferred >= 0) return fail(n, "shape " + toString(p.shape) + " has more than one -1");
      inferred = static_cast<int>(i);
      continue;
    }
    if (y[i] <= 0 || y[i] > kMaxElements) return fail(n, "shape " + toString(p.shape) + " has an invalid dim " + str(y[i]));
    known *= y[i];
    if (known > kMaxElements) return fail(n, "shape " + toString(p.shape) + " is too large");
  }
  const int64_t total = product(x, 0, x.size());
  if (inferred >= 0) {
    if (total % known != 0) return fail(n, "cannot reshape " + toString(x) + " into " + toString(p.shape));
    y[inferred] = total / known;
  } else if (known != total) {
    return fail(n, "cannot reshape " + toString(x) + " (" + str(total) + " elements) into " + toString(p.shape));
  }
  out[0] = y;
  return Status::ok();
}

Status inferPermute(Node& n, PermuteParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 1, out, 1));
  const Shape& x = in[0];
  if (p.perm.size() != x.size()) return fail(n, "perm has " + str(p.perm.size()) + " axes, input " + toString(x) + " has " + str(x.size()));
  std::vector<char> seen(x.size(), 0);
  Shape y(x.size());
  for (size_t i = 0; i < p.perm.size(); ++i) {
    const int a = p.perm[i];
    if (a < 0 || a >= static_cast<int>(x.size()) || seen[a]) return fail(n, "perm entry " + str(a) + " is out of range or repeated");
    seen[a] = 1;
    y[i] = x[a];
  }
  out[0] = y;
  return Status::ok();
}

Status inferPadding(Node& n, PaddingParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 1, out, 1));
  const Shape& x = in[0];
  const size_t rank = x.size();
  if (p.pads.size() != rank * 2) return fail(n, str(p.pads.size()) + " pads for rank " + str(rank) + " (expected " + str(rank * 2) + ")");
  Shape y = x;
  for (size_t d = 0; d < rank; ++d) {
    const int64_t b = p.pads[d], e = p.pads[d + rank];
    if (std::abs(b) > kMaxElements || std::abs(e) > kMaxElements) return fail(n, "pad " + str(b) + " / " + str(e) + " is too large");
    y[d] = x[d] + b + e;
    if (y[d] <= 0) return fail(n, "pads " + str(b) + ", " + str(e) + " leave axis " + str(d) + " of size " + str(x[d]) + " empty");
  }
  out[0] = y;
  return Status::ok();
}

Status inferShuffleChannel(Node& n, ShuffleChannelParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 1, out, 1));
  EQW_RETURN_IF_ERROR(expectRank(n, in[0], 2, 8));
  EQW_RETURN_IF_ERROR(positive(n, p.group, "group"));
  if (in[0][1] % p.group != 0) return fail(n, "input has " + str(in[0][1]) + " channels, not divisible by group=" + str(p.group));
  out[0] = in[0];
  return Status::ok();
}

Status resizedSize(const Node& n, int64_t in, int outSize, float scale, const char* axis, int64_t& result) {
  if (outSize > 0) {
    result = outSize;
    return Status::ok();
  }
  if (!std::isfinite(scale) || scale <= 0.f || static_cast<double>(in) * scale > static_cast<double>(kMaxElements))
    return fail(n, std::string("scale_") + axis + "=" + std::to_string(scale) + " is invalid");
  result = static_cast<int64_t>(std::floor(static_cast<double>(in) * scale));
  if (result <= 0) return fail(n, std::string("scale_") + axis + "=" + std::to_string(scale) + " resizes " + str(in) + " to nothing");
  return Status::ok();
}

// Interp with a second input takes its output size from that input's two innermost dims (ncnn).
Status inferInterp(Node& n, InterpParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 2, out, 1));
  EQW_RETURN_IF_ERROR(expectRank(n, in[0], 2, 8));
  Shape y = in[0];
  const size_t r = y.size();
  if (in.size() == 2) {
    EQW_RETURN_IF_ERROR(expectRank(n, in[1], 2, 8, "size reference"));
    y[r - 2] = in[1][in[1].size() - 2];
    y[r - 1] = in[1][in[1].size() - 1];
  } else {
    EQW_RETURN_IF_ERROR(resizedSize(n, y[r - 2], p.out_h, p.scale_h, "h", y[r - 2]));
    EQW_RETURN_IF_ERROR(resizedSize(n, y[r - 1], p.out_w, p.scale_w, "w", y[r - 1]));
  }
  out[0] = y;
  return Status::ok();
}

Status inferLRN(Node& n, LRNParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 1, out, 1));
  EQW_RETURN_IF_ERROR(expectRank(n, in[0], p.region == LRNRegion::WithinChannel ? 4 : 2, p.region == LRNRegion::WithinChannel ? 4 : 8));
  EQW_RETURN_IF_ERROR(positive(n, p.local_size, "local_size"));
  EQW_RETURN_IF_ERROR(notHuge(n, p.local_size, "local_size"));
  out[0] = in[0];
  return Status::ok();
}

Status inferPriorBox(Node& n, PriorBoxParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 2, out, 1));
  EQW_RETURN_IF_ERROR(expectRank(n, in[0], 2, 8, "feature map"));
  if (p.min_sizes.empty()) return fail(n, "no min_sizes");
  if (!p.max_sizes.empty() && p.max_sizes.size() != p.min_sizes.size())
    return fail(n, str(p.max_sizes.size()) + " max_sizes for " + str(p.min_sizes.size()) + " min_sizes");
  if ((p.image_w <= 0 || p.image_h <= 0) && in.size() < 2) return fail(n, "no image size: neither image_w/image_h nor an image input");
  if (in.size() == 2) EQW_RETURN_IF_ERROR(expectRank(n, in[1], 2, 8, "image"));
  const int64_t h = in[0][in[0].size() - 2], w = in[0].back();
  const int64_t nmin = static_cast<int64_t>(p.min_sizes.size()), nar = static_cast<int64_t>(p.aspect_ratios.size());
  const int64_t perPosition = nmin * (nar * (p.flip ? 2 : 1) + 1) + static_cast<int64_t>(p.max_sizes.size());
  const int64_t len = product({h, w, perPosition, 4}, 0, 4);
  if (len == 0) return fail(n, "too many priors");
  out[0] = {1, 2, len};
  return Status::ok();
}

// DetectionOutput's real row count depends on the data: the declared shape is the maximum,
// [1, keep_top_k, 6]; the kernel replaces its output with [1, n, 6] on every run.
Status inferDetectionOutput(Node& n, DetectionOutputParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 3, 3, out, 1));
  EQW_RETURN_IF_ERROR(positive(n, p.num_class, "num_class"));
  EQW_RETURN_IF_ERROR(expectRank(n, in[2], 1, 8, "priorbox"));
  const Shape& prior = in[2];
  if (prior.back() % 4 != 0) return fail(n, "priorbox " + toString(prior) + " is not a multiple of 4 long");
  const int64_t priors = prior.back() / 4;
  const int64_t priorElems = product(prior, 0, prior.size());
  if (priorElems != priors * 4 && priorElems != priors * 8)
    return fail(n, "priorbox " + toString(prior) + " is neither [1, 2, N*4] nor [1, N*4]");
  if (product(in[0], 0, in[0].size()) != priors * 4)
    return fail(n, "loc " + toString(in[0]) + " does not hold 4 values for each of the " + str(priors) + " priors");
  if (product(in[1], 0, in[1].size()) != priors * p.num_class)
    return fail(n, "conf " + toString(in[1]) + " does not hold " + str(p.num_class) + " scores for each of the " + str(priors) + " priors");
  const int64_t most = std::max<int64_t>(priors * (p.num_class - 1), 1);
  out[0] = {1, p.keep_top_k > 0 ? std::min<int64_t>(p.keep_top_k, most) : most, 6};
  return Status::ok();
}

Status inferReduce(Node& n, ReduceParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 1, out, 1));
  const Shape& x = in[0];
  const int rank = static_cast<int>(x.size());
  std::vector<char> reduced(rank, p.axes.empty() ? 1 : 0);
  for (int a : p.axes) {
    const int axis = normalizeAxis(a, rank);
    if (axis < 0) return fail(n, "axis " + str(a) + " out of range for input " + toString(x));
    if (reduced[axis]) return fail(n, "axis " + str(a) + " listed twice");
    reduced[axis] = 1;
  }
  Shape y;
  for (int d = 0; d < rank; ++d) {
    if (!reduced[d]) y.push_back(x[d]);
    else if (p.keep_dims) y.push_back(1);
  }
  out[0] = y;
  return Status::ok();
}

Status inferLayerNorm(Node& n, LayerNormParams& p, const std::vector<Shape>& in, std::vector<Shape>& out) {
  EQW_RETURN_IF_ERROR(expectCounts(n, in, 1, 1, out, 0));
  if (out.size() > 3) return fail(n, "expects 1 to 3 outputs (y, mean, inverse std dev), has " + str(out.size()));
  const Shape& x = in[0];
  const int axis = normalizeAxis(p.axis, static_cast<int>(x.size()));
  if (axis < 0) return fail(n, "axis " + str(p.axis) + " out of range for input " + toString(x));
  // Mean and InvStdDev keep the leading dims and have 1 for every normalised one.
  Shape stat = x;
  for (size_t d = static_cast<size_t>(axis); d < stat.size(); ++d) stat[d] = 1;
  for (size_t k = 1; k < out.size(); ++k) out[k] = stat;
  if (!(p.eps >= 0.f)) return fail(n, "eps=" + std::to_string(p.eps) + " must not be negative");
  const int64_t inner = product(x, axis, x.size());
  if (p.affine) {
    EQW_RETURN_IF_ERROR(checkWeight(n, 0, inner, "gamma"));
    EQW_RETURN_IF_ERROR(checkWeight(n, 1, inner, "beta"));
  }
  out[0] = x;
  return Status::ok();
}

Status inferInput(Node& n, std::vector<Shape>& out) {
  if (out.size() != 1) return fail(n, "expects 1 output, has " + str(out.size()));
  if (out[0].empty()) return fail(n, "has no declared shape");
  return checkShape(n, out[0], "declared shape");
}

template <typename P>
P* paramsOf(Node& n) {
  return std::get_if<P>(&n.params);
}

// Runs rule(node, params, in, out) when the node's params hold P; an Internal error otherwise.
template <typename P, typename Rule>
Status withParams(Node& n, const std::vector<Shape>& in, std::vector<Shape>& out, Rule rule) {
  P* p = paramsOf<P>(n);
  if (!p) return internalError(label(n) + ": parameters do not belong to op kind " + toString(n.kind));
  return rule(n, *p, in, out);
}

Status dispatch(Node& n, const std::vector<Shape>& in, std::vector<Shape>& out) {
  switch (n.kind) {
    case OpKind::Input: return inferInput(n, out);
    case OpKind::Convolution: return withParams<ConvParams>(n, in, out, inferConvolution);
    case OpKind::Deconvolution: return withParams<ConvParams>(n, in, out, inferDeconvolution);
    case OpKind::InnerProduct: return withParams<InnerProductParams>(n, in, out, inferInnerProduct);
    case OpKind::MatMul: return withParams<MatMulParams>(n, in, out, inferMatMul);
    case OpKind::Pooling: return withParams<PoolParams>(n, in, out, inferPooling);
    case OpKind::Activation:
    case OpKind::Unary:
    case OpKind::Identity: return inferSameShape(n, in, out);
    case OpKind::FakeQuant: return inferSameShape(n, in, out);
    case OpKind::PReLU: return inferPerChannel(n, in, out, {"slope"}, true);
    case OpKind::BatchNorm: return inferPerChannel(n, in, out, {"slope", "mean", "var", "bias"}, false);
    case OpKind::Scale: return inferPerChannel(n, in, out, {"scale", "bias"}, true);
    case OpKind::Normalize: return inferPerChannel(n, in, out, {"scale"}, true);
    case OpKind::Eltwise: return withParams<EltwiseParams>(n, in, out, inferEltwise);
    case OpKind::Binary: return withParams<BinaryParams>(n, in, out, inferBinary);
    case OpKind::Concat: return withParams<ConcatParams>(n, in, out, inferConcat);
    case OpKind::Split: return inferSplit(n, in, out);
    case OpKind::Slice: return withParams<SliceParams>(n, in, out, inferSlice);
    case OpKind::Crop: return withParams<CropParams>(n, in, out, inferCrop);
    case OpKind::Softmax:
      return withParams<SoftmaxParams>(n, in, out, [](Node& nd, SoftmaxParams& p, auto& i, auto& o) { return inferAxisOp(nd, p.axis, i, o); });
    case OpKind::Flatten: return withParams<FlattenParams>(n, in, out, inferFlatten);
    case OpKind::Reshape: return withParams<ReshapeParams>(n, in, out, inferReshape);
    case OpKind::Permute: return withParams<PermuteParams>(n, in, out, inferPermute);
    case OpKind::Padding: return withParams<PaddingParams>(n, in, out, inferPadding);
    case OpKind::ShuffleChannel: return withParams<ShuffleChannelParams>(n, in, out, inferShuffleChannel);
    case OpKind::Interp: return withParams<InterpParams>(n, in, out, inferInterp);
    case OpKind::LRN: return withParams<LRNParams>(n, in, out, inferLRN);
    case OpKind::PriorBox: return withParams<PriorBoxParams>(n, in, out, inferPriorBox);
    case OpKind::DetectionOutput: return withParams<DetectionOutputParams>(n, in, out, inferDetectionOutput);
    case OpKind::Reduce: return withParams<ReduceParams>(n, in, out, inferReduce);
    case OpKind::LayerNorm: return withParams<LayerNormParams>(n, in, out, inferLayerNorm);
  }
  return internalError(label(n) + ": unknown op kind " + str(static_cast<int>(n.kind)));
}

}  // namespace

Status inferNodeShapes(Node& node, const std::vector<Shape>& in, std::vector<Shape>& out) {
  if (node.kind != OpKind::Input) {
    // One output slot per output value; a node built without value ids keeps the caller's count.
    const size_t count = node.outputs.empty() ? std::max<size_t>(out.size(), 1) : node.outputs.size();
    out.assign(count, Shape{});
  }
  EQW_RETURN_IF_ERROR(dispatch(node, in, out));
  for (size_t i = 0; i < out.size(); ++i) EQW_RETURN_IF_ERROR(checkShape(node, out[i], "output " + str(i)));
  return Status::ok();
}

}  // namespace eqw
