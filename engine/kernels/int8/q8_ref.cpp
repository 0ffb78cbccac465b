// The scalar integer reference: direct loops over the quantized input, int32 accumulators, the
// shared dequantization. Every SIMD kernel is judged against it bit for bit.
#include "kernels/int8/q8_kernels.h"
#include "kernels/reference/ref_kernel.h"

#include <algorithm>
#include <new>
#include <string>

namespace eqw::kernels::q8 {

namespace {

class Q8Ref final : public OpKernel {
 public:
  Q8Ref(Q8Layer l, const ref::Shapes& in, const ref::Shapes& out)
      : name_(l.conv ? "q8_conv_ref" : "q8_inner_product_ref"), in_(in), out_(out), l_(std::move(l)) {}

  const char* name() const override { return name_.c_str(); }
  // A residual layer may write over `other` (its last input): each output plane is computed
  // aside, with that plane of `other` added, before it is stored.
  int inPlaceInput() const override { return l_.residual ? static_cast<int>(in_.size()) : -1; }

  // RefKernel's checks with the layer's tensor types (the int8 flow reads and writes bytes).
  Status run(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    // A residual layer also reads `other` (Q8Layer::residual), the output's shape in floats.
    const size_t inputs = in_.size() + (l_.residual ? 1 : 0);
    if (in.size() != inputs || out.size() != out_.size() || in_.empty() || out_.empty())
      return internalError(name_ + ": expected " + std::to_string(inputs) + " input(s) and " + std::to_string(out_.size()) +
                           " output(s)");
    if (l_.residual && (!in.back() || in.back()->dtype() != DType::F32 || in.back()->numel() != ref::product(out_[0])))
      return internalError(name_ + ": the residual input is not " + toString(out_[0]) + " float32");
    if (!in[0] || in[0]->empty() || in[0]->dtype() != inputDType(l_) || in[0]->numel() != ref::product(in_[0]))
      return internalError(name_ + ": input is not " + toString(in_[0]) + " " + toString(inputDType(l_)));
    if (!out[0] || out[0]->empty() || out[0]->dtype() != outputDType(l_) || out[0]->numel() != ref::product(out_[0]))
      return internalError(name_ + ": output is not " + toString(out_[0]) + " " + toString(outputDType(l_)));
    if (l_.twin && (out.size() != 2 || !out[1] || out[1]->dtype() != twinDType(l_) || out[1]->numel() != ref::product(out_[0])))
      return internalError(name_ + ": the integer twin output is not " + toString(out_[0]) + " " + toString(twinDType(l_)));
    try {
      return compute(in, out, ctx);
    } catch (const std::bad_alloc&) {
      return internalError(name_ + ": out of memory for the quantized input");
    }
  }

 private:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) {
    const int64_t n = ref::product(in_[0]);
    xq_.resize(static_cast<size_t>(n));
    if (!l_.in_q) {
      const float* x = in[0]->f32();
      for (int64_t i = 0; i < n; ++i) xq_[static_cast<size_t>(i)] = quantize(x[i], l_.in_scale, l_.in_lo, l_.in_hi);
    } else if (l_.in_lo < 0.f) {
      const int8_t* x = in[0]->data<int8_t>();
      for (int64_t i = 0; i < n; ++i) xq_[static_cast<size_t>(i)] = x[i];
    } else {
      const uint8_t* x = in[0]->data<uint8_t>();
      for (int64_t i = 0; i < n; ++i) xq_[static_cast<size_t>(i)] = x[i];
    }
    const int64_t plane = l_.conv ? l_.oh * l_.ow : 1;
    parallelFor(ctx.pool, l_.oc, 1, [&](int64_t b, int64_t e) {
      std::vector<float> y(static_cast<size_t>(plane));
      for (int64_t o = b; o < e; ++o) {
        if (l_.conv) convPlane(o, y.data());
        else y[0] = dequantize(l_, o, dot(o));
        if (l_.residual) {
          const float* other = in.back()->f32() + o * plane;
          for (int64_t i = 0; i < plane; ++i) y[static_cast<size_t>(i)] = addResidual(l_, y[static_cast<size_t>(i)], other[i]);
        }
        if (l_.twin) {
          uint8_t* t = out[1]->data<uint8_t>() + o * plane;
          for (int64_t i = 0; i < plane; ++i)
            t[i] = static_cast<uint8_t>(quantize(y[static_cast<size_t>(i)], l_.twin_scale, l_.twin_lo, l_.twin_hi));
        }
        if (!l_.out_q) {
          std::copy(y.begin(), y.end(), out[0]->f32() + o * plane);
          continue;
        }
        uint8_t* q = out[0]->data<uint8_t>() + o * plane;
        for (int64_t i = 0; i < plane; ++i) q[i] = requantize(l_, y[static_cast<size_t>(i)]);
      }
    });
    return Status::ok();
  }

  int32_t dot(int64_t o) const {
    int32_t acc = 0;
    for (int64_t i = 0; i < l_.k; ++i) acc += static_cast<int32_t>(l_.wq[static_cast<size_t>(o * l_.k + i)]) * xq_[static_cast<size_t>(i)];
    return acc;
  }

  void convPlane(int64_t o, float* y) const {
    const ConvParams& p = l_.p;
    const int64_t cg = l_.c / p.group, og = l_.oc / p.group, first = (o / og) * cg;
    const int8_t* wo = l_.wq.data() + o * l_.k;
    for (int64_t oy = 0; oy < l_.oh; ++oy)
      for (int64_t ox = 0; ox < l_.ow; ++ox) {
        int32_t acc = 0;
        for (int64_t c = 0; c < cg; ++c)
          for (int64_t ky = 0; ky < p.kernel_h; ++ky) {
            const int64_t iy = oy * p.stride_h - p.pads.top + ky * p.dilation_h;
            for (int64_t kx = 0; kx < p.kernel_w; ++kx) {
              const int64_t ix = ox * p.stride_w - p.pads.left + kx * p.dilation_w;
              const bool inside = iy >= 0 && iy < l_.h && ix >= 0 && ix < l_.w;
              const int32_t v = inside ? xq_[static_cast<size_t>(((first + c) * l_.h + iy) * l_.w + ix)] : l_.pad_q;
              acc += static_cast<int32_t>(wo[(c * p.kernel_h + ky) * p.kernel_w + kx]) * v;
            }
          }
        y[oy * l_.ow + ox] = dequantize(l_, o, acc);
      }
  }

  std::string name_;
  const ref::Shapes in_, out_;
  Q8Layer l_;
  std::vector<int32_t> xq_;
};

}  // namespace

Result<KernelPtr> makeQ8Reference(const Node& resolved, const std::vector<Shape>& in, const std::vector<Shape>& out) {
  if (in.empty() || out.empty()) return internalError("node '" + resolved.name + "': no input or output shape");
  auto l = prepareLayer(resolved, in[0], out[0]);
  if (!l) return l.status();
  return KernelPtr(new Q8Ref(std::move(l.value()), in, out));
}

}  // namespace eqw::kernels::q8
