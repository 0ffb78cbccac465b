// The integer depthwise task on AVX-512 VNNI: vpdpwssd adds the two int16 products of each lane.
#include "kernels/int8/x86/q8_dw_zmm.h"

#include "kernels/int8/x86/q8_dw_impl.h"

namespace eqw::kernels::q8 {
namespace {
struct DpwssdZmm {
  static __m512i add(__m512i acc, __m512i x, __m512i w) { return _mm512_dpwssd_epi32(acc, x, w); }
};
}  // namespace
}  // namespace eqw::kernels::q8

EQW_Q8_DW_FUNCTIONS(Avx512Vnni, DwZmm<DpwssdZmm>)
