// The integer GEMM tile for AVX-VNNI (vpdpbusd on ymm).
#include "kernels/int8/x86/q8_gemm_ymm.h"

#include "kernels/int8/x86/q8_rows_impl.h"

namespace eqw::kernels::q8 {

void q8QuantizeRowAvxVnni(const float* x, int64_t n, float scale, float lo, float hi, int32_t shift, uint8_t* out) {
  quantizeRowImpl(x, n, scale, lo, hi, shift, out);
}

void q8DequantRowAvxVnni(const int32_t* acc, int64_t n, int32_t correction, float deq, float bias, int act, float a, float b,
                     float* y) {
  dequantRowImpl(acc, n, correction, deq, bias, act, a, b, y);
}

void q8DwPlaneAvxVnni(const int16_t* planes, int64_t wq, int64_t planeSize, const int8_t* w, int kh, int kw, int sh,
                 int sw, int dh, int dw, int64_t oh, int64_t ow, int32_t* acc, float deq, float bias, int act, float a,
                 float b, float* y) {
  dwPlaneImpl(planes, wq, planeSize, w, kh, kw, sh, sw, dh, dw, oh, ow, acc, deq, bias, act, a, b, y);
}

namespace {
struct VnniDot {
  static __m256i add(__m256i acc, __m256i u8, __m256i s8) { return _mm256_dpbusd_avx_epi32(acc, u8, s8); }
};
}  // namespace

void q8GemmTileAvxVnni(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c) {
  q8GemmTileYmm<VnniDot>(kGroups, w, x, c);
}

}  // namespace eqw::kernels::q8
