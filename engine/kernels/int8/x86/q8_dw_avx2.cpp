// The integer depthwise task on AVX2: vpmaddwd (exact: int16 x int16 pairs into int32), then vpaddd.
#include "kernels/int8/x86/q8_dw_ymm.h"

#include "kernels/int8/x86/q8_dw_impl.h"

namespace eqw::kernels::q8 {
namespace {
struct MaddYmm {
  static __m256i add(__m256i acc, __m256i x, __m256i w) { return _mm256_add_epi32(acc, _mm256_madd_epi16(x, w)); }
};
}  // namespace
}  // namespace eqw::kernels::q8

EQW_Q8_DW_FUNCTIONS(Avx2, DwYmm<MaddYmm>)
