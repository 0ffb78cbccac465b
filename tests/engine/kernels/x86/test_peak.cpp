// The measured peaks: every level gives a positive rate below what any core could do. How the
// levels compare is a benchmark (eqw bench --peak, docs/performance.md), not a timed unit test.
#include <eqw/peak.h>
#include <gtest/gtest.h>

namespace eqw {
namespace {

// Generous physical ceilings: 2 FMA pipes x 16 lanes x 7 GHz; INT8 four times that.
constexpr double kMaxFp32 = 2 * 16 * 7.0;
constexpr double kMaxInt8 = 4 * kMaxFp32;

TEST(Peak, EveryLevelTheCpuRuns) {
  for (Isa isa : {Isa::Scalar, Isa::Sse41, Isa::Avx2, Isa::AvxVnni, Isa::Avx512, Isa::Avx512Vnni}) {
    if (!isaSupported(isa)) continue;
    const double f = measurePeakFp32Gmacs(isa, 0.03), i = measurePeakInt8Gmacs(isa, 0.03);
    EXPECT_GT(f, 0.1) << toString(isa);
    EXPECT_LT(f, kMaxFp32) << toString(isa);
    EXPECT_GT(i, 0.1) << toString(isa);
    EXPECT_LT(i, kMaxInt8) << toString(isa);
  }
}

TEST(Peak, LevelsAboveTheCpuAreCapped) {
  // Asking for more than the CPU has measures what it has (never an illegal instruction).
  const Isa best = cpuFeatures().best();
  EXPECT_GT(measurePeakFp32Gmacs(Isa::Avx512Vnni, 0.02), 0.0) << "best level " << toString(best);
  EXPECT_GT(measurePeakInt8Gmacs(Isa::Avx512Vnni, 0.02), 0.0) << "best level " << toString(best);
}

}  // namespace
}  // namespace eqw
