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

// Several cores at once: each thread's rate is within one core's ceiling, so the sum is positive
// and below threads x the ceiling; one thread is the one-core measurement.
TEST(Peak, CoresAtOnceSumPerThreadRates) {
  const Isa best = cpuFeatures().best();
  for (int threads : {1, 2, 3}) {
    const double f = measurePeakFp32GmacsTogether(best, threads, 0.03);
    const double i = measurePeakInt8GmacsTogether(best, threads, 0.03);
    EXPECT_GT(f, 0.1) << threads;
    EXPECT_LT(f, threads * kMaxFp32) << threads;
    EXPECT_GT(i, 0.1) << threads;
    EXPECT_LT(i, threads * kMaxInt8) << threads;
  }
  EXPECT_GT(measurePeakInt8GmacsTogether(best, 0, 0.02), 0.0);  // fewer than one: one
}

}  // namespace
}  // namespace eqw
