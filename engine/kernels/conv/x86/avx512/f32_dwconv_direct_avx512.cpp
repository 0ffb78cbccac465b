// Depthwise convolution straight from the unpadded plane, AVX-512: zero padding is implied by
// masked loads (no padded copy); four output rows per pass share their input rows and keep
// eight FMA chains in flight; stride 2 takes the even lanes of two loads.
#include "kernels/conv/f32_conv_ukernel.h"
#include "kernels/conv/x86/avx512/f32_conv_load_avx512.h"

#include <immintrin.h>

#include <cstdint>

namespace eqw::kernels::avx512 {
namespace {

inline void storeOut(float* y, __m512 acc, int lanes, const F32Epilogue& ep) {
  applyEpilogue<1>(&acc, ep);
  storeLanes(y, acc, lanes);
}

// Lanes [lo, hi) of a load window, as a 32-bit mask (bit e: element e of the window).
inline uint32_t windowMask(int64_t lo, int64_t hi) {
  if (lo < 0) lo = 0;
  if (hi > 32) hi = 32;
  if (hi <= lo) return 0;
  const uint64_t bits = (uint64_t{1} << hi) - (uint64_t{1} << lo);
  return static_cast<uint32_t>(bits);
}

// A masked load at row + offset; the offset may point before the row (masked lanes never touch
// memory), so the address is formed without pointer arithmetic past the object.
inline __m512 maskedLoad(const float* row, int64_t offset, __mmask16 m) {
  const auto* p = reinterpret_cast<const float*>(reinterpret_cast<uintptr_t>(row) + offset * int64_t(sizeof(float)));
  return _mm512_maskz_loadu_ps(m, p);
}

// Rows above and below the plane read this instead (zero padding, no branches in the loops).
constexpr int64_t kZeroRow = 4096;
alignas(64) const float kZeros[kZeroRow + 64] = {};

// Input window of output chunk [ox0, ox0 + lanes) for tap column kx: S=1: one vector from
// x0 = ox0 + kx - padLeft; S=2: the even lanes of 32 elements from x0 = 2 * ox0 + kx - padLeft.
template <int S>
inline __m512 tapMasked(const float* row, int64_t x0, __mmask16 mlo, __mmask16 mhi, __m512i even) {
  if constexpr (S == 1) {
    (void)mhi, (void)even;
    return maskedLoad(row, x0, mlo);
  } else {
    return _mm512_permutex2var_ps(maskedLoad(row, x0, mlo), even, maskedLoad(row, x0 + 16, mhi));
  }
}

template <int S>
inline __m512 tapFull(const float* row, __m512i even) {
  if constexpr (S == 1) {
    (void)even;
    return _mm512_loadu_ps(row);
  } else {
    return _mm512_permutex2var_ps(_mm512_loadu_ps(row), even, _mm512_loadu_ps(row + 16));
  }
}

constexpr int kRows = 4;  // output rows per pass: 8 independent FMA chains cover the latency

// kRows output rows from input rows rows[0 .. (kRows - 1) * S + K): every tap vector feeds each
// output row whose window holds it; each row keeps two partial sums (even and odd ky). FULL:
// the chunk lies inside the row (plain loads); otherwise masked loads. Null y[r]: not stored.
template <int K, int S, bool FULL>
inline void dwChunk(const float* const* rows, int64_t ox0, int lanes, int64_t iw, int padLeft, const __m512* wv,
                    __m512 b, float* const* y, const F32Epilogue& ep) {
  constexpr int kIn = (kRows - 1) * S + K;
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  __mmask16 mlo[K], mhi[K];
  const int64_t base = ox0 * S - padLeft;
  if constexpr (!FULL) {
#pragma GCC unroll 8
    for (int kx = 0; kx < K; ++kx) {
      const int64_t x0 = base + kx, span = S * (lanes - 1) + 1;
      const uint32_t m = windowMask(-x0, iw - x0 < span ? iw - x0 : span);
      mlo[kx] = static_cast<__mmask16>(m & 0xffff);
      mhi[kx] = static_cast<__mmask16>(m >> 16);
    }
  }
  __m512 acc[kRows][2];
#pragma GCC unroll 8
  for (int o = 0; o < kRows; ++o) acc[o][0] = b, acc[o][1] = _mm512_setzero_ps();
#pragma GCC unroll 16
  for (int r = 0; r < kIn; ++r) {
#pragma GCC unroll 8
    for (int kx = 0; kx < K; ++kx) {
      __m512 v = FULL ? tapFull<S>(rows[r] + base + kx, even) : tapMasked<S>(rows[r], base + kx, mlo[kx], mhi[kx], even);
      // Keeps v in a register: otherwise GCC folds the load into every FMA that uses it and
      // loads are what this kernel is bound by.
      __asm__("" : "+v"(v));
#pragma GCC unroll 8
      for (int o = 0; o < kRows; ++o) {
        const int ky = r - o * S;
        if (ky >= 0 && ky < K) acc[o][ky & 1] = _mm512_fmadd_ps(wv[ky * K + kx], v, acc[o][ky & 1]);
      }
    }
  }
  __m512 out[kRows];
#pragma GCC unroll 8
  for (int o = 0; o < kRows; ++o) out[o] = _mm512_add_ps(acc[o][0], acc[o][1]);
  applyEpilogue<kRows>(out, ep);
#pragma GCC unroll 8
  for (int o = 0; o < kRows; ++o)
    if (y[o]) storeLanes(y[o] + ox0, out[o], lanes);
}

template <int K, int S>
void dwDirect(const F32ConvGeom& g, int padTop, int padLeft, const float* x, const float* w, float bias, float* y,
              const F32Epilogue& ep) {
  constexpr int kIn = (kRows - 1) * S + K;
  __m512 wv[K * K];
  for (int t = 0; t < K * K; ++t) wv[t] = _mm512_set1_ps(w[t]);
  const __m512 b = _mm512_set1_ps(bias);
  // Chunks [full0, full1) read only inside the row: no masks.
  constexpr int64_t kReach = K - 1 + (S == 1 ? 15 : 31);  // last element a chunk reads, from its base
  int64_t full0 = 0, full1 = 0;
  for (int64_t ox0 = 0; ox0 + 16 <= g.ow; ox0 += 16) {
    const bool inside = ox0 * S - padLeft >= 0 && ox0 * S - padLeft + kReach < g.iw;
    if (inside && full1 == full0) full0 = full1 = ox0;
    if (inside) full1 = ox0 + 16;
  }
  for (int64_t oy = 0; oy < g.oh; oy += kRows) {
    const float* rows[kIn];
    for (int r = 0; r < kIn; ++r) {
      const int64_t iy = oy * S - padTop + r;
      rows[r] = iy >= 0 && iy < g.ih ? x + iy * g.iw : kZeros + 32;
    }
    float* ys[kRows];
    for (int o = 0; o < kRows; ++o) ys[o] = oy + o < g.oh ? y + (oy + o) * g.ow : nullptr;
    for (int64_t ox0 = 0; ox0 < g.ow; ox0 += 16) {
      const int lanes = static_cast<int>(g.ow - ox0 < 16 ? g.ow - ox0 : 16);
      if (ox0 >= full0 && ox0 < full1) dwChunk<K, S, true>(rows, ox0, 16, g.iw, padLeft, wv, b, ys, ep);
      else dwChunk<K, S, false>(rows, ox0, lanes, g.iw, padLeft, wv, b, ys, ep);
    }
  }
}

}  // namespace

bool f32_dwconv_direct_avx512(const F32ConvGeom& g, int padTop, int padLeft, const float* x, const float* w,
                              float bias, float* y, const F32Epilogue& ep) {
  if (g.dh != 1 || g.dw != 1 || g.kh != g.kw || g.sh != g.sw || g.iw > kZeroRow) return false;
  if (g.kh == 3 && g.sw == 1) return dwDirect<3, 1>(g, padTop, padLeft, x, w, bias, y, ep), true;
  if (g.kh == 3 && g.sw == 2) return dwDirect<3, 2>(g, padTop, padLeft, x, w, bias, y, ep), true;
  if (g.kh == 5 && g.sw == 1) return dwDirect<5, 1>(g, padTop, padLeft, x, w, bias, y, ep), true;
  if (g.kh == 5 && g.sw == 2) return dwDirect<5, 2>(g, padTop, padLeft, x, w, bias, y, ep), true;
  return false;
}

}  // namespace eqw::kernels::avx512
