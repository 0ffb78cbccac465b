// Measured per-core arithmetic peaks, the denominators of "share of peak" in `eqw bench`.
#pragma once

#include <eqw/cpu.h>

namespace eqw {

// FP32 multiply-accumulates per second on one core (one FMA lane = 1 MAC), in GMAC/s, measured
// with independent FMA chains in the widest registers `isa` allows (capped by the CPU).
double measurePeakFp32Gmacs(Isa isa, double seconds = 0.2);

// INT8 multiply-accumulates per second on one core, in GMAC/s: vpdpbusd for the VNNI levels,
// vpmaddubsw + vpmaddwd for AVX2 / SSE4.1.
double measurePeakInt8Gmacs(Isa isa, double seconds = 0.2);

// The same loops on `threads` threads at once, started together and each keeping its best slice,
// summed: what that many cores deliver together. On a shared or throttled host this is less than
// `threads` times one core, and a thread-scaling result is read against it (eqw bench --threads).
double measurePeakFp32GmacsTogether(Isa isa, int threads, double seconds = 0.2);
double measurePeakInt8GmacsTogether(Isa isa, int threads, double seconds = 0.2);

}  // namespace eqw
