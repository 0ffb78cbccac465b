// Integer kernels for nodes the integer executor quantizes (Node::quant active): the scalar
// reference and the packed-GEMM convolution with per-ISA tiles.
#pragma once

#include "kernels/int8/q8_layer.h"
#include "kernels/kernel.h"

namespace eqw::kernels::q8 {

// The GEMM tile: kTileRows output channels x kTilePixels pixels, int32, from a weight panel
// [kGroups][kTileRows][4] int8 and an input panel [kGroups][kTilePixels][4] uint8 (the input
// shifted by +128 when signed, so that vpdpbusd's unsigned operand can carry it; the caller
// subtracts 128 * sum(w) per channel). c is [kTileRows][kTilePixels], overwritten.
constexpr int kTileRows = 12;
constexpr int kTilePixels = 32;

// The weight panels of consecutive channel tiles lie end to end, and a whole network's weights
// (resnet50: 25 MB) do not stay in L3, so every tile fetches the weight stream this far ahead of
// its use: a VNNI tile reading its weights from DRAM (the 1-2.4 MB res5 layers) ran at 55-75 %
// of its speed from L2 without it, at 90-95 % with it; resnet50's res5 layers went from 3.3 to
// 2.5 ms (`eqw bench --per-layer`, docs/performance.md).
// A prefetch past the end of the panels does not fault.
constexpr int64_t kWeightPrefetchBytes = 4096;
inline void prefetchWeightStream(const int8_t* wg) { __builtin_prefetch(wg + kWeightPrefetchBytes); }

using Q8GemmTileFn = void (*)(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
// A partial tile: c's first `rows` (1..12) rows over its first `pixels` (1..32) pixels (the
// entries past them in those rows may be written too, the other rows are untouched), so that an
// output-channel count 12 does not divide and a plane's last pixel tile (7x7: 17 pixels) waste
// less vpdpbusd work.
using Q8GemmPartFn = void (*)(int rows, int pixels, int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);

// The portable tile (the same sums in plain loops), and the strongest tile `isa` allows for a
// layer: VNNI's vpdpbusd at any width; on AVX2, vpmaddubsw (u8 x s8 pairs summed into int16) is
// exact only when a pair cannot saturate — inputs of at most 7 bits (+128 shift: <= 191) and
// weights of at most +-63, 2 * 191 * 63 < 32767, EasyQuant's INT7 — and wider grids take the
// 16-bit-product tile (vpmaddwd), which does about half the work per instruction. fn is null
// below AVX2.
void q8GemmTileScalar(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
// The row ends of the same ISA: q8::quantize over a row into bytes + shift, and q8::dequantize of a
// row of sums (act 0 none, 1 ReLU, 2 Clip [a, b]; the driver applies other activations after).
using Q8QuantizeRowFn = void (*)(const float* x, int64_t n, float scale, float lo, float hi, int32_t shift, uint8_t* out);
using Q8DequantRowFn = void (*)(const int32_t* acc, int64_t n, int32_t correction, float deq, float bias, int act, float a,
                                float b, float* y);
// One pixel tile's input panel from rows read at stride sw (1 or 2): tile pixel j in [j0, j0 + len)
// of row k is the byte at base + koff[k] + delta + j * sw (delta: a run's source offset minus
// j0 * sw; several runs when the tile crosses output rows). dst gets [kGroups][kTilePixels][4], every byte + flip (wrapping);
// rows past k and pixels past the runs hold any byte (zero weights, dropped outputs). Never reads
// outside the runs. Null where the ISA has none (the driver's portable packing runs).
struct Q8PixelRun {
  int j = 0, len = 0;
  int64_t delta = 0;
};
using Q8PackPanelFn = void (*)(const uint8_t* base, const int64_t* koff, int64_t k, int64_t kGroups, const Q8PixelRun* runs,
                               int nRuns, int sw, uint8_t flip, uint8_t* dst);
// A panel from planes framed four channels deep (byte 4 * position + c % 4 of block c / 4): k group
// g's 32 pixels are 128 bytes at base + goff[g] + 4 * (run's delta + j), copied as they are (no
// interleave, no shift). Pixels past the runs may hold any byte.
using Q8PackC4Fn = void (*)(const uint8_t* base, const int64_t* goff, int64_t kGroups, const Q8PixelRun* runs, int nRuns,
                            uint8_t* dst);
// A whole tile's dequantization, the row function's bits for act 0 / 1 / 2: row r's first count
// sums c[r * kTilePixels + j] into y[r * ystride + j] = act(fma(c - corr[r], deq[r], bias[r])).
// Null where the ISA has none (the row function runs per row).
using Q8DequantTileFn = void (*)(const int32_t* c, int rows, int count, const int32_t* corr, const float* deq, const float* bias,
                                 int act, float a, float b, float* y, int64_t ystride);
// The same, then requantized onto the int8 flow's grid as the row quantizer does (shift 0):
// out[r * ostride + j] = q8::quantize(y, scale, lo, hi) as a byte. Null where the ISA has none.
using Q8RequantTileFn = void (*)(const int32_t* c, int rows, int count, const int32_t* corr, const float* deq, const float* bias,
                                 int act, float a, float b, float scale, float lo, float hi, uint8_t* out, int64_t ostride);
// Residual fusion (Q8Layer::residual): y[i] = y[i] + other[i], then ReLU when relu (v > 0 ? v : 0,
// NaN to 0), over a row the dequantization has just written. Null below SSE4.1 (the driver's loop).
using Q8ResidualRowFn = void (*)(float* y, const float* other, int64_t n, int relu);
// The dequantization tile (Q8DequantTileFn) with the residual in its epilogue: y[r * ystride + j] =
// relu?(dequantized + other[r * ystride + j]), and when twin is not null also twin[r * ystride + j]
// = q8::quantize(that y, scale, lo, hi) as a byte (Q8Layer::twin). Null where the ISA has none
// (dequant, then the row step).
struct Q8TwinOut {
  uint8_t* q = nullptr;
  float scale = 1.f, lo = -127.f, hi = 127.f;
};
using Q8ResidualTileFn = void (*)(const int32_t* c, int rows, int count, const int32_t* corr, const float* deq, const float* bias,
                                  int act, float a, float b, const float* other, int relu, float* y, int64_t ystride,
                                  const Q8TwinOut& twin);
struct Q8Tile {
  Q8GemmTileFn fn = nullptr;
  const char* isa = "";  // "avx512vnni", "avxvnni", "avx2"
  Q8QuantizeRowFn quantize = nullptr;
  Q8DequantRowFn dequant = nullptr;
  Q8PackPanelFn pack = nullptr;
  Q8DequantTileFn dequantTile = nullptr;
  // The tile's first 16 pixels only (c's other columns untouched), for a last pixel tile of at
  // most 16 (14x14 and 28x28 planes); null: fn runs.
  Q8GemmTileFn fn16 = nullptr;
  Q8RequantTileFn requantTile = nullptr;
  Q8ResidualRowFn residualRow = nullptr;
  Q8ResidualTileFn residualTile = nullptr;
  // Partial tiles (Q8GemmPartFn); null: fn / fn16 run.
  Q8GemmPartFn part = nullptr;
  // Panels of stride-1 layers from four-channel framed planes (Q8PackC4Fn); null: pack runs.
  Q8PackC4Fn packC4 = nullptr;
};
Q8Tile q8GemmTile(Isa isa, int inputBits, int weightQmax);

// The row pieces that do not depend on the grid width (no int16 saturation anywhere), for the
// strongest level `isa` allows from AVX2 up; all null below. dwPlane: one depthwise plane (see
// x86/q8_rows_impl.h).
using Q8DwPlaneFn = void (*)(const int16_t* planes, int64_t wq, int64_t planeSize, const int8_t* w, int kh, int kw,
                             int sh, int sw, int dh, int dw, int64_t oh, int64_t ow, int32_t* acc, float deq, float bias,
                             int act, float a, float b, float* y);
struct Q8Rows {
  const char* isa = "";
  Q8QuantizeRowFn quantize = nullptr;
  Q8DequantRowFn dequant = nullptr;
  Q8DwPlaneFn dwPlane = nullptr;
};
Q8Rows q8Rows(Isa isa);

// Kernels for a resolved node with node.quant active. The fast one is null (not an error) when
// the ISA has no integer kernel for the layer's shape (grouped convolutions other than depthwise,
// InnerProduct).
// Max pooling on the int8 flow (q8_max_pool.cpp): a Pooling Max node with quantized_input and
// an integer output on the same grid (planInt8Flow decides); exact, as quantize is monotone.
bool isQ8MaxPool(const Node& node);
Result<KernelPtr> makeQ8MaxPool(const Node& resolved, const std::vector<Shape>& in, const std::vector<Shape>& out);

Result<KernelPtr> makeQ8Reference(const Node& resolved, const std::vector<Shape>& in, const std::vector<Shape>& out);
Result<KernelPtr> makeQ8Fast(const Node& resolved, const std::vector<Shape>& in, const std::vector<Shape>& out, Isa isa);

}  // namespace eqw::kernels::q8
