// The integer depthwise task on AVX-512 BW without VNNI: vpmaddwd, then vpaddd.
#include "kernels/int8/x86/q8_dw_zmm.h"

#include "kernels/int8/x86/q8_dw_impl.h"

namespace eqw::kernels::q8 {
namespace {
struct MaddZmm {
  static __m512i add(__m512i acc, __m512i x, __m512i w) { return _mm512_add_epi32(acc, _mm512_madd_epi16(x, w)); }
};
}  // namespace
}  // namespace eqw::kernels::q8

EQW_Q8_DW_FUNCTIONS(Avx512, DwZmm<MaddZmm>)
