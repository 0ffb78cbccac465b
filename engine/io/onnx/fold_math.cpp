#include "io/onnx/fold_math.h"

#include <algorithm>
#include <cmath>

namespace eqw::onnximport::fold {

namespace {

int64_t count(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

bool tooLarge(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d < 0 || (d > 0 && n > kMaxFoldElements / d)) return true;
    n *= d;
  }
  return n > kMaxFoldElements;
}

std::vector<int64_t> stridesOf(const Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (int k = static_cast<int>(s.size()) - 2; k >= 0; --k) st[k] = st[k + 1] * s[k + 1];
  return st;
}

// An empty tensor of x's element kind with the given dims.
ConstTensor like(const ConstTensor& x, Shape dims) {
  ConstTensor c;
  c.dtype = x.dtype;
  c.dims = std::move(dims);
  if (c.isFloat()) c.f.resize(static_cast<size_t>(count(c.dims)));
  else c.i.resize(static_cast<size_t>(count(c.dims)));
  return c;
}

void copyElem(const ConstTensor& src, int64_t from, ConstTensor& dst, int64_t to) {
  if (src.isFloat()) dst.f[to] = src.f[from];
  else dst.i[to] = src.i[from];
}

// Flat index into an input of shape `in` (right-aligned against `out`) for output coordinates.
int64_t broadcastIndex(const std::vector<int64_t>& coord, const Shape& out, const Shape& in) {
  const size_t offset = out.size() - in.size();
  int64_t idx = 0;
  for (size_t k = 0; k < in.size(); ++k) idx = idx * in[k] + (in[k] == 1 ? 0 : coord[k + offset]);
  return idx;
}

void advance(std::vector<int64_t>& coord, const Shape& shape) {
  for (int k = static_cast<int>(shape.size()) - 1; k >= 0; --k) {
    if (++coord[k] < shape[k]) return;
    coord[k] = 0;
  }
}

double applyFloat(BinOp op, double a, double b) {
  switch (op) {
    case BinOp::Add: return a + b;
    case BinOp::Sub: return a - b;
    case BinOp::Mul: return a * b;
    case BinOp::Div: return a / b;
    case BinOp::Pow: return std::pow(a, b);
    case BinOp::Max: return std::max(a, b);
    case BinOp::Min: return std::min(a, b);
    case BinOp::Equal: return a == b ? 1.0 : 0.0;
  }
  return 0.0;
}

int64_t applyInt(BinOp op, int64_t a, int64_t b) {
  switch (op) {
    case BinOp::Add: return a + b;
    case BinOp::Sub: return a - b;
    case BinOp::Mul: return a * b;
    case BinOp::Div: return b == 0 ? 0 : a / b;  // integer division truncates, as onnxruntime does
    case BinOp::Pow: return static_cast<int64_t>(std::pow(static_cast<double>(a), static_cast<double>(b)));
    case BinOp::Max: return std::max(a, b);
    case BinOp::Min: return std::min(a, b);
    case BinOp::Equal: return a == b;
  }
  return 0;
}

}  // namespace

std::optional<ConstTensor> binary(BinOp op, const ConstTensor& a, const ConstTensor& b) {
  const size_t rank = std::max(a.dims.size(), b.dims.size());
  Shape out(rank, 1);
  for (size_t k = 0; k < rank; ++k) {
    int64_t da = k + a.dims.size() >= rank ? a.dims[k + a.dims.size() - rank] : 1;
    int64_t db = k + b.dims.size() >= rank ? b.dims[k + b.dims.size() - rank] : 1;
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out[k] = da == 1 ? db : da;
  }
  if (tooLarge(out)) return std::nullopt;
  const bool isFloat = a.isFloat() || b.isFloat();
  ConstTensor c = isFloat ? ConstTensor::floats(out, {}) : ConstTensor::ints(out, {});
  if (op == BinOp::Equal) c.dtype = onnx::TensorProto::BOOL;
  if (!isFloat && op != BinOp::Equal) c.dtype = a.dtype;
  const int64_t n = count(out);
  std::vector<int64_t> coord(rank, 0);
  for (int64_t k = 0; k < n; ++k, advance(coord, out)) {
    const int64_t ia = broadcastIndex(coord, out, a.dims), ib = broadcastIndex(coord, out, b.dims);
    if (op == BinOp::Equal) c.i.push_back(static_cast<int64_t>(applyFloat(op, a.get(ia), b.get(ib))));
    else if (isFloat) c.f.push_back(static_cast<float>(applyFloat(op, a.get(ia), b.get(ib))));
    else c.i.push_back(applyInt(op, a.i[ia], b.i[ib]));
  }
  return c;
}

std::optional<ConstTensor> unary(const std::string& op, const ConstTensor& x) {
  ConstTensor c = x;
  auto each = [&](auto fn) {
    for (float& v : c.f) v = static_cast<float>(fn(static_cast<double>(v)));
    for (int64_t& v : c.i) v = static_cast<int64_t>(fn(static_cast<double>(v)));
  };
  if (op == "Neg") each([](double v) { return -v; });
  else if (op == "Abs") each([](double v) { return std::fabs(v); });
  else if (op == "Floor") each([](double v) { return std::floor(v); });
  else if (op == "Ceil") each([](double v) { return std::ceil(v); });
  else if (op == "Sqrt" && x.isFloat()) each([](double v) { return std::sqrt(v); });
  else if (op == "Reciprocal" && x.isFloat()) each([](double v) { return 1.0 / v; });
  else return std::nullopt;
  return c;
}

std::optional<ConstTensor> gather(const ConstTensor& data, const ConstTensor& indices, int64_t axis) {
  const int64_t rank = static_cast<int64_t>(data.dims.size());
  if (axis < -rank || axis >= rank) return std::nullopt;
  if (axis < 0) axis += rank;
  const int64_t dim = data.dims[axis];
  Shape out(data.dims.begin(), data.dims.begin() + axis);
  out.insert(out.end(), indices.dims.begin(), indices.dims.end());
  out.insert(out.end(), data.dims.begin() + axis + 1, data.dims.end());
  if (tooLarge(out)) return std::nullopt;
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < axis; ++k) outer *= data.dims[k];
  for (int64_t k = axis + 1; k < rank; ++k) inner *= data.dims[k];
  std::vector<int64_t> idx = indices.asInts();
  ConstTensor c = like(data, out);
  int64_t to = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t v : idx) {
      if (v < -dim || v >= dim) return std::nullopt;
      if (v < 0) v += dim;
      for (int64_t in = 0; in < inner; ++in) copyElem(data, (o * dim + v) * inner + in, c, to++);
    }
  return c;
}

std::optional<ConstTensor> transpose(const ConstTensor& x, const std::vector<int64_t>& perm) {
  const size_t rank = x.dims.size();
  if (perm.size() != rank) return std::nullopt;
  Shape out(rank);
  std::vector<char> seen(rank, 0);
  for (size_t k = 0; k < rank; ++k) {
    if (perm[k] < 0 || perm[k] >= static_cast<int64_t>(rank) || seen[perm[k]]) return std::nullopt;
    seen[perm[k]] = 1;
    out[k] = x.dims[perm[k]];
  }
  std::vector<int64_t> inStrides = stridesOf(x.dims);
  ConstTensor c = like(x, out);
  std::vector<int64_t> coord(rank, 0);
  const int64_t n = count(out);
  for (int64_t k = 0; k < n; ++k, advance(coord, out)) {
    int64_t from = 0;
    for (size_t d = 0; d < rank; ++d) from += coord[d] * inStrides[perm[d]];
    copyElem(x, from, c, k);
  }
  return c;
}

std::optional<ConstTensor> slice(const ConstTensor& x, const std::vector<int64_t>& starts, const std::vector<int64_t>& ends,
                                 const std::vector<int64_t>& axes, const std::vector<int64_t>& steps) {
  const size_t rank = x.dims.size();
  std::vector<int64_t> begin(rank, 0), step(rank, 1);
  Shape out = x.dims;
  for (size_t k = 0; k < axes.size(); ++k) {
    const int64_t a = axes[k];
    if (a < 0 || a >= static_cast<int64_t>(rank) || steps[k] == 0) return std::nullopt;
    const int64_t dim = x.dims[a], s = steps[k];
    int64_t b = starts[k], e = ends[k];
    if (b < 0) b += dim;
    if (e < 0) e += dim;
    if (s > 0) {
      b = std::clamp<int64_t>(b, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      out[a] = e > b ? (e - b + s - 1) / s : 0;
    } else {
      b = std::clamp<int64_t>(b, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      out[a] = b > e ? (b - e - s - 1) / -s : 0;
    }
    begin[a] = b;
    step[a] = s;
  }
  std::vector<int64_t> inStrides = stridesOf(x.dims);
  ConstTensor c = like(x, out);
  std::vector<int64_t> coord(rank, 0);
  const int64_t n = count(out);
  for (int64_t k = 0; k < n; ++k, advance(coord, out)) {
    int64_t from = 0;
    for (size_t d = 0; d < rank; ++d) from += (begin[d] + coord[d] * step[d]) * inStrides[d];
    copyElem(x, from, c, k);
  }
  return c;
}

std::optional<ConstTensor> concat(const std::vector<const ConstTensor*>& parts, int64_t axis) {
  if (parts.empty()) return std::nullopt;
  const ConstTensor& first = *parts[0];
  const int64_t rank = static_cast<int64_t>(first.dims.size());
  if (axis < -rank || axis >= rank) return std::nullopt;
  if (axis < 0) axis += rank;
  Shape out = first.dims;
  out[axis] = 0;
  for (const ConstTensor* p : parts) {
    if (p->dims.size() != first.dims.size() || p->isFloat() != first.isFloat()) return std::nullopt;
    for (int64_t k = 0; k < rank; ++k)
      if (k != axis && p->dims[k] != first.dims[k]) return std::nullopt;
    out[axis] += p->dims[axis];
  }
  if (tooLarge(out)) return std::nullopt;
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < axis; ++k) outer *= out[k];
  for (int64_t k = axis + 1; k < rank; ++k) inner *= out[k];
  ConstTensor c = like(first, out);
  int64_t to = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (const ConstTensor* p : parts) {
      const int64_t chunk = p->dims[axis] * inner;
      for (int64_t k = 0; k < chunk; ++k) copyElem(*p, o * chunk + k, c, to++);
    }
  return c;
}

std::optional<Shape> reshapeTarget(const Shape& dims, const std::vector<int64_t>& shape, bool allowZero) {
  Shape out;
  int64_t known = 1, infer = -1;
  for (size_t k = 0; k < shape.size(); ++k) {
    int64_t d = shape[k];
    if (d == 0 && !allowZero) {
      if (k >= dims.size()) return std::nullopt;
      d = dims[k];
    }
    if (d == -1) {
      if (infer >= 0) return std::nullopt;
      infer = static_cast<int64_t>(k);
      out.push_back(1);
      continue;
    }
    if (d < 0) return std::nullopt;
    known *= d;
    out.push_back(d);
  }
  const int64_t total = count(dims);
  if (infer >= 0) {
    if (known == 0 || total % known != 0) return std::nullopt;
    out[infer] = total / known;
  } else if (known != total) {
    return std::nullopt;
  }
  return out;
}

ConstTensor cast(const ConstTensor& x, int32_t to) {
  ConstTensor c;
  c.dims = x.dims;
  c.dtype = to;
  if (isFloatType(to)) {
    c.f = x.asFloats();
  } else if (to == onnx::TensorProto::BOOL) {
    for (int64_t k = 0; k < x.numel(); ++k) c.i.push_back(x.get(k) != 0.0);
  } else {
    c.i = x.asInts();
  }
  return c;
}

}  // namespace eqw::onnximport::fold
