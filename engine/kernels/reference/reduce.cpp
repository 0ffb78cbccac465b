// Reductions over a set of axes (all when none are listed), with or without kept dims.
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/shape_rules.h"
#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

class ReduceRef final : public RefKernel {
 public:
  ReduceRef(ReduceOp op, std::vector<int64_t> target, int64_t perOutput, const Shapes& in, const Shapes& out)
      : RefKernel("f32_reduce_ref", in, out), op_(op), target_(std::move(target)), perOutput_(perOutput) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext&) override {
    const int64_t nOut = product(out_[0]);
    std::vector<double> acc(static_cast<size_t>(nOut), initial());
    const float* x = in[0]->f32();
    for (size_t i = 0; i < target_.size(); ++i) {
      double& a = acc[target_[i]];
      const double v = x[i];
      switch (op_) {
        case ReduceOp::Sum:
        case ReduceOp::Mean: a += v; break;
        case ReduceOp::Max: a = std::max(a, v); break;
        case ReduceOp::Min: a = std::min(a, v); break;
        case ReduceOp::Prod: a *= v; break;
        case ReduceOp::SumSquare:
        case ReduceOp::L2: a += v * v; break;
        case ReduceOp::L1: a += std::fabs(v); break;
      }
    }
    for (int64_t o = 0; o < nOut; ++o) {
      double v = acc[o];
      if (op_ == ReduceOp::Mean) v /= static_cast<double>(perOutput_);
      if (op_ == ReduceOp::L2) v = std::sqrt(v);
      out[0]->f32()[o] = static_cast<float>(v);
    }
    return Status::ok();
  }

 private:
  double initial() const {
    switch (op_) {
      case ReduceOp::Max: return -std::numeric_limits<double>::infinity();
      case ReduceOp::Min: return std::numeric_limits<double>::infinity();
      case ReduceOp::Prod: return 1.0;
      default: return 0.0;
    }
  }

  ReduceOp op_;
  std::vector<int64_t> target_;  // per input element: the output element it folds into
  int64_t perOutput_;            // input elements per output element (Mean's divisor)
};

}  // namespace

Result<KernelPtr> makeReduce(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  const auto& p = node.p<ReduceParams>();
  const Shape& xs = inShapes[0];
  const int rank = static_cast<int>(xs.size());
  std::vector<char> reduced(rank, p.axes.empty() ? 1 : 0);
  for (int a : p.axes) reduced[shape_rules::normalizeAxis(a, rank)] = 1;
  // Output strides over the input's axes, 0 on reduced ones: kept dims or not, the output is
  // the input with reduced axes collapsed, in the same order.
  Shape kept;
  for (int d = 0; d < rank; ++d) kept.push_back(reduced[d] ? 1 : xs[d]);
  const std::vector<int64_t> keptStrides = stridesOf(kept);
  std::vector<int64_t> target(static_cast<size_t>(product(xs)));
  NdIndex idx(xs);
  for (auto& t : target) {
    t = 0;
    for (int d = 0; d < rank; ++d)
      if (!reduced[d]) t += idx.index()[d] * keptStrides[d];
    idx.next();
  }
  const int64_t perOutput = product(xs) / std::max<int64_t>(product(kept), 1);
  return KernelPtr(new ReduceRef(p.op, std::move(target), perOutput, inShapes, outShapes));
}

}  // namespace eqw::kernels::ref
