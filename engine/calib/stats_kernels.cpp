// The generic statistics loops (the build's baseline instruction set) and the choice of level.
#include "calib/stats_kernels_impl.h"

namespace eqw::calib {

#if defined(EQW_X86_KERNELS)
extern const StatsKernels kStatsAvx2;
extern const StatsKernels kStatsAvx512;
#endif

namespace {
const StatsKernels kStatsGeneric{"generic", scanRangeImpl, binDivideImpl, scanBinPow2Impl};
}  // namespace

const StatsKernels* statsKernels(Isa isa) {
  if (!isaSupported(isa)) return nullptr;
  switch (isa) {
#if defined(EQW_X86_KERNELS)
    case Isa::Avx512:
    case Isa::Avx512Vnni: return &kStatsAvx512;
    case Isa::Avx2:
    case Isa::AvxVnni: return &kStatsAvx2;
#endif
    case Isa::Scalar:
    case Isa::Sse41: return &kStatsGeneric;
    default: return nullptr;
  }
}

const StatsKernels& statsKernels() {
  const StatsKernels* k = statsKernels(activeIsa());
  return k ? *k : kStatsGeneric;
}

}  // namespace eqw::calib
