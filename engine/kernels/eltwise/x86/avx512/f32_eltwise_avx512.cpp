// Element-wise binary ops, affine maps and axpby, AVX-512 (16 floats per step, masked tails).
#include "kernels/eltwise/f32_eltwise_ukernel.h"
#include "kernels/gemm/x86/avx512/f32_epilogue_avx512.h"

#include <immintrin.h>

namespace eqw::kernels::avx512 {
namespace {

template <int OP>
inline __m512 apply(__m512 a, __m512 b) {
  if constexpr (OP == kF32Add) return _mm512_add_ps(a, b);
  if constexpr (OP == kF32Sub) return _mm512_sub_ps(a, b);
  if constexpr (OP == kF32Mul) return _mm512_mul_ps(a, b);
  if constexpr (OP == kF32Div) return _mm512_div_ps(a, b);
  if constexpr (OP == kF32Max) return _mm512_max_ps(a, b);
  if constexpr (OP == kF32Min) return _mm512_min_ps(a, b);
  if constexpr (OP == kF32RSub) return _mm512_sub_ps(b, a);
  if constexpr (OP == kF32RDiv) return _mm512_div_ps(b, a);
  return a;
}

// B_SCALAR: b is one value broadcast to every lane.
template <int OP, bool B_SCALAR>
void binaryLoop(const float* a, const float* b, float bs, float* y, int64_t n) {
  const __m512 bv = _mm512_set1_ps(bs);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(y + i, apply<OP>(_mm512_loadu_ps(a + i), B_SCALAR ? bv : _mm512_loadu_ps(b + i)));
  if (i < n) {
    const __mmask16 m = tailMask(static_cast<int>(n - i));
    // Masked-off lanes compute on 1.0 so that Div never raises on garbage.
    const __m512 one = _mm512_set1_ps(1.f);
    const __m512 av = _mm512_mask_loadu_ps(one, m, a + i);
    const __m512 bt = B_SCALAR ? bv : _mm512_mask_loadu_ps(one, m, b + i);
    _mm512_mask_storeu_ps(y + i, m, apply<OP>(av, bt));
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

void f32_binary_avx512(int32_t op, const float* a, const float* b, float* y, int64_t n) {
  binaryDispatch<false>(op, a, b, 0.f, y, n);
}

void f32_binary_scalar_avx512(int32_t op, const float* a, float b, float* y, int64_t n) {
  binaryDispatch<true>(op, a, nullptr, b, y, n);
}

void f32_affine_avx512(const float* x, float s, float t, float* y, int64_t n, const F32Epilogue& ep) {
  const __m512 sv = _mm512_set1_ps(s), tv = _mm512_set1_ps(t);
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    __m512 v[4];
    for (int u = 0; u < 4; ++u) v[u] = _mm512_fmadd_ps(_mm512_loadu_ps(x + i + 16 * u), sv, tv);
    applyEpilogue<4>(v, ep);
    for (int u = 0; u < 4; ++u) _mm512_storeu_ps(y + i + 16 * u, v[u]);
  }
  for (; i < n; i += 16) {
    const __mmask16 m = tailMask(static_cast<int>(n - i));
    __m512 v = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, x + i), sv, tv);
    applyEpilogue<1>(&v, ep);
    _mm512_mask_storeu_ps(y + i, m, v);
  }
}

void f32_axpby_avx512(float ca, const float* a, float cb, const float* b, float* y, int64_t n) {
  const __m512 av = _mm512_set1_ps(ca), bv = _mm512_set1_ps(cb);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = tailMask(static_cast<int>(n - i));
    const __m512 r = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + i), av,
                                     _mm512_mul_ps(_mm512_maskz_loadu_ps(m, b + i), bv));
    _mm512_mask_storeu_ps(y + i, m, r);
  }
}

}  // namespace eqw::kernels::avx512
