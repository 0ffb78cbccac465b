// The timed loops behind eqw/peak.h: independent multiply-accumulate chains in one register
// width, enough of them to cover latency x throughput. Each returns the multiply-accumulates it
// performed (lanes x instructions, counted honestly: vpdpbusd zmm = 64, vpmaddubsw ymm = 32).
#pragma once

#include <cstdint>

namespace eqw::kernels {

using PeakLoopFn = double (*)(int64_t iterations);

namespace sse41 {
double peak_f32_mul_add_xmm(int64_t iterations);     // mulps + addps (no FMA at this level)
double peak_i8_maddubs_xmm(int64_t iterations);      // pmaddubsw + pmaddwd + paddd
}  // namespace sse41
namespace avx2 {
double peak_f32_fma_ymm(int64_t iterations);
double peak_i8_maddubs_ymm(int64_t iterations);      // vpmaddubsw + vpmaddwd + vpaddd
}  // namespace avx2
namespace avxvnni {
double peak_i8_dpbusd_ymm(int64_t iterations);
}  // namespace avxvnni
namespace avx512 {
double peak_f32_fma_zmm(int64_t iterations);
double peak_i8_maddubs_zmm(int64_t iterations);      // AVX-512BW without VNNI
}  // namespace avx512
namespace avx512vnni {
double peak_i8_dpbusd_zmm(int64_t iterations);
}  // namespace avx512vnni

}  // namespace eqw::kernels
