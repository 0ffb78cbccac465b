// Integer depthwise convolution for the geometries the channel-blocked kernel (q8_dw_blocked.cpp)
// does not cover (dilation, 7x7, unequal strides...): each channel is quantized into an int16
// plane framed by the quantized pad value, then summed row by row per tap in int32 and
// dequantized with the fused activation (x86/q8_rows_impl.h). Integer sums make it bit-identical
// to the reference at any width; channels are the parallel tasks.
#include <algorithm>
#include <new>

#include "core/parallel.h"
#include "kernels/int8/q8_depthwise.h"
#include "kernels/int8/q8_dw_blocked.h"

namespace eqw::kernels::q8 {

namespace {

class Q8Depthwise final : public OpKernel {
 public:
  Q8Depthwise(Q8Layer l, Q8Rows rows) : l_(std::move(l)), rows_(rows), name_(std::string("q8_dwconv_") + rows.isa) {
    const ConvParams& p = l_.p;
    hp_ = l_.h + p.pads.top + p.pads.bottom;
    // Columns: the padded input, widened so that every tap can read owPad (a multiple of 16)
    // columns of its phase (the extra ones hold the pad value; their sums are dropped).
    owPad_ = (l_.ow + 15) / 16 * 16;
    const int64_t reach = static_cast<int64_t>(p.kernel_w - 1) * p.dilation_w;
    wq_ = std::max<int64_t>((l_.w + p.pads.left + p.pads.right + p.stride_w - 1) / p.stride_w, owPad_ + reach / p.stride_w + 1);
    wp_ = std::max<int64_t>(l_.w + p.pads.left + p.pads.right, wq_ * p.stride_w);
    act_ = rowActivation(l_.act);
  }

  const char* name() const override { return name_.c_str(); }

  Status run(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const int64_t plane = l_.h * l_.w;
    if (in.empty() || out.empty() || in[0]->numel() != l_.c * plane || out[0]->numel() != l_.oc * l_.oh * l_.ow ||
        in[0]->dtype() != inputDType(l_) || out[0]->dtype() != outputDType(l_))
      return internalError(name_ + ": tensors do not match the shapes the kernel was built for");
    try {
      const int64_t outPlane = l_.oh * l_.ow;
      parallelFor(ctx.pool, l_.c, 1, [&](int64_t b, int64_t e) {
        std::vector<uint8_t> q(static_cast<size_t>(plane));
        std::vector<int16_t> xpad(static_cast<size_t>(hp_ * wp_));
        std::vector<int16_t> phases(l_.p.stride_w > 1 ? static_cast<size_t>(l_.p.stride_w * hp_ * wq_) : 0);
        std::vector<int32_t> acc(static_cast<size_t>(owPad_));
        std::vector<float> yrow(l_.out_q ? static_cast<size_t>(outPlane) : 0);  // the int8 flow's float plane
        for (int64_t c = b; c < e; ++c) {
          float* y = l_.out_q ? yrow.data() : out[0]->f32() + c * outPlane;
          channel(c, *in[0], q, xpad, phases, acc, y);
          if (!l_.out_q) continue;
          uint8_t* yq = out[0]->data<uint8_t>() + c * outPlane;
          rows_.quantize(y, outPlane, l_.out_scale, l_.out_lo, l_.out_hi, 0, yq);
        }
      });
    } catch (const std::bad_alloc&) {
      return internalError(name_ + ": out of memory for its planes");
    }
    return Status::ok();
  }

 private:
  void channel(int64_t c, const Tensor& in, std::vector<uint8_t>& q, std::vector<int16_t>& xpad,
               std::vector<int16_t>& phases, std::vector<int32_t>& acc, float* y) const {
    const ConvParams& p = l_.p;
    const int64_t plane = l_.h * l_.w;
    // The row quantizer writes bytes: a signed grid is shifted by +128 there and back here. An
    // integer input (the int8 flow) is read as it is: int8 bits on a signed grid.
    const int32_t off = l_.in_lo < 0.f ? 128 : 0;
    const uint8_t* bytes = q.data();
    if (l_.in_q) bytes = in.data<uint8_t>() + c * plane;
    else rows_.quantize(in.f32() + c * plane, plane, l_.in_scale, l_.in_lo, l_.in_hi, off, q.data());
    std::fill(xpad.begin(), xpad.end(), static_cast<int16_t>(l_.pad_q));
    for (int64_t iy = 0; iy < l_.h; ++iy) {
      int16_t* dst = xpad.data() + (iy + p.pads.top) * wp_ + p.pads.left;
      const uint8_t* src = bytes + iy * l_.w;
      if (l_.in_q && off)
        for (int64_t ix = 0; ix < l_.w; ++ix) dst[ix] = static_cast<int8_t>(src[ix]);
      else
        for (int64_t ix = 0; ix < l_.w; ++ix) dst[ix] = static_cast<int16_t>(src[ix] - off);
    }
    // A horizontal stride reads every sw-th column: split the columns by phase so reads are runs.
    const int sw = p.stride_w;
    const int16_t* planes = xpad.data();
    int64_t wq = wp_;
    if (sw > 1) {
      for (int ph = 0; ph < sw; ++ph)
        for (int64_t iy = 0; iy < hp_; ++iy) {
          const int16_t* src = xpad.data() + iy * wp_ + ph;
          int16_t* dst = phases.data() + (ph * hp_ + iy) * wq_;
          for (int64_t j = 0; j < wq_; ++j) dst[j] = src[j * sw];
        }
      planes = phases.data();
      wq = wq_;
    }
    rows_.dwPlane(planes, wq, hp_ * wq, l_.wq.data() + c * l_.k, p.kernel_h, p.kernel_w, p.stride_h, p.stride_w, p.dilation_h,
                  p.dilation_w, l_.oh, l_.ow, acc.data(), l_.deq[static_cast<size_t>(c)], l_.bias[static_cast<size_t>(c)],
                  act_ < 0 ? 0 : act_, l_.act.a, l_.act.b, y);
    if (act_ < 0)
      for (int64_t i = 0; i < l_.oh * l_.ow; ++i) y[i] = applyActivation(l_.act, y[i]);
  }

  Q8Layer l_;
  Q8Rows rows_;
  std::string name_;
  int64_t hp_ = 0, wp_ = 0, wq_ = 0, owPad_ = 0;  // padded plane; wq_: columns of one stride phase
  int act_ = 0;
};

}  // namespace

bool isDepthwise(const Node& node, const std::vector<Shape>& in) {
  if (node.kind != OpKind::Convolution || in.empty() || in[0].size() != 4) return false;
  const auto& p = node.p<ConvParams>();
  return p.group > 1 && p.group == in[0][1] && p.num_output == p.group;
}

Result<KernelPtr> makeQ8Depthwise(const Node& resolved, const std::vector<Shape>& in, const std::vector<Shape>& out,
                                  Isa isa) {
  // 3x3 and 5x5 with stride 1 or 2: the channel-blocked kernel; other geometries run here.
  auto blocked = makeQ8DwBlocked(resolved, in, out, isa);
  if (!blocked || *blocked) return blocked;
  const Q8Rows rows = q8Rows(isa);
  if (!rows.dwPlane || !isDepthwise(resolved, in) || out.empty()) return KernelPtr{};
  auto l = prepareLayer(resolved, in[0], out[0]);
  if (!l) return l.status();
  try {
    return KernelPtr(new Q8Depthwise(std::move(l.value()), rows));
  } catch (const std::bad_alloc&) {
    return internalError("node '" + resolved.name + "': out of memory while building its integer kernel");
  }
}

}  // namespace eqw::kernels::q8
