// Max pooling on the int8 flow (NodeQuant::quantized_input on a Pooling node): the grid's
// quantize is monotone, so the max of quantized values is the quantized max — the same bytes as
// pooling the floats and quantizing the result. Bytes are compared with their sign bit flipped
// (signed grids), so that one unsigned max serves both grids and the frame value 0 never wins.
#include <algorithm>
#include <new>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/parallel.h"
#include "kernels/int8/q8_kernels.h"

namespace eqw::kernels::q8 {

namespace {

class Q8MaxPool final : public OpKernel {
 public:
  Q8MaxPool(const PoolParams& p, const Shape& in, const Shape& out, bool sgn)
      : p_(p), in_(in), out_(out), flip_(sgn ? 0x80 : 0), type_(sgn ? DType::I8 : DType::U8) {
    h_ = in[2], w_ = in[3];
    kh_ = p.global ? h_ : p.kernel_h, kw_ = p.global ? w_ : p.kernel_w;
    if (p_.global) p_.pads = {}, p_.stride_h = p_.stride_w = 1;
    oh_ = p.global ? 1 : out[2], ow_ = p.global ? 1 : out[3];
    // The framed path needs every window to hold a real element (else the reference's 0).
    const Pads2d& pd = p_.pads;
    framed_ = !p_.global && pd.top >= 0 && pd.left >= 0 && pd.bottom >= 0 && pd.right >= 0 && pd.top < kh_ && pd.left < kw_ &&
              (oh_ - 1) * p_.stride_h - pd.top < h_ && (ow_ - 1) * p_.stride_w - pd.left < w_;
    hp_ = std::max(h_ + pd.top + pd.bottom, (oh_ - 1) * p_.stride_h + kh_);
    wp_ = std::max(w_ + pd.left + pd.right, (ow_ - 1) * p_.stride_w + kw_);
    wpad_ = (wp_ + 16 + 15) / 16 * 16;  // 16-byte loads from any window start stay inside
    name_ = std::string(sgn ? "q8_pool_max_i8" : "q8_pool_max_u8") + (framed_ ? "" : "_direct");
  }

  const char* name() const override { return name_.c_str(); }

  Status run(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const int64_t planes = in_[0] * in_[1];
    if (in.size() != 1 || out.size() != 1 || !in[0] || !out[0] || in[0]->dtype() != type_ || out[0]->dtype() != type_ ||
        in[0]->numel() != planes * h_ * w_ || out[0]->numel() != planes * oh_ * ow_)
      return internalError(name_ + ": tensors do not match the shapes and types the kernel was built for");
    const uint8_t* x = in[0]->data<uint8_t>();
    uint8_t* y = out[0]->data<uint8_t>();
    try {
      parallelFor(ctx.pool, planes, 1, [&](int64_t b, int64_t e) {
        std::vector<uint8_t> frame(framed_ ? static_cast<size_t>(hp_ * wpad_) : 0), rows(framed_ ? static_cast<size_t>(wpad_) : 0);
        for (int64_t i = b; i < e; ++i) {
          if (framed_) planeFramed(x + i * h_ * w_, y + i * oh_ * ow_, frame.data(), rows.data());
          else planeDirect(x + i * h_ * w_, y + i * oh_ * ow_);
        }
      });
    } catch (const std::bad_alloc&) {
      return internalError(name_ + ": out of memory for its rows");
    }
    return Status::ok();
  }

 private:
  // The reference's loops on flipped bytes; a window without a real element gives 0.
  void planeDirect(const uint8_t* x, uint8_t* y) const {
    for (int64_t oy = 0; oy < oh_; ++oy)
      for (int64_t ox = 0; ox < ow_; ++ox) {
        const int64_t y0 = oy * p_.stride_h - p_.pads.top, x0 = ox * p_.stride_w - p_.pads.left;
        int best = -1;
        for (int64_t iy = std::max<int64_t>(y0, 0); iy < std::min(y0 + kh_, h_); ++iy)
          for (int64_t ix = std::max<int64_t>(x0, 0); ix < std::min(x0 + kw_, w_); ++ix)
            best = std::max(best, static_cast<int>(x[iy * w_ + ix] ^ flip_));
        y[oy * ow_ + ox] = best < 0 ? 0 : static_cast<uint8_t>(best ^ flip_);
      }
  }

  // The plane framed by 0 (below every flipped byte; rows wpad_ wide, slack for 16-byte loads),
  // then per output row the max down its kernel rows, then along each window of that row maxima:
  // kh + kw comparisons per output instead of kh * kw, 16 bytes at a time.
  void planeFramed(const uint8_t* x, uint8_t* y, uint8_t* frame, uint8_t* vm) const {
    std::fill(frame, frame + hp_ * wpad_, uint8_t{0});
    for (int64_t iy = 0; iy < h_; ++iy) {
      // + 0x80 wraps as the flip of the top bit.
      shiftInputBytes(x + iy * w_, w_, flip_, frame + (iy + p_.pads.top) * wpad_ + p_.pads.left);
    }
    for (int64_t oy = 0; oy < oh_; ++oy) {
      const uint8_t* first = frame + oy * p_.stride_h * wpad_;
      columnMax(first, vm);
      rowMax(vm, y + oy * ow_);
    }
  }

  // vm[i] = max over the kernel rows of first[r * wpad_ + i], i < wpad_ (a multiple of 16).
  void columnMax(const uint8_t* first, uint8_t* vm) const {
#if defined(__SSE2__)
    for (int64_t i = 0; i < wpad_; i += 16) {
      __m128i m = _mm_loadu_si128(reinterpret_cast<const __m128i*>(first + i));
      for (int64_t ky = 1; ky < kh_; ++ky)
        m = _mm_max_epu8(m, _mm_loadu_si128(reinterpret_cast<const __m128i*>(first + ky * wpad_ + i)));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(vm + i), m);
    }
#else
    std::copy(first, first + wpad_, vm);
    for (int64_t ky = 1; ky < kh_; ++ky)
      for (int64_t i = 0; i < wpad_; ++i) vm[i] = std::max(vm[i], first[ky * wpad_ + i]);
#endif
  }

  // y[ox] = max over kx of vm[ox * stride + kx], flipped back. Strides 1 and 2 take 16 / 8
  // outputs per step (stride 2 keeps the even bytes); others run scalar.
  void rowMax(const uint8_t* vm, uint8_t* y) const {
    const int64_t sw = p_.stride_w;
    int64_t ox = 0;
#if defined(__SSE2__)
    if (sw == 1 || sw == 2) {
      const int64_t step = sw == 1 ? 16 : 8;
      const __m128i flip = _mm_set1_epi8(static_cast<char>(flip_)), even = _mm_set1_epi16(0x00FF);
      for (; ox < ow_; ox += step) {
        const uint8_t* src = vm + ox * sw;
        __m128i m = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
        for (int64_t kx = 1; kx < kw_; ++kx) m = _mm_max_epu8(m, _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + kx)));
        if (sw == 2) m = _mm_packus_epi16(_mm_and_si128(m, even), _mm_setzero_si128());
        m = _mm_xor_si128(m, flip);
        alignas(16) uint8_t out[16];
        _mm_store_si128(reinterpret_cast<__m128i*>(out), m);
        std::copy(out, out + std::min(step, ow_ - ox), y + ox);
      }
      return;
    }
#endif
    for (; ox < ow_; ++ox) {
      uint8_t m = vm[ox * sw];
      for (int64_t kx = 1; kx < kw_; ++kx) m = std::max(m, vm[ox * sw + kx]);
      y[ox] = static_cast<uint8_t>(m ^ flip_);
    }
  }

  PoolParams p_;
  Shape in_, out_;
  uint8_t flip_ = 0x80;
  DType type_ = DType::I8;
  std::string name_;
  bool framed_ = false;
  int64_t h_ = 0, w_ = 0, kh_ = 0, kw_ = 0, oh_ = 1, ow_ = 1, hp_ = 0, wp_ = 0, wpad_ = 0;
};

}  // namespace

bool isQ8MaxPool(const Node& node) {
  return node.kind == OpKind::Pooling && node.p<PoolParams>().type == PoolType::Max && node.inputs.size() == 1 &&
         node.outputs.size() == 1;
}

Result<KernelPtr> makeQ8MaxPool(const Node& resolved, const std::vector<Shape>& in, const std::vector<Shape>& out) {
  if (!isQ8MaxPool(resolved) || in.size() != 1 || out.size() != 1 || in[0].size() != 4)
    return unsupported("node '" + resolved.name + "': integer pooling takes one 4-D input and max pooling");
  const NodeQuant& q = resolved.quant;
  if (!q.quantized_input || !q.writesIntegers())
    return invalidArgument("node '" + resolved.name + "': integer max pooling needs integer input and output");
  try {
    return KernelPtr(new Q8MaxPool(resolved.p<PoolParams>(), in[0], out[0], !q.output_unsigned));
  } catch (const std::bad_alloc&) {
    return internalError("node '" + resolved.name + "': out of memory while building its integer pooling");
  }
}

}  // namespace eqw::kernels::q8
