// Measured per-core peaks (eqw/peak.h): times the ISA's chain loop in short slices on the calling
// thread and keeps the best slice, so a context switch or a frequency ramp does not count.
#include <eqw/peak.h>

#include "kernels/peak/peak_ukernel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <system_error>
#include <thread>
#include <vector>

namespace eqw {
namespace {

using kernels::PeakLoopFn;
using Clock = std::chrono::steady_clock;

double measureGmacs(PeakLoopFn loop, double seconds) {
  if (!loop) return 0.0;
  seconds = std::clamp(seconds, 0.01, 10.0);
  // Calibrate the slice length to about 5 ms.
  int64_t iters = 1000;
  for (;;) {
    auto t0 = Clock::now();
    loop(iters);
    double dt = std::chrono::duration<double>(Clock::now() - t0).count();
    if (dt >= 0.002 || iters > (int64_t(1) << 40)) {
      iters = std::max<int64_t>(1, static_cast<int64_t>(iters * 0.005 / std::max(dt, 1e-9)));
      break;
    }
    iters *= 4;
  }
  double best = 0.0;
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  do {
    auto t0 = Clock::now();
    double macs = loop(iters);
    double dt = std::chrono::duration<double>(Clock::now() - t0).count();
    if (dt > 0) best = std::max(best, macs / dt * 1e-9);
  } while (Clock::now() < end);
  return best;
}

// Scalar level: plain multiply-add chains; the empty asm pins each chain in its own register so
// the compiler cannot vectorise them.
double scalarF32Loop(int64_t iterations) {
  constexpr int kChains = 8;
  float acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = 0.001f * static_cast<float>(i);
  float a = 0.999f, b = 1e-4f;
  for (int64_t it = 0; it < iterations; ++it) {
    for (int i = 0; i < kChains; ++i) {
      acc[i] = acc[i] * a + b;
      __asm__ volatile("" : "+x"(acc[i]));
    }
  }
  float s = 0.f;
  for (float v : acc) s += v;
  volatile float sink = s;
  (void)sink;
  return static_cast<double>(iterations) * kChains;
}

double scalarInt8Loop(int64_t iterations) {
  constexpr int kChains = 8;
  int32_t acc[kChains] = {};
  int32_t a = 3, b = -2;
  for (int64_t it = 0; it < iterations; ++it) {
    for (int i = 0; i < kChains; ++i) {
      acc[i] += a * (b - i);
      __asm__ volatile("" : "+r"(acc[i]));
    }
    __asm__ volatile("" : "+r"(a));
  }
  int32_t s = 0;
  for (int32_t v : acc) s += v;
  volatile int32_t sink = s;
  (void)sink;
  return static_cast<double>(iterations) * kChains;
}

// The level `isa` allows on this CPU (never above what it runs).
Isa effective(Isa isa) {
  Isa best = cpuFeatures().best();
  if (static_cast<int>(isa) > static_cast<int>(best)) isa = best;
  if (isa == Isa::AvxVnni && !cpuFeatures().avxvnni) isa = Isa::Avx2;
  return isa;
}

PeakLoopFn fp32Loop(Isa isa) {
#if defined(EQW_X86_KERNELS)
  switch (effective(isa)) {
    case Isa::Avx512Vnni:
    case Isa::Avx512: return kernels::avx512::peak_f32_fma_zmm;
    case Isa::AvxVnni:
    case Isa::Avx2: return kernels::avx2::peak_f32_fma_ymm;
    case Isa::Sse41: return kernels::sse41::peak_f32_mul_add_xmm;
    default: return scalarF32Loop;
  }
#else
  (void)isa;
  return scalarF32Loop;
#endif
}

PeakLoopFn int8Loop(Isa isa) {
#if defined(EQW_X86_KERNELS)
  switch (effective(isa)) {
    case Isa::Avx512Vnni: return kernels::avx512vnni::peak_i8_dpbusd_zmm;
    case Isa::Avx512: return kernels::avx512::peak_i8_maddubs_zmm;
    case Isa::AvxVnni: return kernels::avxvnni::peak_i8_dpbusd_ymm;
    case Isa::Avx2: return kernels::avx2::peak_i8_maddubs_ymm;
    case Isa::Sse41: return kernels::sse41::peak_i8_maddubs_xmm;
    default: return scalarInt8Loop;
  }
#else
  (void)isa;
  return scalarInt8Loop;
#endif
}

}  // namespace

double measurePeakFp32Gmacs(Isa isa, double seconds) { return measureGmacs(fp32Loop(isa), seconds); }

double measurePeakInt8Gmacs(Isa isa, double seconds) { return measureGmacs(int8Loop(isa), seconds); }

namespace {

// measureGmacs on `threads` threads, released together once all have started.
double measureTogether(PeakLoopFn loop, int threads, double seconds) {
  threads = std::max(1, threads);
  if (threads == 1) return measureGmacs(loop, seconds);
  std::vector<double> best(static_cast<size_t>(threads), 0.0);
  std::atomic<int> ready{0};
  auto body = [&](int t) {
    ready.fetch_add(1);
    while (ready.load() < threads) std::this_thread::yield();
    best[static_cast<size_t>(t)] = measureGmacs(loop, seconds);
  };
  std::vector<std::thread> pool;
  try {
    for (int t = 1; t < threads; ++t) pool.emplace_back(body, t);
  } catch (const std::system_error&) {  // no more threads: measure what started
    ready.fetch_add(threads - 1 - static_cast<int>(pool.size()));
  }
  body(0);
  for (std::thread& th : pool) th.join();
  double sum = 0.0;
  for (double b : best) sum += b;
  return sum;
}

}  // namespace

double measurePeakFp32GmacsTogether(Isa isa, int threads, double seconds) {
  return measureTogether(fp32Loop(isa), threads, seconds);
}

double measurePeakInt8GmacsTogether(Isa isa, int threads, double seconds) {
  return measureTogether(int8Loop(isa), threads, seconds);
}

}  // namespace eqw
