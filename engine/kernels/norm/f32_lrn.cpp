// LRN across channels, y = x / (bias + alpha / n * sum of x^2 over the n channels around)^beta,
// with the reference's arithmetic: the window summed in double in the same channel order, the
// same scale expression. What the reference spends its time on is a pow per element and a
// channel walk with a stride of a whole plane per term; here each task takes a run of pixels of
// every channel (contiguous rows, vector loops), and beta = 0.75 (Caffe's and every LRN model's
// default) is s^-0.75 = 1 / (sqrt(s) * sqrt(sqrt(s))): two square roots instead of a pow, within
// an ulp or two of the double pow, which the cast to float hides in all but a few values (test:
// every output within a float ulp of the reference, at most 0.1 % differing). Other betas keep
// std::pow.
#include "kernels/norm/f32_lrn.h"

#include "core/parallel.h"
#include "kernels/fast_kernel.h"

#include <algorithm>
#include <cmath>

namespace eqw::kernels {
namespace {

class F32LRN final : public FastKernel {
 public:
  F32LRN(const LRNParams& p, const Shape& in, const Shape& out)
      : FastKernel("f32_lrn_across", {in}, {out}), p_(p) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const Shape& s = in_[0];
    const int64_t batch = s[0], channels = s[1];
    int64_t inner = 1;
    for (size_t d = 2; d < s.size(); ++d) inner *= s[d];
    const int64_t runs = (inner + kRun - 1) / kRun;
    const float* x = in[0]->f32();
    float* y = out[0]->f32();
    const int64_t before = (p_.local_size - 1) / 2, after = p_.local_size / 2;
    // Locals, not members: a float member could alias the output rows and keep the loops scalar.
    const double k = p_.alpha / static_cast<double>(p_.local_size), beta = p_.beta, bias = p_.bias;
    const bool threeQuarters = p_.beta == 0.75f;
    parallelFor(ctx.pool, batch * runs, 1, [&](int64_t b, int64_t e) {
      alignas(64) double sum[kRun];
      for (int64_t t = b; t < e; ++t) {
        const int64_t n = t / runs, i0 = (t % runs) * kRun, len = std::min(kRun, inner - i0);
        const float* xn = x + n * channels * inner + i0;
        float* yn = y + n * channels * inner + i0;
        for (int64_t c = 0; c < channels; ++c) {
          for (int64_t i = 0; i < len; ++i) sum[i] = 0.0;
          for (int64_t q = std::max<int64_t>(c - before, 0); q <= std::min(c + after, channels - 1); ++q) {
            const float* __restrict xq = xn + q * inner;
            for (int64_t i = 0; i < len; ++i) sum[i] += static_cast<double>(xq[i]) * xq[i];
          }
          const float* __restrict xc = xn + c * inner;
          float* __restrict yc = yn + c * inner;
          if (threeQuarters) {
            for (int64_t i = 0; i < len; ++i) {
              const double scale = bias + k * sum[i], root = std::sqrt(scale);
              yc[i] = static_cast<float>(xc[i] / (root * std::sqrt(root)));
            }
          } else {
            for (int64_t i = 0; i < len; ++i) yc[i] = static_cast<float>(xc[i] / std::pow(bias + k * sum[i], beta));
          }
        }
      }
    });
    return Status::ok();
  }

 private:
  static constexpr int64_t kRun = 256;  // pixels a task takes of each channel
  LRNParams p_;
};

}  // namespace

Result<KernelPtr> makeF32LRN(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out,
                             const FastUkernels&) {
  const LRNParams& p = node.p<LRNParams>();
  if (p.region != LRNRegion::AcrossChannels || in.empty() || in[0].size() < 3 || p.local_size < 1) return KernelPtr{};
  return KernelPtr(new F32LRN(p, in[0], out[0]));
}

}  // namespace eqw::kernels
