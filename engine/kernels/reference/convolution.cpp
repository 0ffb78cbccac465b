// Direct convolution (groups, depthwise, dilation, pad_value, fused activation), one output
// value at a time with a double accumulator: slow, plain and exact enough to judge fast kernels.
#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

class ConvolutionRef final : public RefKernel {
 public:
  ConvolutionRef(const ConvParams& p, Tensor w, Tensor b, const Shapes& in, const Shapes& out)
      : RefKernel("f32_convolution_ref", in, out), p_(p), w_(std::move(w)), b_(std::move(b)) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const Shape& xs = in_[0];
    const Shape& ys = out_[0];
    const int64_t batch = xs[0], channels = xs[1];
    const int64_t outChannels = ys[1];
    // Each (image, output channel) plane is independent.
    parallelFor(ctx.pool, batch * outChannels, 1, [&](int64_t b0, int64_t b1) {
      for (int64_t i = b0; i < b1; ++i) plane(in[0]->f32() + (i / outChannels) * channels * xs[2] * xs[3], i % outChannels,
                                              out[0]->f32() + i * ys[2] * ys[3]);
    });
    return Status::ok();
  }

 private:
  void plane(const float* x, int64_t o, float* y) const {
    const Shape& xs = in_[0];
    const Shape& ys = out_[0];
    const int64_t h = xs[2], w = xs[3], oh = ys[2], ow = ys[3];
    const int64_t cg = xs[1] / p_.group, og = ys[1] / p_.group;
    const int64_t firstChannel = (o / og) * cg;
    const float* wo = w_.f32() + o * cg * p_.kernel_h * p_.kernel_w;
    const double bias = b_.empty() ? 0.0 : b_.f32()[o];
    for (int64_t oy = 0; oy < oh; ++oy) {
      for (int64_t ox = 0; ox < ow; ++ox) {
        double acc = bias;
        for (int64_t c = 0; c < cg; ++c) {
          const float* xc = x + (firstChannel + c) * h * w;
          const float* wc = wo + c * p_.kernel_h * p_.kernel_w;
          for (int64_t ky = 0; ky < p_.kernel_h; ++ky) {
            const int64_t iy = oy * p_.stride_h - p_.pads.top + ky * p_.dilation_h;
            for (int64_t kx = 0; kx < p_.kernel_w; ++kx) {
              const int64_t ix = ox * p_.stride_w - p_.pads.left + kx * p_.dilation_w;
              const bool inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
              const float v = inside ? xc[iy * w + ix] : p_.pad_value;
              acc += static_cast<double>(wc[ky * p_.kernel_w + kx]) * v;
            }
          }
        }
        y[oy * ow + ox] = applyActivation(p_.act, static_cast<float>(acc));
      }
    }
  }

  ConvParams p_;
  Tensor w_, b_;
};

}  // namespace

Result<KernelPtr> makeConvolution(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  const auto& p = node.p<ConvParams>();
  EQW_RETURN_IF_ERROR(requireWeights(node, p.bias ? 2 : 1));
  return KernelPtr(new ConvolutionRef(p, node.weights[0], p.bias ? node.weights[1] : Tensor(), inShapes, outShapes));
}

}  // namespace eqw::kernels::ref
