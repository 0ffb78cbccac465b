// numpy matmul: batched over the broadcast leading axes; a 1-D A is a row, a 1-D B a column.
// B is the second input or the constant weights[0]; an optional bias [N] is added per column.
#include "core/shape_rules.h"
#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

class MatMulRef final : public RefKernel {
 public:
  MatMulRef(Shape a, Shape b, Tensor constB, Tensor bias, const Shapes& in, const Shapes& out)
      : RefKernel("f32_matmul_ref", in, out), b_(std::move(constB)), bias_(std::move(bias)) {
    // Matrices as [batch..., rows, cols], with the batch offsets of each output matrix.
    if (a.size() == 1) a = Shape{1, a[0]};
    if (b.size() == 1) b = Shape{b[0], 1};
    m_ = a[a.size() - 2];
    k_ = a.back();
    n_ = b.back();
    Shape batchA(a.begin(), a.end() - 2), batchB(b.begin(), b.end() - 2);
    // Shape inference has checked that the batch shapes broadcast.
    const Shape outBatch = shape_rules::broadcast(batchA, batchB).value_or(Shape{});
    offA_ = broadcastOffsets(batchA, outBatch);
    offB_ = broadcastOffsets(batchB, outBatch);
  }

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const float* a = in[0]->f32();
    const float* b = in.size() == 2 ? in[1]->f32() : b_.f32();
    float* y = out[0]->f32();
    const int64_t perMatrix = m_ * n_;
    parallelFor(ctx.pool, static_cast<int64_t>(offA_.size()) * m_, 1, [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const int64_t batch = r / m_, row = r % m_;
        const float* ar = a + offA_[batch] * m_ * k_ + row * k_;
        const float* bm = b + offB_[batch] * k_ * n_;
        float* yr = y + batch * perMatrix + row * n_;
        for (int64_t j = 0; j < n_; ++j) {
          double acc = bias_.empty() ? 0.0 : bias_.f32()[bias_.numel() == 1 ? 0 : j];
          for (int64_t t = 0; t < k_; ++t) acc += static_cast<double>(ar[t]) * bm[t * n_ + j];
          yr[j] = static_cast<float>(acc);
        }
      }
    });
    return Status::ok();
  }

 private:
  Tensor b_, bias_;
  int64_t m_ = 0, k_ = 0, n_ = 0;
  std::vector<int64_t> offA_, offB_;  // per output matrix: index of the A / B matrix it reads
};

}  // namespace

Result<KernelPtr> makeMatMul(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  const auto& p = node.p<MatMulParams>();
  const bool constB = inShapes.size() == 1;
  const size_t biasIndex = constB ? 1 : 0;
  EQW_RETURN_IF_ERROR(requireWeights(node, (constB ? 1 : 0) + (p.bias ? 1 : 0)));
  Tensor b = constB ? node.weights[0] : Tensor();
  Shape bShape = constB ? b.shape() : inShapes[1];
  return KernelPtr(new MatMulRef(inShapes[0], bShape, b, p.bias ? node.weights[biasIndex] : Tensor(), inShapes, outShapes));
}

}  // namespace eqw::kernels::ref
