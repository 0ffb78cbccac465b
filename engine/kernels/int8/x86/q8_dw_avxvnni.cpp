// The integer depthwise task on AVX-VNNI: vpdpwssd on ymm.
#include "kernels/int8/x86/q8_dw_ymm.h"

#include "kernels/int8/x86/q8_dw_impl.h"

namespace eqw::kernels::q8 {
namespace {
struct DpwssdYmm {
  static __m256i add(__m256i acc, __m256i x, __m256i w) { return _mm256_dpwssd_avx_epi32(acc, x, w); }
};
}  // namespace
}  // namespace eqw::kernels::q8

EQW_Q8_DW_FUNCTIONS(AvxVnni, DwYmm<DpwssdYmm>)
