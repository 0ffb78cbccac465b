// The channel-blocked integer depthwise convolution, written once over a vector type V and
// compiled by each ISA file (x86/q8_dw_*.cpp) with its own V (q8_dw_zmm.h, q8_dw_ymm.h).
// One task = L channels (V's int32 lanes) x a band of output rows (q8_dw_args.h):
//  1. quantize: each input row of the band, L channel planes at a time, L pixels per step -> V's
//     quantize (the bits of q8::quantize) -> an L x L transpose -> a row [padded width][L] int32,
//     framed by the pad value;
//  2. pair: rows r and r + 1 of the same column interleaved as int16 (lo, hi), so that one
//     multiply-add of int16 pairs (vpmaddwd / vpdpwssd) does two kernel rows at once; an odd last
//     kernel row pairs with weight 0;
//  3. convolve: L output pixels at a time (running on across output rows, so 7x7 planes fill the
//     lanes), G of them with their own accumulators, then dequantized with one fused
//     multiply-add per lane and the activation (the bits of q8::dequantize), transposed back and
//     stored as L channel runs of L pixels.
// Integer sums are exact, so the result is the reference's at any width or order.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/int8/q8_dw_args.h"

namespace eqw::kernels::q8 {
namespace {

template <class V>
struct DwBand {
  static constexpr int L = V::kLanes;
  using I = typename V::I;
  using F = typename V::F;

  const Q8DwTask& t;
  int64_t rows = 0, wp = 0, rowTop = 0;  // input rows of the band, padded width, first padded row's image row
  int pairStep = 1;                      // stride 2 reads only the pair rows that start at even rows
  bool small = false;                    // planes narrower than L: every quantized row kept (packSmall)
  int32_t* q = nullptr;                  // quantized rows: [2][wp][L] as a ring, or [rows + 1][wp][L]
  int32_t* pairs = nullptr;              // [rows][wp][L]

  DwBand(const Q8DwTask& task, int k, int s) : t(task) {
    rows = (t.oy1 - t.oy0 - 1) * s + k;
    wp = t.w + t.padLeft + t.padRight;
    rowTop = t.oy0 * s - t.padTop;
    small = t.w < L;
    pairStep = s;
    q = t.scratch;
    pairs = q + (small ? rows + 1 : 2) * wp * L;
  }

  static void fill(int32_t* p, int64_t pixels, I v) {
    for (int64_t i = 0; i < pixels; ++i) V::store(p + i * L, v);
  }

  // The pad frame of quantized row r: all of it outside the image (and for the row after the
  // band, r == rows, which only pairs with the last kernel row's weight 0), else its pad columns.
  // True when the row holds image pixels.
  bool frame(int32_t* row, int64_t r, I pad) const {
    const int64_t iy = rowTop + r;
    if (r == rows || iy < 0 || iy >= t.h) {
      fill(row, wp, pad);
      return false;
    }
    fill(row, t.padLeft, pad);
    fill(row + (t.padLeft + t.w) * L, t.padRight, pad);
    return true;
  }

  void pairRow(const int32_t* above, const int32_t* below, int32_t* out) const {
    for (int64_t i = 0; i < wp * L; i += L) V::store(out + i, V::pair(V::load(above + i), V::load(below + i)));
  }

  // Steps 1 and 2, one padded row at a time: row r is quantized into the ring while row r - 1 is
  // still there, and their pair row is written at once (both rows are in L1).
  void packRows() const {
    const I pad = V::set1(t.padQ);
    for (int64_t r = 0; r <= rows; ++r) {
      int32_t* row = q + (r & 1) * wp * L;
      if (frame(row, r, pad)) quantizeRow((rowTop + r) * t.w, row + t.padLeft * L);
      if (r > 0 && (r - 1) % pairStep == 0) pairRow(q + ((r - 1) & 1) * wp * L, row, pairs + (r - 1) * wp * L);
    }
  }

  // The same for planes narrower than L (7x7, 14x14): the band's image rows are one run of pixels
  // per channel, quantized L at a time across row ends, so that the lanes stay full.
  void packSmall() const {
    const I pad = V::set1(t.padQ);
    for (int64_t r = 0; r <= rows; ++r) frame(q + r * wp * L, r, pad);
    const int64_t first = std::max<int64_t>(rowTop, 0), last = std::min<int64_t>(rowTop + rows, t.h);
    const int64_t n = std::max<int64_t>(0, last - first) * t.w, w = t.w, skip = (wp - w) * L;
    const int64_t x = first * t.w;
    int32_t* dst = q + ((first - rowTop) * wp + t.padLeft) * L;
    int64_t ix = 0;
    for (int64_t p0 = 0; p0 < n; p0 += L) {
      const int cnt = static_cast<int>(std::min<int64_t>(L, n - p0));
      F v[L];
      step<false>(x + p0, cnt, v);
      for (int j = 0; j < cnt; ++j) {
        V::store(dst, V::asI(v[j]));
        dst += L;
        if (++ix == w) ix = 0, dst += skip;
      }
    }
    for (int64_t r = 0; r < rows; r += pairStep) pairRow(q + r * wp * L, q + (r + 1) * wp * L, pairs + r * wp * L);
  }

  // One image row of the block's channels (x: its offset in the planes), L pixels per step. Full
  // steps of a full block (the common case) load without masks or per-channel tests.
  void quantizeRow(int64_t x, int32_t* dst) const {
    const int64_t w = t.w;
    int64_t x0 = 0;
    F v[L];
    if (t.channels == L)
      for (; x0 + L <= w; x0 += L) {
        step<true>(x + x0, L, v);
#pragma GCC unroll 16
        for (int j = 0; j < L; ++j) V::store(dst + (x0 + j) * L, V::asI(v[j]));
      }
    for (; x0 < w; x0 += L) {
      const int cnt = static_cast<int>(std::min<int64_t>(L, w - x0));
      step<false>(x + x0, cnt, v);
      for (int j = 0; j < cnt; ++j) V::store(dst + (x0 + j) * L, V::asI(v[j]));
    }
  }

  // v[j] = the quantized channels of pixel j (cnt pixels from offset x of each channel plane), as
  // integers in float registers: quantized from the float input, or the int8 flow's bytes widened.
  template <bool kFull>
  [[gnu::always_inline]] void step(int64_t x, int cnt, F* v) const {
    if (t.xq) loadStep<kFull>(t.xq + x, cnt, v);
    else quantizeStep<kFull>(t.x + x, cnt, v);
  }

  template <bool kFull>
  [[gnu::always_inline]] void loadStep(const uint8_t* x, int cnt, F* v) const {
    const int64_t plane = t.h * t.w;
    const int channels = kFull ? L : t.channels;
    const bool sgn = t.xSigned;
#pragma GCC unroll 16
    for (int c = 0; c < L; ++c) v[c] = V::asF(c < channels ? V::loadBytes(x + c * plane, kFull ? L : cnt, sgn) : V::zero());
    V::transposef(v);
  }

  // The same from the float input: the transpose moves bits, and one array avoids copies.
  template <bool kFull>
  [[gnu::always_inline]] void quantizeStep(const float* x, int cnt, F* v) const {
    const F scale = V::set1f(t.scale), lo = V::set1f(t.lo), hi = V::set1f(t.hi);
    const int64_t plane = t.h * t.w;
    const int channels = kFull ? L : t.channels;
#pragma GCC unroll 16
    for (int c = 0; c < L; ++c) {
      if (kFull) v[c] = V::asF(V::quantize(V::loadf(x + c * plane), scale, lo, hi));
      else v[c] = V::asF(c < channels ? V::quantize(V::loadf(x + c * plane, cnt), scale, lo, hi) : V::zero());
    }
    V::transposef(v);
  }

  // Step 3 for kernel K, stride S.
  template <int K, int S>
  void convolve() const {
    constexpr int kPairs = (K + 1) / 2, G = V::kGroup;
    I wv[kPairs * K];
#pragma GCC unroll 15
    for (int i = 0; i < kPairs * K; ++i) wv[i] = V::load(t.w2 + i * L);
    const F deq = V::loadf(t.deq, L), bias = V::loadf(t.bias, L);
    const F a = V::set1f(t.a), b = V::set1f(t.b);
    const F oscale = V::set1f(t.outScale), olo = V::set1f(t.outLo), ohi = V::set1f(t.outHi);
    uint8_t* yq = t.yq ? t.yq + t.oy0 * t.ow : nullptr;
    const int64_t npix = (t.oy1 - t.oy0) * t.ow, plane = t.oh * t.ow, ow = t.ow;
    const int channels = t.channels, act = t.act;
    float* y = t.y ? t.y + t.oy0 * t.ow : nullptr;
    int64_t oy = 0, ox = 0;  // of the chunk's first pixel, oy relative to the band
    for (int64_t p0 = 0; p0 < npix; p0 += L) {
      const int cnt = static_cast<int>(std::min<int64_t>(L, npix - p0));
      const int32_t* src[L];
      for (int j = 0; j < L; ++j) {
        src[j] = pairs + (oy * S * wp + ox * S) * L;
        if (j + 1 < cnt && ++ox == ow) ox = 0, ++oy;  // past the end: repeat the last pixel
      }
      if (++ox == ow) ox = 0, ++oy;
      F f[L];
#pragma GCC unroll 2
      for (int g = 0; g < L; g += G) {
        I s[G];
#pragma GCC unroll 8
        for (int i = 0; i < G; ++i) s[i] = V::zero();
#pragma GCC unroll 5
        for (int j = 0; j < kPairs; ++j)
#pragma GCC unroll 5
          for (int kx = 0; kx < K; ++kx)
#pragma GCC unroll 8
            for (int i = 0; i < G; ++i) s[i] = V::dot(s[i], V::load(src[g + i] + (2 * j * wp + kx) * L), wv[j * K + kx]);
#pragma GCC unroll 8
        for (int i = 0; i < G; ++i) f[g + i] = V::dequant(s[i], deq, bias, act, a, b);
      }
      V::transposef(f);
      if (yq)  // the int8 flow: the consumers' quantize, stored as bytes
        for (int c = 0; c < channels; ++c) V::storeBytes(yq + c * plane + p0, V::quantize(f[c], oscale, olo, ohi), cnt);
      else
        for (int c = 0; c < channels; ++c) V::storef(y + c * plane + p0, f[c], cnt);
    }
  }
};

template <class V>
bool dwTask(const Q8DwTask& t, int k, int s) {
  if (!(k == 3 || k == 5) || !(s == 1 || s == 2) || t.channels < 1 || t.channels > V::kLanes) return false;
  DwBand<V> band(t, k, s);
  if (band.small) band.packSmall();
  else band.packRows();
  if (k == 3 && s == 1) band.template convolve<3, 1>();
  else if (k == 3) band.template convolve<3, 2>();
  else if (s == 1) band.template convolve<5, 1>();
  else band.template convolve<5, 2>();
  return true;
}

}  // namespace
}  // namespace eqw::kernels::q8

// The exported task function of one ISA file: q8DwTask<Suffix> (declared in q8_dw_blocked.cpp).
#define EQW_Q8_DW_FUNCTIONS(Suffix, Vec)                                                   \
  namespace eqw::kernels::q8 {                                                             \
  bool q8DwTask##Suffix(const Q8DwTask& task, int k, int stride) { return dwTask<Vec>(task, k, stride); } \
  }
