// Windowed pooling pads each plane into per-thread scratch (-inf for max, 0 for average, also
// over the extra rows ceil mode adds) so the micro-kernel never tests bounds; the average
// divisors follow the reference rules and are precomputed once per output position.
#include "kernels/pool/f32_pool.h"

#include "core/parallel.h"
#include "kernels/conv/f32_conv_setup.h"
#include "kernels/fast_kernel.h"
#include "kernels/gemm/thread_scratch.h"

#include <algorithm>
#include <atomic>
#include <limits>

namespace eqw::kernels {
namespace {

class F32GlobalPool final : public FastKernel {
 public:
  F32GlobalPool(bool max, const Shape& in, const Shape& out, const FastUkernels& uk)
      : FastKernel(std::string("f32_global_") + (max ? "maxpool_" : "avgpool_") + uk.isaName, {in}, {out}),
        max_(max),
        uk_(uk) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const int64_t c = in_[0][1], plane = in_[0][2] * in_[0][3];
    const float* x = in[0]->f32();
    float* y = out[0]->f32();
    parallelFor(ctx.pool, c, std::max<int64_t>(1, 65536 / std::max<int64_t>(1, plane)), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i)
        y[i] = max_ ? uk_.reduceMax(x + i * plane, plane) : uk_.reduceSum(x + i * plane, plane) / static_cast<float>(plane);
    });
    return Status::ok();
  }

 private:
  bool max_;
  const FastUkernels& uk_;
};

class F32WindowPool final : public FastKernel {
 public:
  F32WindowPool(const PoolParams& p, const Shape& in, const Shape& out, const FastUkernels& uk)
      : FastKernel(std::string(p.type == PoolType::Max ? "f32_maxpool_" : "f32_avgpool_") + uk.isaName, {in}, {out}),
        p_(p),
        uk_(uk) {
    h_ = in[2], w_ = in[3];
    g_.oh = out[2], g_.ow = out[3];
    g_.kh = p.kernel_h, g_.kw = p.kernel_w, g_.sh = p.stride_h, g_.sw = p.stride_w;
    g_.ih = std::max(h_ + p.pads.top + p.pads.bottom, (g_.oh - 1) * p.stride_h + p.kernel_h);
    g_.iw = std::max(w_ + p.pads.left + p.pads.right, (g_.ow - 1) * p.stride_w + p.kernel_w);
    if (p.type == PoolType::Avg) makeDivisors();
  }

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const int64_t c = in_[0][1];
    const float* x = in[0]->f32();
    float* y = out[0]->f32();
    const bool max = p_.type == PoolType::Max;
    const float fill = max ? -std::numeric_limits<float>::infinity() : 0.f;
    const int pb = static_cast<int>(g_.ih - h_ - p_.pads.top), pr = static_cast<int>(g_.iw - w_ - p_.pads.left);
    const int64_t work = std::max<int64_t>(1, g_.oh * g_.ow * g_.kh * g_.kw);
    std::atomic<bool> failed{false};
    parallelFor(ctx.pool, c, std::max<int64_t>(1, 32768 / work), [&](int64_t b, int64_t e) {
      float* buf = threadScratch(static_cast<size_t>(g_.ih * g_.iw));
      if (!buf) {
        failed = true;
        return;
      }
      for (int64_t i = b; i < e; ++i) {
        padPlane(x + i * h_ * w_, h_, w_, p_.pads.top, p_.pads.left, pb, pr, fill, buf);
        float* yp = y + i * g_.oh * g_.ow;
        if (max) uk_.maxPool(g_, buf, yp);
        else uk_.avgPool(g_, buf, invCount_.data(), yp);
      }
    });
    if (failed) return internalError(name_ + ": out of memory for a padded plane");
    return Status::ok();
  }

 private:
  // 1 / divisor per output position, by the reference rules (see reference/pooling.cpp).
  void makeDivisors() {
    invCount_.resize(static_cast<size_t>(g_.oh * g_.ow) + 16, 0.f);
    for (int64_t oy = 0; oy < g_.oh; ++oy) {
      const int64_t y0 = oy * p_.stride_h - p_.pads.top, y1 = y0 + p_.kernel_h;
      const int64_t rows = p_.count_include_pad ? std::min(y1, h_ + p_.pads.bottom) - y0
                                                : std::min(y1, h_) - std::max<int64_t>(y0, 0);
      for (int64_t ox = 0; ox < g_.ow; ++ox) {
        const int64_t x0 = ox * p_.stride_w - p_.pads.left, x1 = x0 + p_.kernel_w;
        const int64_t cols = p_.count_include_pad ? std::min(x1, w_ + p_.pads.right) - x0
                                                  : std::min(x1, w_) - std::max<int64_t>(x0, 0);
        invCount_[oy * g_.ow + ox] = 1.f / static_cast<float>(std::max<int64_t>(1, rows * cols));
      }
    }
  }

  PoolParams p_;
  const FastUkernels& uk_;
  int64_t h_ = 0, w_ = 0;
  F32ConvGeom g_;
  std::vector<float> invCount_;
};

}  // namespace

Result<KernelPtr> makeF32Pool(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out,
                              const FastUkernels& uk) {
  if (in.size() != 1 || out.size() != 1 || in[0].size() != 4 || in[0][0] != 1) return KernelPtr{};
  const PoolParams& p = node.p<PoolParams>();
  const int64_t c = in[0][1], h = in[0][2], w = in[0][3];
  if (c <= 0 || h <= 0 || w <= 0) return KernelPtr{};
  if (p.global) {
    if (numel(out[0]) != c) return KernelPtr{};
    return KernelPtr(std::make_unique<F32GlobalPool>(p.type == PoolType::Max, in[0], out[0], uk));
  }
  if (out[0].size() != 4 || out[0][1] != c || out[0][2] <= 0 || out[0][3] <= 0) return KernelPtr{};
  if (p.kernel_h <= 0 || p.kernel_w <= 0 || p.stride_h <= 0 || p.stride_w <= 0) return KernelPtr{};
  if (p.pads.top < 0 || p.pads.left < 0 || p.pads.bottom < 0 || p.pads.right < 0) return KernelPtr{};
  // Every window must hold a real element (the reference writes 0 for an empty one).
  if (p.pads.top >= p.kernel_h || p.pads.left >= p.kernel_w) return KernelPtr{};
  if ((out[0][2] - 1) * p.stride_h - p.pads.top >= h || (out[0][3] - 1) * p.stride_w - p.pads.left >= w)
    return KernelPtr{};
  // One window over the whole plane without pads (resnet50's 7x7 pool5): the global reduction,
  // which reads each plane once instead of copying it into a padded one first (2048 planes of 49:
  // 0.11 -> 0.025 ms on 1 thread). Its divisor is the plane, as the window's is without pads.
  if (p.kernel_h == h && p.kernel_w == w && p.pads == Pads2d{} && out[0][2] == 1 && out[0][3] == 1)
    return KernelPtr(std::make_unique<F32GlobalPool>(p.type == PoolType::Max, in[0], out[0], uk));
  return KernelPtr(std::make_unique<F32WindowPool>(p, in[0], out[0], uk));
}

}  // namespace eqw::kernels
