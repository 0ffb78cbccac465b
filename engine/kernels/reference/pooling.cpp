// Max / average pooling, global or windowed. Window (oy, ox) covers input rows
// [oy * stride - pad_top, + kernel) and likewise columns; only real input elements are read.
// Average divisors:
//   count_include_pad = false: the number of real elements in the window;
//   count_include_pad = true:  the window clipped to the explicitly padded extent, so explicit
//     pads count but the extra that ceil mode adds past pad_bottom / pad_right does not
//     (Caffe, ncnn pad_mode 0 with avgpool_count_include_pad, PyTorch).
// A window with no real element (only possible with pads >= kernel) yields 0.
#include <algorithm>
#include <limits>

#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

class PoolingRef final : public RefKernel {
 public:
  PoolingRef(const PoolParams& p, const Shapes& in, const Shapes& out)
      : RefKernel("f32_pooling_ref", in, out),
        p_(p),
        kh_(p.global ? in[0][2] : p.kernel_h),
        kw_(p.global ? in[0][3] : p.kernel_w) {
    if (p_.global) p_.pads = {};  // the whole plane, no pads
  }

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const Shape& xs = in_[0];
    const int64_t planes = xs[0] * xs[1], inPlane = xs[2] * xs[3];
    const int64_t outPlane = product(out_[0]) / planes;
    parallelFor(ctx.pool, planes, 1, [&](int64_t p0, int64_t p1) {
      for (int64_t i = p0; i < p1; ++i) plane(in[0]->f32() + i * inPlane, out[0]->f32() + i * outPlane);
    });
    return Status::ok();
  }

 private:
  void plane(const float* x, float* y) const {
    const int64_t h = in_[0][2], w = in_[0][3];
    const int64_t oh = p_.global ? 1 : out_[0][2], ow = p_.global ? 1 : out_[0][3];
    for (int64_t oy = 0; oy < oh; ++oy) {
      for (int64_t ox = 0; ox < ow; ++ox) {
        const int64_t y0 = oy * p_.stride_h - p_.pads.top, x0 = ox * p_.stride_w - p_.pads.left;
        const int64_t y1 = y0 + kh_, x1 = x0 + kw_;
        double sum = 0.0;
        float best = -std::numeric_limits<float>::infinity();
        int64_t count = 0;
        for (int64_t iy = std::max<int64_t>(y0, 0); iy < std::min(y1, h); ++iy) {
          for (int64_t ix = std::max<int64_t>(x0, 0); ix < std::min(x1, w); ++ix) {
            const float v = x[iy * w + ix];
            sum += v;
            best = std::max(best, v);
            ++count;
          }
        }
        float result = 0.f;
        if (count > 0) {
          if (p_.type == PoolType::Max) {
            result = best;
          } else {
            int64_t divisor = count;
            if (p_.count_include_pad)
              divisor = (std::min(y1, h + p_.pads.bottom) - y0) * (std::min(x1, w + p_.pads.right) - x0);
            result = static_cast<float>(sum / static_cast<double>(divisor));
          }
        }
        y[oy * ow + ox] = result;
      }
    }
  }

  PoolParams p_;
  int64_t kh_, kw_;  // window size (the whole plane for global pooling)
};

}  // namespace

Result<KernelPtr> makePooling(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  return KernelPtr(new PoolingRef(node.p<PoolParams>(), inShapes, outShapes));
}

}  // namespace eqw::kernels::ref
