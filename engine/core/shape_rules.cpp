// The shape rules shared by shape inference and the kernels (see shape_rules.h).
#include "core/shape_rules.h"

#include <algorithm>
#include <limits>
#include <string>

namespace eqw {

namespace shape_rules {

int normalizeAxis(int64_t axis, int rank) {
  if (axis < -rank || axis >= rank) return -1;
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

std::optional<Shape> broadcast(const Shape& a, const Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

namespace {
// Our shapes are [1] + ncnn's dims (ncnn has no batch axis); a shape without the leading 1 is
// taken as ncnn dims directly.
Shape ncnnDims(const Shape& s) {
  if (s.size() >= 2 && s[0] == 1) return Shape(s.begin() + 1, s.end());
  return s;
}
}  // namespace

Shape ncnnBroadcastView(const Shape& x, const Shape& other) {
  Shape xd = ncnnDims(x);
  const Shape od = ncnnDims(other);
  if (xd.size() < od.size()) {
    const size_t missing = od.size() - xd.size();
    if (xd.size() == 1 && xd[0] != od[0]) xd.insert(xd.begin(), missing, 1);  // inner aligned
    else xd.insert(xd.end(), missing, 1);                                      // outer aligned
  }
  xd.insert(xd.begin(), 1);
  return xd;
}

Result<std::vector<AxisRange>> resolveCrop(const CropParams& p, const Shape& in) {
  const int rank = static_cast<int>(in.size());
  const size_t n = p.starts.size();
  if (p.ends.size() != n) return shapeError(std::to_string(n) + " starts but " + std::to_string(p.ends.size()) + " ends");
  if (!p.axes.empty() && p.axes.size() != n) return shapeError(std::to_string(n) + " starts but " + std::to_string(p.axes.size()) + " axes");
  if (!p.steps.empty() && p.steps.size() != n) return shapeError(std::to_string(n) + " starts but " + std::to_string(p.steps.size()) + " steps");
  std::vector<AxisRange> r(rank);
  for (int d = 0; d < rank; ++d) r[d] = {0, 1, in[d]};
  std::vector<char> seen(rank, 0);
  for (size_t i = 0; i < n; ++i) {
    const int64_t rawAxis = p.axes.empty() ? static_cast<int64_t>(i) : p.axes[i];
    const int axis = normalizeAxis(rawAxis, rank);
    if (axis < 0) return shapeError("axis " + std::to_string(rawAxis) + " out of range for rank " + std::to_string(rank));
    if (seen[axis]) return shapeError("axis " + std::to_string(rawAxis) + " listed twice");
    seen[axis] = 1;
    const int64_t step = p.steps.empty() ? 1 : p.steps[i];
    if (step == 0) return shapeError("step 0 on axis " + std::to_string(rawAxis));
    const int64_t dim = in[axis];
    int64_t start = p.starts[i], end = p.ends[i];
    if (start < 0) start += dim;
    if (end < 0) end += dim;
    int64_t count = 0;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      count = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      const int64_t s = step == std::numeric_limits<int64_t>::min() ? std::numeric_limits<int64_t>::max() : -step;
      count = start > end ? (start - end + s - 1) / s : 0;
    }
    if (count <= 0)
      return shapeError("axis " + std::to_string(rawAxis) + " of size " + std::to_string(dim) + " cropped to nothing (start " +
                        std::to_string(p.starts[i]) + ", end " + std::to_string(p.ends[i]) + ", step " + std::to_string(step) + ")");
    r[axis] = {start, step, count};
  }
  return r;
}

}  // namespace shape_rules

}  // namespace eqw
