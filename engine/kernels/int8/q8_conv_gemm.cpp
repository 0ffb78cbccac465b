// Integer convolution as a packed GEMM: weights packed once into kTileRows-channel panels of
// 4-deep k groups; per run the input is quantized (+128 when signed) and unrolled (im2col) into
// kTilePixels-pixel panels of the same k groups; each (channel tile, pixel tile) pair is one task
// for the ISA's tile, followed by the shared dequantization. Grouped convolutions are not covered
// (the reference runs them).
#include <algorithm>
#include <cstring>
#include <new>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/parallel.h"
#include "kernels/int8/q8_depthwise.h"
#include "kernels/int8/q8_kernels.h"

namespace eqw::kernels::q8 {

namespace {

class Q8ConvGemm final : public OpKernel {
 public:
  Q8ConvGemm(Q8Layer l, Q8Tile tile, std::string name) : l_(std::move(l)), tile_(tile), name_(std::move(name)) {
    act_ = rowActivation(l_.act);
    kGroups_ = (l_.k + 3) / 4;
    pixels_ = l_.oh * l_.ow;
    rowTiles_ = (l_.oc + kTileRows - 1) / kTileRows;
    pixelTiles_ = (pixels_ + kTilePixels - 1) / kTilePixels;
    shift_ = l_.in_lo < 0.f ? 128 : 0;
    wpack_ = packWeightPanels(l_, kTileRows);
  }

  const char* name() const override { return name_.c_str(); }

  Status run(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    if (in.empty() || out.empty() || in[0]->numel() != l_.c * l_.h * l_.w || out[0]->numel() != l_.oc * pixels_ ||
        in[0]->dtype() != inputDType(l_) || out[0]->dtype() != outputDType(l_))
      return internalError(name_ + ": tensors do not match the shapes the kernel was built for");
    try {
      quantizeInput(*in[0], ctx);
      packInput(ctx);
    } catch (const std::bad_alloc&) {
      return internalError(name_ + ": out of memory for the packed input");
    }
    void* y = out[0]->data<void>();
    parallelFor(ctx.pool, rowTiles_ * pixelTiles_, 1, [&](int64_t b, int64_t e) {
      alignas(64) int32_t c[kTileRows * kTilePixels];
      for (int64_t t = b; t < e; ++t) {
        const int64_t rt = t / pixelTiles_, pt = t % pixelTiles_;
        tile_.fn(kGroups_, wpack_.data() + rt * kGroups_ * kTileRows * 4, xpack_.data() + pt * kGroups_ * kTilePixels * 4, c);
        store(c, rt, pt, y);
      }
    });
    return Status::ok();
  }

 private:
  // src_: the input as bytes, shifted by rawShift_ more on their way into the panels. An integer
  // input (the int8 flow) is read in place: the shift (+128 on a signed grid) is applied where
  // the bytes are copied anyway (framing, interleaving), not in a pass of its own.
  void quantizeInput(const Tensor& in, const ExecContext& ctx) {
    const int64_t n = l_.c * l_.h * l_.w;
    if (l_.in_q) {
      src_ = in.data<uint8_t>();
      rawShift_ = static_cast<uint8_t>(shift_);
      return;
    }
    rawShift_ = 0;
    xq_.resize(static_cast<size_t>(n));
    src_ = xq_.data();
    const float* x = in.f32();
    parallelFor(ctx.pool, n, 16384, [&](int64_t b, int64_t e) {
      tile_.quantize(x + b, e - b, l_.in_scale, l_.in_lo, l_.in_hi, shift_, xq_.data() + b);
    });
  }

  // The unrolled input [K][pixelTiles * kTilePixels] (im2col; pixels past the end hold the shifted
  // zero). A pointwise convolution's quantized input already is that matrix. The input is framed by
  // the pad value once, so every tap's output row is a plain (strided) copy: no bounds per row, and
  // 16-byte chunks instead of memcpy calls, which matter on 7x7 and 14x14 planes.
  const uint8_t* unroll(const ExecContext& ctx) {
    const ConvParams& p = l_.p;
    const int64_t stride = pixelTiles_ * kTilePixels;
    const bool pointwise = p.kernel_h == 1 && p.kernel_w == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pads == Pads2d{};
    if (pointwise && stride == pixels_) return src_;
    const uint8_t pad = static_cast<uint8_t>(l_.pad_q + shift_), zero = static_cast<uint8_t>(shift_);
    // Framed planes, wide and tall enough for every tap of every output (and 16 bytes of slack).
    const int64_t hp = std::max(l_.h + p.pads.top + p.pads.bottom, (l_.oh - 1) * p.stride_h + (p.kernel_h - 1) * p.dilation_h + 1);
    const int64_t wp = std::max(l_.w + p.pads.left + p.pads.right, (l_.ow - 1) * p.stride_w + (p.kernel_w - 1) * p.dilation_w + 1);
    framed_.resize(static_cast<size_t>(l_.c * hp * wp + 16));
    parallelFor(ctx.pool, l_.c, 1, [&](int64_t b, int64_t e) {
      for (int64_t c = b; c < e; ++c) {
        uint8_t* dst = framed_.data() + c * hp * wp;
        std::memset(dst, pad, static_cast<size_t>(hp * wp));
        const uint8_t* src = src_ + c * l_.h * l_.w;
        for (int64_t y = 0; y < l_.h; ++y) shiftInputBytes(src + y * l_.w, l_.w, rawShift_, dst + (y + p.pads.top) * wp + p.pads.left);
      }
    });
    xcol_.resize(static_cast<size_t>(l_.k * stride));
    const int64_t taps = static_cast<int64_t>(p.kernel_h) * p.kernel_w;
    parallelFor(ctx.pool, l_.k, 1, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) {
        const int64_t c = k / taps, ky = (k / p.kernel_w) % p.kernel_h, kx = k % p.kernel_w;
        const uint8_t* plane = framed_.data() + c * hp * wp + ky * p.dilation_h * wp + kx * p.dilation_w;
        uint8_t* row = xcol_.data() + k * stride;
        for (int64_t oy = 0; oy < l_.oh; ++oy) {
          const uint8_t* in = plane + oy * p.stride_h * wp;
          uint8_t* out = row + oy * l_.ow;
          if (p.stride_w != 1) {
            for (int64_t ox = 0; ox < l_.ow; ++ox) out[ox] = in[ox * p.stride_w];
            continue;
          }
          // Chunks may run past this output row into the next ones and the tail, all written
          // after it, but never past row k's end.
          const int64_t room = stride - oy * l_.ow;
          int64_t ox = 0;
          for (; ox < l_.ow && ox + 16 <= room; ox += 16) std::memcpy(out + ox, in + ox, 16);
          if (ox < l_.ow) std::memcpy(out + ox, in + ox, static_cast<size_t>(l_.ow - ox));
        }
        std::memset(row + pixels_, zero, static_cast<size_t>(stride - pixels_));
      }
    });
    return xcol_.data();
  }

  // [pixelTiles][kGroups][kTilePixels][4] from the unrolled rows: 4 rows of 32 bytes interleaved
  // into 128; k past K holds the shifted zero (its weights are 0).
  void packInput(const ExecContext& ctx) {
    const uint8_t* col = unroll(ctx);
    const int64_t stride = col == src_ ? pixels_ : pixelTiles_ * kTilePixels;
    // Rows read in place still need rawShift_; rows past K and pixels past the end may hold
    // anything (zero weights, dropped outputs), so the shift applies to every row alike.
    const uint8_t flip = col == src_ ? rawShift_ : 0;
    xpack_.resize(static_cast<size_t>(pixelTiles_ * kGroups_ * kTilePixels * 4));
    const uint8_t zero = static_cast<uint8_t>(shift_);
    parallelFor(ctx.pool, pixelTiles_, 1, [&](int64_t b, int64_t e) {
      alignas(16) uint8_t blank[kTilePixels];
      std::memset(blank, zero, sizeof blank);
      for (int64_t pt = b; pt < e; ++pt) {
        uint8_t* dst = xpack_.data() + pt * kGroups_ * kTilePixels * 4;
        const int64_t p0 = pt * kTilePixels;
        const bool full = p0 + kTilePixels <= stride;  // xq_ rows end at pixels_: the last tile is partial
        alignas(16) uint8_t tail[4][kTilePixels];
        for (int64_t g = 0; g < kGroups_; ++g) {
          const uint8_t* rows[4];
          for (int q = 0; q < 4; ++q) {
            const int64_t k = g * 4 + q;
            if (k >= l_.k) {
              rows[q] = blank;
            } else if (full) {
              rows[q] = col + k * stride + p0;
            } else {
              std::memset(tail[q], zero, kTilePixels);
              std::memcpy(tail[q], col + k * stride + p0, static_cast<size_t>(stride - p0));
              rows[q] = tail[q];
            }
          }
          interleave4(rows, dst + g * kTilePixels * 4, flip);
        }
      }
    });
  }

  // out[j * 4 + q] = rows[q][j] + shift for 32 pixels (shift 0 or 128: + wraps as a flip).
  static void interleave4(const uint8_t* const rows[4], uint8_t* out, uint8_t shift) {
#if defined(__SSE2__)
    const __m128i s = _mm_set1_epi8(static_cast<char>(shift));
    for (int half = 0; half < kTilePixels; half += 16) {
      const __m128i a0 = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[0] + half)), s);
      const __m128i a1 = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[1] + half)), s);
      const __m128i a2 = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[2] + half)), s);
      const __m128i a3 = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[3] + half)), s);
      const __m128i lo01 = _mm_unpacklo_epi8(a0, a1), hi01 = _mm_unpackhi_epi8(a0, a1);
      const __m128i lo23 = _mm_unpacklo_epi8(a2, a3), hi23 = _mm_unpackhi_epi8(a2, a3);
      __m128i* o = reinterpret_cast<__m128i*>(out + half * 4);
      _mm_storeu_si128(o + 0, _mm_unpacklo_epi16(lo01, lo23));
      _mm_storeu_si128(o + 1, _mm_unpackhi_epi16(lo01, lo23));
      _mm_storeu_si128(o + 2, _mm_unpacklo_epi16(hi01, hi23));
      _mm_storeu_si128(o + 3, _mm_unpackhi_epi16(hi01, hi23));
    }
#else
    for (int j = 0; j < kTilePixels; ++j)
      for (int q = 0; q < 4; ++q) out[j * 4 + q] = static_cast<uint8_t>(rows[q][j] + shift);
#endif
  }

  // The tile's rows dequantized into y (floats), or with the int8 flow into a float tile that is
  // requantized onto the consumers' grid by the same row quantizer they would use — in one call
  // over the whole tile when its rows are full, since the row quantizer's vector loop (64 bytes a
  // step on AVX-512) leaves a 32-pixel row to its scalar tail.
  void store(const int32_t* c, int64_t rt, int64_t pt, void* y) const {
    const int64_t p0 = pt * kTilePixels, count = std::min<int64_t>(kTilePixels, pixels_ - p0);
    const int64_t rows = std::min<int64_t>(kTileRows, l_.oc - rt * kTileRows);
    alignas(64) float tile[kTileRows * kTilePixels];
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t o = rt * kTileRows + r;
      const int32_t correction = shift_ * l_.wsum[static_cast<size_t>(o)];
      float* yo = l_.out_q ? tile + r * kTilePixels : static_cast<float*>(y) + o * pixels_ + p0;
      tile_.dequant(c + r * kTilePixels, count, correction, l_.deq[static_cast<size_t>(o)], l_.bias[static_cast<size_t>(o)],
                    act_ < 0 ? 0 : act_, l_.act.a, l_.act.b, yo);
      if (act_ < 0)
        for (int64_t j = 0; j < count; ++j) yo[j] = applyActivation(l_.act, yo[j]);
    }
    if (!l_.out_q) return;
    uint8_t* out = static_cast<uint8_t*>(y) + rt * kTileRows * pixels_ + p0;
    if (count < kTilePixels) {
      for (int64_t r = 0; r < rows; ++r)
        tile_.quantize(tile + r * kTilePixels, count, l_.out_scale, l_.out_lo, l_.out_hi, 0, out + r * pixels_);
      return;
    }
    alignas(64) uint8_t bytes[kTileRows * kTilePixels];
    tile_.quantize(tile, rows * kTilePixels, l_.out_scale, l_.out_lo, l_.out_hi, 0, bytes);
    for (int64_t r = 0; r < rows; ++r) std::memcpy(out + r * pixels_, bytes + r * kTilePixels, kTilePixels);
  }

  Q8Layer l_;
  Q8Tile tile_;
  std::string name_;
  int act_ = 0;  // the activation the row kernel fuses (-1: applied after it)
  int64_t kGroups_ = 0, pixels_ = 0, rowTiles_ = 0, pixelTiles_ = 0;
  int32_t shift_ = 128;
  std::vector<int8_t> wpack_;
  std::vector<uint8_t> xq_, framed_, xcol_, xpack_;
  const uint8_t* src_ = nullptr;  // this run's input as bytes (xq_, or the input itself)
  uint8_t rawShift_ = 0;          // still to add to src_'s bytes (the int8 flow's signed input)
};

}  // namespace

void q8GemmTileScalar(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c) {
  std::fill(c, c + kTileRows * kTilePixels, 0);
  for (int64_t g = 0; g < kGroups; ++g)
    for (int r = 0; r < kTileRows; ++r)
      for (int j = 0; j < kTilePixels; ++j)
        for (int q = 0; q < 4; ++q)
          c[r * kTilePixels + j] += static_cast<int32_t>(x[(g * kTilePixels + j) * 4 + q]) * w[(g * kTileRows + r) * 4 + q];
}

Result<KernelPtr> makeQ8Fast(const Node& resolved, const std::vector<Shape>& in, const std::vector<Shape>& out, Isa isa) {
  if (isDepthwise(resolved, in)) return makeQ8Depthwise(resolved, in, out, isa);
  if (resolved.kind == OpKind::InnerProduct) return makeQ8InnerProduct(resolved, in, out, isa);
  if (resolved.kind != OpKind::Convolution || resolved.p<ConvParams>().group != 1) return KernelPtr{};
  const Q8Tile tile = q8GemmTile(isa, resolved.quant.bits, resolved.quant.weight_qmax);
  if (!tile.fn) return KernelPtr{};
  if (in.empty() || out.empty()) return KernelPtr{};
  auto l = prepareLayer(resolved, in[0], out[0]);
  if (!l) return l.status();
  try {
    return KernelPtr(new Q8ConvGemm(std::move(l.value()), tile, "q8_conv2d_gemm_" + std::string(tile.isa)));
  } catch (const std::bad_alloc&) {
    return internalError("node '" + resolved.name + "': out of memory while packing its integer weights");
  }
}

#if defined(EQW_X86_KERNELS)
#define EQW_Q8_LEVEL(Suffix)                                                                                      \
  void q8QuantizeRow##Suffix(const float* x, int64_t n, float scale, float lo, float hi, int32_t shift, uint8_t* out); \
  void q8DequantRow##Suffix(const int32_t* acc, int64_t n, int32_t correction, float deq, float bias, int act, float a, \
                            float b, float* y);                                                                          \
  void q8DwPlane##Suffix(const int16_t* planes, int64_t wq, int64_t planeSize, const int8_t* w, int kh, int kw, int sh,  \
                         int sw, int dh, int dw, int64_t oh, int64_t ow, int32_t* acc, float deq, float bias, int act,    \
                         float a, float b, float* y);
EQW_Q8_LEVEL(Avx512Vnni)
EQW_Q8_LEVEL(AvxVnni)
EQW_Q8_LEVEL(Avx2)
EQW_Q8_LEVEL(Sse41)
#undef EQW_Q8_LEVEL
void q8GemmTileAvx512Vnni(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
void q8GemmTileAvxVnni(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
void q8GemmTileAvx2U7(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
void q8GemmTileAvx2I8(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
void q8GemmTileSse41U7(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
void q8GemmTileSse41I8(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
#endif

Q8Tile q8GemmTile(Isa isa, int inputBits, int weightQmax) {
#if defined(EQW_X86_KERNELS)
  const int level = static_cast<int>(isa);
  if (level >= static_cast<int>(Isa::Avx512Vnni) && isaSupported(Isa::Avx512Vnni)) return {q8GemmTileAvx512Vnni, "avx512vnni", q8QuantizeRowAvx512Vnni, q8DequantRowAvx512Vnni};
  if (level >= static_cast<int>(Isa::AvxVnni) && isaSupported(Isa::AvxVnni)) return {q8GemmTileAvxVnni, "avxvnni", q8QuantizeRowAvxVnni, q8DequantRowAvxVnni};
  if (level >= static_cast<int>(Isa::Avx2) && isaSupported(Isa::Avx2) && inputBits <= 7 && weightQmax <= 63)
    return {q8GemmTileAvx2U7, "avx2", q8QuantizeRowAvx2, q8DequantRowAvx2};
  if (level >= static_cast<int>(Isa::Avx2) && isaSupported(Isa::Avx2))
    return {q8GemmTileAvx2I8, "avx2", q8QuantizeRowAvx2, q8DequantRowAvx2};
  if (level >= static_cast<int>(Isa::Sse41) && isaSupported(Isa::Sse41) && inputBits <= 7 && weightQmax <= 63)
    return {q8GemmTileSse41U7, "sse41", q8QuantizeRowSse41, q8DequantRowSse41};
  if (level >= static_cast<int>(Isa::Sse41) && isaSupported(Isa::Sse41))
    return {q8GemmTileSse41I8, "sse41", q8QuantizeRowSse41, q8DequantRowSse41};
#else
  (void)isa, (void)inputBits, (void)weightQmax;
#endif
  return {};
}

Q8Rows q8Rows(Isa isa) {
#if defined(EQW_X86_KERNELS)
  const int level = static_cast<int>(isa);
  if (level >= static_cast<int>(Isa::Avx512Vnni) && isaSupported(Isa::Avx512Vnni))
    return {"avx512vnni", q8QuantizeRowAvx512Vnni, q8DequantRowAvx512Vnni, q8DwPlaneAvx512Vnni};
  if (level >= static_cast<int>(Isa::AvxVnni) && isaSupported(Isa::AvxVnni))
    return {"avxvnni", q8QuantizeRowAvxVnni, q8DequantRowAvxVnni, q8DwPlaneAvxVnni};
  if (level >= static_cast<int>(Isa::Avx2) && isaSupported(Isa::Avx2)) return {"avx2", q8QuantizeRowAvx2, q8DequantRowAvx2, q8DwPlaneAvx2};
  if (level >= static_cast<int>(Isa::Sse41) && isaSupported(Isa::Sse41))
    return {"sse41", q8QuantizeRowSse41, q8DequantRowSse41, q8DwPlaneSse41};
#else
  (void)isa;
#endif
  return {};
}

}  // namespace eqw::kernels::q8
