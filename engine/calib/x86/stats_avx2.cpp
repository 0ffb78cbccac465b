// Statistics loops compiled for AVX2 (8 lanes: one ymm register).
#define EQW_STATS_LANES 8
#include "calib/stats_kernels_impl.h"

namespace eqw::calib {

extern const StatsKernels kStatsAvx2;
const StatsKernels kStatsAvx2{"avx2", scanRangeImpl, binDivideImpl, scanBinPow2Impl};

}  // namespace eqw::calib
