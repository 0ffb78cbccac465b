// Statistics loops compiled for AVX-512 (16 lanes: one zmm register).
#define EQW_STATS_COMPRESS 1
#define EQW_STATS_LANES 16
#include "calib/stats_kernels_impl.h"

namespace eqw::calib {

extern const StatsKernels kStatsAvx512;
const StatsKernels kStatsAvx512{"avx512", scanRangeImpl, binDivideImpl, scanBinPow2Impl};

}  // namespace eqw::calib
