// The integer GEMM tile for AVX-VNNI (vpdpbusd on ymm).
#include "kernels/int8/x86/q8_gemm_ymm.h"

#include "kernels/int8/x86/q8_rows_impl.h"

EQW_Q8_ROW_FUNCTIONS(AvxVnni)

namespace eqw::kernels::q8 {

namespace {
struct VnniDot {
  static __m256i add(__m256i acc, __m256i u8, __m256i s8) { return _mm256_dpbusd_avx_epi32(acc, u8, s8); }
};
}  // namespace

void q8GemmTileAvxVnni(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c) {
  q8GemmTileYmm<VnniDot>(kGroups, w, x, c);
}

}  // namespace eqw::kernels::q8
