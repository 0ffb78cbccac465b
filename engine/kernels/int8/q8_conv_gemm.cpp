// Integer convolution as a packed GEMM: weights packed once into kTileRows-channel panels of
// 4-deep k groups; per run the input is quantized (+128 when signed) and unrolled (im2col) into
// kTilePixels-pixel panels of the same k groups; each (channel tile, pixel tile) pair is one task
// for the ISA's tile, followed by the shared dequantization. Grouped convolutions are not covered
// (the reference runs them).
#include <algorithm>
#include <cstring>
#include <new>

#include "core/parallel.h"
#include "kernels/int8/q8_kernels.h"

namespace eqw::kernels::q8 {

namespace {

class Q8ConvGemm final : public OpKernel {
 public:
  Q8ConvGemm(Q8Layer l, Q8GemmTileFn tile, std::string name) : l_(std::move(l)), tile_(tile), name_(std::move(name)) {
    kGroups_ = (l_.k + 3) / 4;
    pixels_ = l_.oh * l_.ow;
    rowTiles_ = (l_.oc + kTileRows - 1) / kTileRows;
    pixelTiles_ = (pixels_ + kTilePixels - 1) / kTilePixels;
    shift_ = l_.in_lo < 0.f ? 128 : 0;
    packWeights();
  }

  const char* name() const override { return name_.c_str(); }

  Status run(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    if (in.empty() || out.empty() || in[0]->numel() != l_.c * l_.h * l_.w || out[0]->numel() != l_.oc * pixels_)
      return internalError(name_ + ": tensors do not match the shapes the kernel was built for");
    try {
      quantizeInput(in[0]->f32(), ctx);
      packInput(ctx);
    } catch (const std::bad_alloc&) {
      return internalError(name_ + ": out of memory for the packed input");
    }
    float* y = out[0]->f32();
    parallelFor(ctx.pool, rowTiles_ * pixelTiles_, 1, [&](int64_t b, int64_t e) {
      alignas(64) int32_t c[kTileRows * kTilePixels];
      for (int64_t t = b; t < e; ++t) {
        const int64_t rt = t / pixelTiles_, pt = t % pixelTiles_;
        tile_(kGroups_, wpack_.data() + rt * kGroups_ * kTileRows * 4, xpack_.data() + pt * kGroups_ * kTilePixels * 4, c);
        store(c, rt, pt, y);
      }
    });
    return Status::ok();
  }

 private:
  void packWeights() {
    wpack_.assign(static_cast<size_t>(rowTiles_ * kGroups_ * kTileRows * 4), 0);
    for (int64_t o = 0; o < l_.oc; ++o)
      for (int64_t k = 0; k < l_.k; ++k) {
        const int64_t rt = o / kTileRows, r = o % kTileRows;
        wpack_[static_cast<size_t>(((rt * kGroups_ + k / 4) * kTileRows + r) * 4 + k % 4)] = l_.wq[static_cast<size_t>(o * l_.k + k)];
      }
  }

  void quantizeInput(const float* x, const ExecContext& ctx) {
    const int64_t n = l_.c * l_.h * l_.w;
    xq_.resize(static_cast<size_t>(n));
    parallelFor(ctx.pool, n, 16384, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i)
        xq_[static_cast<size_t>(i)] = static_cast<uint8_t>(quantize(x[i], l_.in_scale, l_.in_lo, l_.in_hi) + shift_);
    });
  }

  // [pixelTiles][kGroups][kTilePixels][4]; pixels past the end and k past K hold the shifted
  // zero (their weights are 0 or their outputs are dropped).
  void packInput(const ExecContext& ctx) {
    xpack_.resize(static_cast<size_t>(pixelTiles_ * kGroups_ * kTilePixels * 4));
    const ConvParams& p = l_.p;
    const uint8_t pad = static_cast<uint8_t>(l_.pad_q + shift_), zero = static_cast<uint8_t>(shift_);
    parallelFor(ctx.pool, pixelTiles_, 1, [&](int64_t b, int64_t e) {
      for (int64_t pt = b; pt < e; ++pt) {
        uint8_t* dst = xpack_.data() + pt * kGroups_ * kTilePixels * 4;
        std::memset(dst, zero, static_cast<size_t>(kGroups_ * kTilePixels * 4));
        const int64_t p0 = pt * kTilePixels, count = std::min<int64_t>(kTilePixels, pixels_ - p0);
        for (int64_t k = 0; k < l_.k; ++k) {
          const int64_t c = k / (p.kernel_h * p.kernel_w), ky = (k / p.kernel_w) % p.kernel_h, kx = k % p.kernel_w;
          const uint8_t* plane = xq_.data() + c * l_.h * l_.w;
          uint8_t* row = dst + (k / 4) * kTilePixels * 4 + k % 4;
          for (int64_t j = 0; j < count; ++j) {
            const int64_t oy = (p0 + j) / l_.ow, ox = (p0 + j) % l_.ow;
            const int64_t iy = oy * p.stride_h - p.pads.top + ky * p.dilation_h;
            const int64_t ix = ox * p.stride_w - p.pads.left + kx * p.dilation_w;
            row[j * 4] = iy >= 0 && iy < l_.h && ix >= 0 && ix < l_.w ? plane[iy * l_.w + ix] : pad;
          }
        }
      }
    });
  }

  void store(const int32_t* c, int64_t rt, int64_t pt, float* y) const {
    const int64_t p0 = pt * kTilePixels, count = std::min<int64_t>(kTilePixels, pixels_ - p0);
    const int64_t rows = std::min<int64_t>(kTileRows, l_.oc - rt * kTileRows);
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t o = rt * kTileRows + r;
      const int32_t correction = shift_ * l_.wsum[static_cast<size_t>(o)];
      float* yo = y + o * pixels_ + p0;
      for (int64_t j = 0; j < count; ++j) yo[j] = dequantize(l_, o, c[r * kTilePixels + j] - correction);
    }
  }

  Q8Layer l_;
  Q8GemmTileFn tile_;
  std::string name_;
  int64_t kGroups_ = 0, pixels_ = 0, rowTiles_ = 0, pixelTiles_ = 0;
  int32_t shift_ = 128;
  std::vector<int8_t> wpack_;
  std::vector<uint8_t> xq_, xpack_;
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
  if (resolved.kind != OpKind::Convolution || resolved.p<ConvParams>().group != 1) return KernelPtr{};
  const Q8Tile tile = q8GemmTile(isa, resolved.quant.bits, resolved.quant.weight_qmax);
  if (!tile.fn) return KernelPtr{};
  if (in.empty() || out.empty()) return KernelPtr{};
  auto l = prepareLayer(resolved, in[0], out[0]);
  if (!l) return l.status();
  try {
    return KernelPtr(new Q8ConvGemm(std::move(l.value()), tile.fn, "q8_conv2d_gemm_" + std::string(tile.isa)));
  } catch (const std::bad_alloc&) {
    return internalError("node '" + resolved.name + "': out of memory while packing its integer weights");
  }
}

#if defined(EQW_X86_KERNELS)
void q8GemmTileAvx512Vnni(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
void q8GemmTileAvxVnni(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
void q8GemmTileAvx2U7(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
#endif

Q8Tile q8GemmTile(Isa isa, int inputBits, int weightQmax) {
#if defined(EQW_X86_KERNELS)
  const int level = static_cast<int>(isa);
  if (level >= static_cast<int>(Isa::Avx512Vnni) && isaSupported(Isa::Avx512Vnni)) return {q8GemmTileAvx512Vnni, "avx512vnni"};
  if (level >= static_cast<int>(Isa::AvxVnni) && isaSupported(Isa::AvxVnni)) return {q8GemmTileAvxVnni, "avxvnni"};
  if (level >= static_cast<int>(Isa::Avx2) && isaSupported(Isa::Avx2) && inputBits <= 7 && weightQmax <= 63)
    return {q8GemmTileAvx2U7, "avx2"};
#else
  (void)isa, (void)inputBits, (void)weightQmax;
#endif
  return {};
}

}  // namespace eqw::kernels::q8
