// Element-wise binary ops, affine maps and axpby, AVX2 (8 floats per step, masked tails).
#include "kernels/eltwise/f32_eltwise_ukernel.h"
#include "kernels/gemm/x86/avx2/f32_epilogue_avx2.h"

#include <immintrin.h>

namespace eqw::kernels::avx2 {
namespace {

template <int OP>
inline __m256 apply(__m256 a, __m256 b) {
  if constexpr (OP == kF32Add) return _mm256_add_ps(a, b);
  if constexpr (OP == kF32Sub) return _mm256_sub_ps(a, b);
  if constexpr (OP == kF32Mul) return _mm256_mul_ps(a, b);
  if constexpr (OP == kF32Div) return _mm256_div_ps(a, b);
  if constexpr (OP == kF32Max) return _mm256_max_ps(a, b);
  if constexpr (OP == kF32Min) return _mm256_min_ps(a, b);
  if constexpr (OP == kF32RSub) return _mm256_sub_ps(b, a);
  if constexpr (OP == kF32RDiv) return _mm256_div_ps(b, a);
  return a;
}

template <int OP, bool B_SCALAR>
void binaryLoop(const float* a, const float* b, float bs, float* y, int64_t n) {
  const __m256 bv = _mm256_set1_ps(bs);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(y + i, apply<OP>(_mm256_loadu_ps(a + i), B_SCALAR ? bv : _mm256_loadu_ps(b + i)));
  for (; i < n; ++i) {
    const float bi = B_SCALAR ? bs : b[i];
    y[i] = _mm_cvtss_f32(_mm256_castps256_ps128(apply<OP>(_mm256_set1_ps(a[i]), _mm256_set1_ps(bi))));
  }
}

template <bool B_SCALAR>
void binaryDispatch(int32_t op, const float* a, const float* b, float bs, float* y, int64_t n) {
  switch (op) {
    case kF32Add: return binaryLoop<kF32Add, B_SCALAR>(a, b, bs, y, n);
    case kF32Sub: return binaryLoop<kF32Sub, B_SCALAR>(a, b, bs, y, n);
    case kF32Mul: return binaryLoop<kF32Mul, B_SCALAR>(a, b, bs, y, n);
    case kF32Div: return binaryLoop<kF32Div, B_SCALAR>(a, b, bs, y, n);
    case kF32Max: return binaryLoop<kF32Max, B_SCALAR>(a, b, bs, y, n);
    case kF32Min: return binaryLoop<kF32Min, B_SCALAR>(a, b, bs, y, n);
    case kF32RSub: return binaryLoop<kF32RSub, B_SCALAR>(a, b, bs, y, n);
    case kF32RDiv: return binaryLoop<kF32RDiv, B_SCALAR>(a, b, bs, y, n);
    default: return;
  }
}

}  // namespace

void f32_binary_avx2(int32_t op, const float* a, const float* b, float* y, int64_t n) {
  binaryDispatch<false>(op, a, b, 0.f, y, n);
}

void f32_binary_scalar_avx2(int32_t op, const float* a, float b, float* y, int64_t n) {
  binaryDispatch<true>(op, a, nullptr, b, y, n);
}

void f32_affine_avx2(const float* x, float s, float t, float* y, int64_t n, const F32Epilogue& ep) {
  const __m256 sv = _mm256_set1_ps(s), tv = _mm256_set1_ps(t);
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256 v[4];
    for (int u = 0; u < 4; ++u) v[u] = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8 * u), sv, tv);
    applyEpilogue<4>(v, ep);
    for (int u = 0; u < 4; ++u) _mm256_storeu_ps(y + i + 8 * u, v[u]);
  }
  for (; i < n; i += 8) {
    const __m256i m = tailMask(static_cast<int>(n - i));
    __m256 v = _mm256_fmadd_ps(_mm256_maskload_ps(x + i, m), sv, tv);
    applyEpilogue<1>(&v, ep);
    _mm256_maskstore_ps(y + i, m, v);
  }
}

void f32_axpby_avx2(float ca, const float* a, float cb, const float* b, float* y, int64_t n) {
  const __m256 av = _mm256_set1_ps(ca), bv = _mm256_set1_ps(cb);
  for (int64_t i = 0; i < n; i += 8) {
    const __m256i m = tailMask(static_cast<int>(n - i));
    const __m256 r = _mm256_fmadd_ps(_mm256_maskload_ps(a + i, m), av, _mm256_mul_ps(_mm256_maskload_ps(b + i, m), bv));
    _mm256_maskstore_ps(y + i, m, r);
  }
}

}  // namespace eqw::kernels::avx2
