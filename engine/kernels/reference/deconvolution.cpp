// Transposed convolution (ONNX ConvTranspose / ncnn Deconvolution), written as a gather: output
// (oy, ox) receives input (iy, ix) through tap (ky, kx) when iy * stride + ky * dilation ==
// oy + pad_top. Positions only output_pad reaches get the bias alone.
#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

class DeconvolutionRef final : public RefKernel {
 public:
  DeconvolutionRef(const ConvParams& p, Tensor w, Tensor b, const Shapes& in, const Shapes& out)
      : RefKernel("f32_deconvolution_ref", in, out), p_(p), w_(std::move(w)), b_(std::move(b)) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const Shape& xs = in_[0];
    const Shape& ys = out_[0];
    const int64_t outChannels = ys[1];
    parallelFor(ctx.pool, xs[0] * outChannels, 1, [&](int64_t b0, int64_t b1) {
      for (int64_t i = b0; i < b1; ++i)
        plane(in[0]->f32() + (i / outChannels) * xs[1] * xs[2] * xs[3], i % outChannels, out[0]->f32() + i * ys[2] * ys[3]);
    });
    return Status::ok();
  }

 private:
  // Input index along one axis that tap k feeds into output position o, or -1.
  static int64_t source(int64_t o, int64_t k, int64_t pad, int64_t stride, int64_t dilation, int64_t size) {
    const int64_t t = o + pad - k * dilation;
    if (t < 0 || t % stride != 0) return -1;
    const int64_t i = t / stride;
    return i < size ? i : -1;
  }

  void plane(const float* x, int64_t o, float* y) const {
    const Shape& xs = in_[0];
    const Shape& ys = out_[0];
    const int64_t h = xs[2], w = xs[3], oh = ys[2], ow = ys[3];
    const int64_t cg = xs[1] / p_.group, og = ys[1] / p_.group;
    const int64_t g = o / og, oInGroup = o % og;
    const int64_t taps = int64_t{p_.kernel_h} * p_.kernel_w;
    const double bias = b_.empty() ? 0.0 : b_.f32()[o];
    for (int64_t oy = 0; oy < oh; ++oy) {
      for (int64_t ox = 0; ox < ow; ++ox) {
        double acc = bias;
        for (int64_t c = 0; c < cg; ++c) {
          const int64_t ic = g * cg + c;
          const float* wc = w_.f32() + (ic * og + oInGroup) * taps;  // W[ic, oInGroup, :, :]
          for (int64_t ky = 0; ky < p_.kernel_h; ++ky) {
            const int64_t iy = source(oy, ky, p_.pads.top, p_.stride_h, p_.dilation_h, h);
            if (iy < 0) continue;
            for (int64_t kx = 0; kx < p_.kernel_w; ++kx) {
              const int64_t ix = source(ox, kx, p_.pads.left, p_.stride_w, p_.dilation_w, w);
              if (ix < 0) continue;
              acc += static_cast<double>(wc[ky * p_.kernel_w + kx]) * x[(ic * h + iy) * w + ix];
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

Result<KernelPtr> makeDeconvolution(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  const auto& p = node.p<ConvParams>();
  EQW_RETURN_IF_ERROR(requireWeights(node, p.bias ? 2 : 1));
  return KernelPtr(new DeconvolutionRef(p, node.weights[0], p.bias ? node.weights[1] : Tensor(), inShapes, outShapes));
}

}  // namespace eqw::kernels::ref
