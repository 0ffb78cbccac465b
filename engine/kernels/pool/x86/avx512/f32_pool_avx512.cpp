// Max / average pooling of one padded plane and whole-plane reductions, AVX-512: vectors run
// along the output row; stride 2 takes the even lanes of two loads.
#include "kernels/conv/x86/avx512/f32_conv_load_avx512.h"
#include "kernels/pool/f32_pool_ukernel.h"

#include <immintrin.h>

namespace eqw::kernels::avx512 {
namespace {

template <int SW, bool MAX>
void poolPlane(const F32ConvGeom& g, const float* x, const float* invCount, float* y) {
  for (int64_t oy = 0; oy < g.oh; ++oy) {
    const float* row = x + oy * g.sh * g.iw;
    for (int64_t ox = 0; ox < g.ow; ox += 16) {
      const int lanes = static_cast<int>(g.ow - ox < 16 ? g.ow - ox : 16);
      __m512 acc = MAX ? _mm512_set1_ps(-__builtin_inff()) : _mm512_setzero_ps();
      for (int ky = 0; ky < g.kh; ++ky) {
        const float* r = row + ky * g.iw + ox * SW;
        for (int kx = 0; kx < g.kw; ++kx) {
          const __m512 v = loadStrided<SW>(r + kx, lanes);
          acc = MAX ? _mm512_max_ps(acc, v) : _mm512_add_ps(acc, v);
        }
      }
      if (!MAX) acc = _mm512_mul_ps(acc, _mm512_maskz_loadu_ps(tailMask(lanes), invCount + oy * g.ow + ox));
      storeLanes(y + oy * g.ow + ox, acc, lanes);
    }
  }
}

template <bool MAX>
void poolPlaneScalar(const F32ConvGeom& g, const float* x, const float* invCount, float* y) {
  for (int64_t oy = 0; oy < g.oh; ++oy) {
    for (int64_t ox = 0; ox < g.ow; ++ox) {
      float acc = MAX ? -__builtin_inff() : 0.f;
      for (int ky = 0; ky < g.kh; ++ky)
        for (int kx = 0; kx < g.kw; ++kx) {
          const float v = x[(oy * g.sh + ky) * g.iw + ox * g.sw + kx];
          acc = MAX ? (v > acc ? v : acc) : acc + v;
        }
      y[oy * g.ow + ox] = MAX ? acc : acc * invCount[oy * g.ow + ox];
    }
  }
}

template <bool MAX>
void poolDispatch(const F32ConvGeom& g, const float* x, const float* invCount, float* y) {
  if (g.sw == 1) return poolPlane<1, MAX>(g, x, invCount, y);
  if (g.sw == 2) return poolPlane<2, MAX>(g, x, invCount, y);
  poolPlaneScalar<MAX>(g, x, invCount, y);
}

}  // namespace

void f32_maxpool_avx512(const F32ConvGeom& g, const float* x, float* y) { poolDispatch<true>(g, x, nullptr, y); }

void f32_avgpool_avx512(const F32ConvGeom& g, const float* x, const float* invCount, float* y) {
  poolDispatch<false>(g, x, invCount, y);
}

float f32_reduce_sum_avx512(const float* x, int64_t n) {
  __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    a0 = _mm512_add_ps(a0, _mm512_loadu_ps(x + i));
    a1 = _mm512_add_ps(a1, _mm512_loadu_ps(x + i + 16));
    a2 = _mm512_add_ps(a2, _mm512_loadu_ps(x + i + 32));
    a3 = _mm512_add_ps(a3, _mm512_loadu_ps(x + i + 48));
  }
  for (; i < n; i += 16) a0 = _mm512_add_ps(a0, _mm512_maskz_loadu_ps(tailMask(static_cast<int>(n - i)), x + i));
  return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
}

float f32_reduce_max_avx512(const float* x, int64_t n) {
  const __m512 lowest = _mm512_set1_ps(-__builtin_inff());
  __m512 a0 = lowest, a1 = lowest;
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a0 = _mm512_max_ps(a0, _mm512_loadu_ps(x + i));
    a1 = _mm512_max_ps(a1, _mm512_loadu_ps(x + i + 16));
  }
  for (; i < n; i += 16) a0 = _mm512_mask_max_ps(a0, tailMask(static_cast<int>(n - i)), a0, _mm512_maskz_loadu_ps(tailMask(static_cast<int>(n - i)), x + i));
  return _mm512_reduce_max_ps(_mm512_max_ps(a0, a1));
}

}  // namespace eqw::kernels::avx512
