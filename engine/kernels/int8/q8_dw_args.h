// The work of one channel-blocked integer depthwise task (q8_dw_blocked.cpp -> the per-ISA
// x86/q8_dw_*.cpp files): one block of L channels (L = int32 lanes of the ISA's vector) and one
// band of output rows. Plain data only: the ISA files include it.
#pragma once

#include <cstdint>

namespace eqw::kernels::q8 {

struct Q8DwTask {
  const float* x = nullptr;        // NCHW input, the block's first channel plane
  float* y = nullptr;              // NCHW output, the block's first channel plane
  int channels = 0;                // valid channels in the block (1..L); the other lanes are dropped
  int64_t h = 0, w = 0;            // input plane
  int64_t oh = 0, ow = 0;          // output plane
  int padTop = 0, padLeft = 0, padRight = 0;
  int64_t oy0 = 0, oy1 = 0;        // the band: output rows [oy0, oy1)
  float scale = 1.f, lo = -127.f, hi = 127.f;  // the input grid (q8::quantize)
  int32_t padQ = 0;                // the quantized pad value
  const int32_t* w2 = nullptr;     // weights [(k + 1) / 2][k][L]: tap pairs (row 2j, row 2j + 1) as int16 lo, hi
  const float* deq = nullptr;      // [L], zeros past `channels`
  const float* bias = nullptr;     // [L]
  int act = 0;                     // 0 none, 1 ReLU, 2 Clip [a, b], 3 LeakyReLU (a), 4 HardSigmoid (a, b),
                                   // 5 HardSwish (a, b); the others: the driver, afterwards
  float a = 0.f, b = 0.f;
  // (R + 2) * wp * L int32, 64-byte aligned, R = (oy1 - oy0 - 1) * s + k input rows, wp = w +
  // padLeft + padRight: two quantized rows, then R tap-pair rows; planes narrower than L keep
  // every quantized row: (2 R + 1) * wp * L.
  int32_t* scratch = nullptr;
  // The int8 flow: xq (instead of x) holds the input's grid integers as bytes (int8 bits when
  // xSigned); yq (instead of y) receives the output requantized onto [outLo, outHi] with outScale
  // (the consumers' quantize) as bytes. Same plane layout as x and y.
  const uint8_t* xq = nullptr;
  bool xSigned = true;
  uint8_t* yq = nullptr;
  float outScale = 1.f, outLo = -127.f, outHi = 127.f;
};

// Runs one task for kernel k x k, stride s in both directions, no dilation (k in {3, 5}, s in
// {1, 2}; false for anything else, before touching memory).
using Q8DwTaskFn = bool (*)(const Q8DwTask& task, int k, int stride);

}  // namespace eqw::kernels::q8
