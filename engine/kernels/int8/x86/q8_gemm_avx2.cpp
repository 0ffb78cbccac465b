// The integer GEMM tile for AVX2 at 7 bits: vpmaddubsw multiplies u8 x s8 and adds pairs into
// int16 with saturation, which never happens for inputs <= 191 (7 bits + 128) and weights <= 63
// (q8GemmTile only picks this tile then); vpmaddwd with ones adds the pairs into int32.
#include "kernels/int8/x86/q8_gemm_ymm.h"

#include "kernels/int8/x86/q8_rows_impl.h"

namespace eqw::kernels::q8 {

void q8QuantizeRowAvx2(const float* x, int64_t n, float scale, float lo, float hi, int32_t shift, uint8_t* out) {
  quantizeRowImpl(x, n, scale, lo, hi, shift, out);
}

void q8DequantRowAvx2(const int32_t* acc, int64_t n, int32_t correction, float deq, float bias, int act, float a, float b,
                     float* y) {
  dequantRowImpl(acc, n, correction, deq, bias, act, a, b, y);
}

void q8DwPlaneAvx2(const int16_t* planes, int64_t wq, int64_t planeSize, const int8_t* w, int kh, int kw, int sh,
                 int sw, int dh, int dw, int64_t oh, int64_t ow, int32_t* acc, float deq, float bias, int act, float a,
                 float b, float* y) {
  dwPlaneImpl(planes, wq, planeSize, w, kh, kw, sh, sw, dh, dw, oh, ow, acc, deq, bias, act, a, b, y);
}

namespace {
struct MaddDot {
  static __m256i add(__m256i acc, __m256i u8, __m256i s8) {
    const __m256i pairs = _mm256_maddubs_epi16(u8, s8);
    return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
  }
};
}  // namespace

void q8GemmTileAvx2U7(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c) {
  q8GemmTileYmm<MaddDot>(kGroups, w, x, c);
}

}  // namespace eqw::kernels::q8
