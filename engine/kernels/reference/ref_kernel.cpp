#include "kernels/reference/ref_kernel.h"

#include <exception>
#include <new>

namespace eqw::kernels::ref {

Status RefKernel::run(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) {
  if (in.size() != in_.size() || out.size() != out_.size())
    return internalError(name_ + ": got " + std::to_string(in.size()) + " inputs / " + std::to_string(out.size()) +
                         " outputs, built for " + std::to_string(in_.size()) + " / " + std::to_string(out_.size()));
  for (size_t i = 0; i < in.size(); ++i) {
    if (!in[i] || in[i]->empty() || in[i]->dtype() != DType::F32 || in[i]->numel() != product(in_[i]))
      return internalError(name_ + ": input " + std::to_string(i) + " is not a float32 tensor of shape " + toString(in_[i]) +
                           (in[i] && !in[i]->empty() ? " (got " + toString(in[i]->shape()) + ")" : ""));
  }
  for (size_t i = 0; i < out.size(); ++i) {
    if (!out[i]) return internalError(name_ + ": output " + std::to_string(i) + " is null");
    if (writesIntoOutputs() && (out[i]->empty() || out[i]->dtype() != DType::F32 || out[i]->numel() != product(out_[i])))
      return internalError(name_ + ": output " + std::to_string(i) + " is not a float32 tensor of shape " + toString(out_[i]));
  }
  try {
    return compute(in, out, ctx);
  } catch (const std::bad_alloc&) {
    return internalError(name_ + ": out of memory");
  } catch (const std::exception& e) {
    return internalError(name_ + ": " + e.what());
  }
}

int64_t product(const Shape& s, size_t b, size_t e) {
  int64_t p = 1;
  for (size_t i = b; i < e && i < s.size(); ++i) p *= s[i];
  return p;
}

std::vector<int64_t> stridesOf(const Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (size_t d = s.size(); d-- > 1;) st[d - 1] = st[d] * s[d];
  return st;
}

std::vector<int64_t> broadcastOffsets(const Shape& src, const Shape& dst) {
  const size_t rank = dst.size();
  // Source strides aligned to dst's axes, 0 where src repeats (missing or size-1 axis).
  std::vector<int64_t> st(rank, 0);
  const std::vector<int64_t> srcStrides = stridesOf(src);
  for (size_t i = 0; i < src.size() && i < rank; ++i) {
    const size_t d = rank - 1 - i, sd = src.size() - 1 - i;
    st[d] = src[sd] == 1 ? 0 : srcStrides[sd];
  }
  std::vector<int64_t> offsets(static_cast<size_t>(product(dst)));
  NdIndex idx(dst);
  for (auto& off : offsets) {
    int64_t o = 0;
    for (size_t d = 0; d < rank; ++d) o += idx.index()[d] * st[d];
    off = o;
    idx.next();
  }
  return offsets;
}

std::string nodeLabel(const Node& n) {
  return "node '" + n.name + "' (" + (n.source_type.empty() ? toString(n.kind) : n.source_type) + ")";
}

Status requireWeights(const Node& node, size_t count) {
  if (node.weights.size() < count)
    return invalidArgument(nodeLabel(node) + ": needs " + std::to_string(count) + " weight tensor(s), has " +
                           std::to_string(node.weights.size()));
  for (size_t i = 0; i < count; ++i)
    if (node.weights[i].empty() || node.weights[i].dtype() != DType::F32)
      return invalidArgument(nodeLabel(node) + ": weight " + std::to_string(i) + " is empty or not float32");
  return Status::ok();
}

}  // namespace eqw::kernels::ref
