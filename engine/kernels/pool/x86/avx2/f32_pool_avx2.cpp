// Max / average pooling of one padded plane and whole-plane reductions, AVX2: vectors run
// along the output row; stride 2 by shuffles.
#include "kernels/conv/x86/avx2/f32_conv_load_avx2.h"
#include "kernels/pool/f32_pool_ukernel.h"

#include <immintrin.h>

namespace eqw::kernels::avx2 {
namespace {

template <int SW, bool MAX>
void poolPlane(const F32ConvGeom& g, const float* x, const float* invCount, float* y) {
  for (int64_t oy = 0; oy < g.oh; ++oy) {
    const float* row = x + oy * g.sh * g.iw;
    for (int64_t ox = 0; ox < g.ow; ox += 8) {
      const int lanes = static_cast<int>(g.ow - ox < 8 ? g.ow - ox : 8);
      __m256 acc = MAX ? _mm256_set1_ps(-__builtin_inff()) : _mm256_setzero_ps();
      for (int ky = 0; ky < g.kh; ++ky) {
        const float* r = row + ky * g.iw + ox * SW;
        for (int kx = 0; kx < g.kw; ++kx) {
          const __m256 v = loadStrided<SW>(r + kx, lanes);
          acc = MAX ? _mm256_max_ps(acc, v) : _mm256_add_ps(acc, v);
        }
      }
      if (!MAX) acc = _mm256_mul_ps(acc, loadStrided<1>(invCount + oy * g.ow + ox, lanes));
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

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

inline float hmax(__m256 v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

}  // namespace

void f32_maxpool_avx2(const F32ConvGeom& g, const float* x, float* y) { poolDispatch<true>(g, x, nullptr, y); }

void f32_avgpool_avx2(const F32ConvGeom& g, const float* x, const float* invCount, float* y) {
  poolDispatch<false>(g, x, invCount, y);
}

float f32_reduce_sum_avx2(const float* x, int64_t n) {
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a0 = _mm256_add_ps(a0, _mm256_loadu_ps(x + i));
    a1 = _mm256_add_ps(a1, _mm256_loadu_ps(x + i + 8));
    a2 = _mm256_add_ps(a2, _mm256_loadu_ps(x + i + 16));
    a3 = _mm256_add_ps(a3, _mm256_loadu_ps(x + i + 24));
  }
  for (; i < n; i += 8) a0 = _mm256_add_ps(a0, loadStrided<1>(x + i, static_cast<int>(n - i < 8 ? n - i : 8)));
  return hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
}

float f32_reduce_max_avx2(const float* x, int64_t n) {
  __m256 a0 = _mm256_set1_ps(-__builtin_inff()), a1 = a0;
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a0 = _mm256_max_ps(a0, _mm256_loadu_ps(x + i));
    a1 = _mm256_max_ps(a1, _mm256_loadu_ps(x + i + 8));
  }
  float m = hmax(_mm256_max_ps(a0, a1));
  for (; i < n; ++i) m = x[i] > m ? x[i] : m;
  return m;
}

}  // namespace eqw::kernels::avx2
