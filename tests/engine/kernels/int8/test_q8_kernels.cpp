// Integer kernels: every GEMM tile the CPU runs equals the scalar tile bit for bit; the packed-GEMM
// convolution equals the scalar integer reference bit for bit over shapes, strides, pads,
// dilations and channel counts that are not multiples of the tile; and the reference itself
// equals an independent float computation from the dequantized grid values.
#include <eqw/cpu.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "core/parallel.h"
#include "engine/kernels/x86/fast_test_util.h"
#include "kernels/int8/q8_depthwise.h"
#include "kernels/int8/q8_kernels.h"

namespace eqw::kernels::q8 {
namespace {

using eqw::testing::inferShapes;
using eqw::testing::makeFastNode;
using eqw::testing::randomTensor;
using eqw::testing::runKernel;

// Builds the reference and the fast kernel of n at isa and compares one run bit for bit (the fast
// one on pool). Returns false when there is no fast kernel for this node at this level; a mismatch
// or an error is a test failure naming the kernel and `what`.
bool fastMatchesReference(const Node& node, const std::vector<Tensor>& inputs, Isa isa, const ThreadPool* pool,
                          const std::string& what) {
  Node n = node;
  std::vector<Shape> outShapes;
  if (!inferShapes(n, inputs, &outShapes)) return false;
  auto ref = makeQ8Reference(n, {inputs[0].shape()}, outShapes);
  auto fast = makeQ8Fast(n, {inputs[0].shape()}, outShapes, isa);
  if (!ref.isOk() || !fast.isOk()) {
    ADD_FAILURE() << what << ": " << (ref.isOk() ? fast.status() : ref.status()).toString();
    return false;
  }
  if (!*fast) return false;
  Status s;
  auto want = runKernel(**ref, inputs, outShapes, nullptr, &s);
  EXPECT_TRUE(s.isOk()) << what << ": reference: " << s.toString();
  auto got = runKernel(**fast, inputs, outShapes, pool, &s);
  EXPECT_TRUE(s.isOk()) << what << ": " << (*fast)->name() << ": " << s.toString();
  EXPECT_EQ(std::memcmp(got[0].f32(), want[0].f32(), sizeof(float) * static_cast<size_t>(want[0].numel())), 0)
      << (*fast)->name() << " " << what;
  return true;
}

// The levels with integer kernels that this CPU runs; the others are reported as skipped.
std::vector<Isa> integerLevels() {
  std::vector<Isa> out;
  for (Isa isa : {Isa::Avx512Vnni, Isa::AvxVnni, Isa::Avx2, Isa::Sse41}) {
    if (isaSupported(isa)) out.push_back(isa);
    else std::printf("[ SKIPPED  ] %s: this CPU lacks it\n", toString(isa));
  }
  return out;
}

struct TileCase {
  Isa isa;
  int bits, weightQmax;
};

TEST(Q8Tiles, EveryTileEqualsTheScalarTile) {
  std::mt19937 rng(5);
  int ran = 0;
  for (TileCase tc : {TileCase{Isa::Avx512Vnni, 8, 127}, TileCase{Isa::AvxVnni, 8, 127}, TileCase{Isa::Avx2, 7, 63},
                      TileCase{Isa::Avx2, 8, 127}, TileCase{Isa::Sse41, 7, 63}, TileCase{Isa::Sse41, 8, 127}}) {
    if (!isaSupported(tc.isa)) {
      std::printf("[ SKIPPED  ] tile %s: this CPU lacks it\n", toString(tc.isa));
      continue;
    }
    const Q8Tile tile = q8GemmTile(tc.isa, tc.bits, tc.weightQmax);
    ASSERT_NE(tile.fn, nullptr) << toString(tc.isa);
    if (std::string(tile.isa) != toString(tc.isa)) continue;  // a cap picked a weaker tile: covered there
    for (int64_t groups : {1, 2, 7, 64, 300}) {
      std::vector<int8_t> w(static_cast<size_t>(groups * kTileRows * 4));
      std::vector<uint8_t> x(static_cast<size_t>(groups * kTilePixels * 4));
      // Extremes of the tile's range: it must be exact there too.
      const int xmax = tc.bits == 8 ? 255 : 191;
      for (auto& v : w) v = static_cast<int8_t>(static_cast<int>(rng() % (2 * tc.weightQmax + 1)) - tc.weightQmax);
      for (auto& v : x) v = static_cast<uint8_t>(rng() % (xmax + 1));
      for (int i = 0; i < 8; ++i) w[static_cast<size_t>(i)] = static_cast<int8_t>(-tc.weightQmax), x[static_cast<size_t>(i)] = static_cast<uint8_t>(xmax);
      std::vector<int32_t> want(kTileRows * kTilePixels), got(kTileRows * kTilePixels, -1);
      q8GemmTileScalar(groups, w.data(), x.data(), want.data());
      tile.fn(groups, w.data(), x.data(), got.data());
      EXPECT_EQ(got, want) << tile.isa << " k groups " << groups;
      if (tile.fn16) {
        std::vector<int32_t> half(kTileRows * kTilePixels, -1);
        tile.fn16(groups, w.data(), x.data(), half.data());
        for (int r = 0; r < kTileRows; ++r)
          for (int j = 0; j < kTilePixels; ++j)
            ASSERT_EQ(half[static_cast<size_t>(r * kTilePixels + j)], j < 16 ? want[static_cast<size_t>(r * kTilePixels + j)] : -1)
                << tile.isa << " 16-pixel tile, k groups " << groups << " row " << r << " pixel " << j;
      }
      ++ran;
    }
  }
  if (ran == 0) GTEST_SKIP() << "no integer tile runs on this CPU";
}

// The partial tiles (a last row tile of 1..11 channels, a last pixel tile of 1..31 pixels) equal
// the scalar tile's first rows over the first pixels rounded up to 8, and leave the rest of c
// untouched.
TEST(Q8Tiles, PartialTilesEqualTheScalarTile) {
  std::mt19937 rng(17);
  int ran = 0;
  for (Isa isa : {Isa::Avx512Vnni, Isa::AvxVnni, Isa::Avx2, Isa::Sse41}) {
    if (!isaSupported(isa)) continue;
    const Q8Tile tile = q8GemmTile(isa, 8, 127);
    if (!tile.part) continue;
    for (int64_t groups : {1, 3, 16, 37, 144}) {
      std::vector<int8_t> w(static_cast<size_t>(groups * kTileRows * 4));
      std::vector<uint8_t> x(static_cast<size_t>(groups * kTilePixels * 4));
      for (auto& v : w) v = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
      for (auto& v : x) v = static_cast<uint8_t>(rng() % 256);
      for (int i = 0; i < 8; ++i) w[static_cast<size_t>(i)] = -127, x[static_cast<size_t>(i)] = 255;
      std::vector<int32_t> want(kTileRows * kTilePixels);
      q8GemmTileScalar(groups, w.data(), x.data(), want.data());
      for (int rows = 1; rows <= kTileRows; ++rows)
        for (int pixels = 1; pixels <= kTilePixels; ++pixels) {
          std::vector<int32_t> got(kTileRows * kTilePixels, -7);
          tile.part(rows, pixels, groups, w.data(), x.data(), got.data());
          // The rows asked for over the pixels asked for; rows past them untouched (entries past
          // the pixels in those rows may hold anything).
          for (int r = 0; r < kTileRows; ++r)
            for (int j = 0; j < (r < rows ? pixels : kTilePixels); ++j) {
              const size_t i = static_cast<size_t>(r * kTilePixels + j);
              ASSERT_EQ(got[i], r < rows ? want[i] : -7)
                  << tile.isa << " " << rows << " rows x " << pixels << " pixels, k groups " << groups << " row " << r << " pixel " << j;
            }
          ++ran;
        }
    }
  }
  if (ran == 0) GTEST_SKIP() << "no ISA with partial tiles on this CPU";
}

// The whole-tile dequantization equals the row function bit for bit, signed zeros and partial
// tiles included: sums equal to the correction with a -0 bias, Clip bounds at -0 and 0; the
// requantizing one equals the row function followed by the row quantizer.
TEST(Q8Tiles, DequantTileEqualsTheRowFunction) {
  std::mt19937 rng(17);
  int ran = 0;
  for (Isa isa : {Isa::Avx512Vnni, Isa::AvxVnni, Isa::Avx2, Isa::Sse41}) {
    if (!isaSupported(isa)) continue;
    const Q8Tile tile = q8GemmTile(isa, 8, 127);
    if (!tile.dequantTile || std::string(tile.isa) != toString(isa)) continue;
    for (int act : {0, 1, 2})
      for (int count : {32, 31, 17, 16, 5, 1})
        for (int rows : {12, 7, 1}) {
          std::vector<int32_t> c(kTileRows * kTilePixels), corr(kTileRows);
          std::vector<float> deq(kTileRows), bias(kTileRows);
          for (int r = 0; r < kTileRows; ++r) {
            corr[static_cast<size_t>(r)] = static_cast<int32_t>(rng() % 2001) - 1000;
            deq[static_cast<size_t>(r)] = 1e-3f * static_cast<float>(1 + rng() % 50);
            bias[static_cast<size_t>(r)] = r % 3 == 0 ? -0.f : 0.01f * (static_cast<float>(rng() % 201) - 100.f);
          }
          for (size_t i = 0; i < c.size(); ++i)
            c[i] = i % 5 == 0 ? corr[i / kTilePixels] : static_cast<int32_t>(rng() % 40001) - 20000;
          const float a = act == 2 && rng() % 2 ? -0.f : 0.f, b = 6.f;
          const int64_t stride = 40;
          std::vector<float> want(static_cast<size_t>(kTileRows * stride), 7.f), got = want;
          for (int r = 0; r < rows; ++r)
            tile.dequant(c.data() + r * kTilePixels, count, corr[static_cast<size_t>(r)], deq[static_cast<size_t>(r)],
                         bias[static_cast<size_t>(r)], act, a, b, want.data() + r * stride);
          tile.dequantTile(c.data(), rows, count, corr.data(), deq.data(), bias.data(), act, a, b, got.data(), stride);
          EXPECT_EQ(std::memcmp(got.data(), want.data(), sizeof(float) * got.size()), 0)
              << tile.isa << " act " << act << " count " << count << " rows " << rows;
          if (!tile.requantTile) continue;
          // Requantized: the row quantizer over the dequantized rows, on grids that clamp often
          // (scale 40) and that hit halves (scale 2).
          for (float scale : {40.f, 2.f, 0.5f})
            for (float lo : {-127.f, 0.f, -63.f}) {
              const float hi = lo == -63.f ? 63.f : 127.f;
              std::vector<uint8_t> wantQ(static_cast<size_t>(kTileRows * stride), 9), gotQ = wantQ;
              for (int r = 0; r < rows; ++r)
                tile.quantize(want.data() + r * stride, count, scale, lo, hi, 0, wantQ.data() + r * stride);
              tile.requantTile(c.data(), rows, count, corr.data(), deq.data(), bias.data(), act, a, b, scale, lo, hi, gotQ.data(), stride);
              EXPECT_EQ(gotQ, wantQ) << tile.isa << " requantized: act " << act << " count " << count << " rows " << rows << " scale "
                                     << scale << " lo " << lo;
            }
          ++ran;
        }
  }
  if (ran == 0) GTEST_SKIP() << "no ISA with a tile dequantization on this CPU";
}

// The ISA's panel packing equals the bytes the definition gives: row k of pixel j (from its run)
// plus the flip at [g][j][q], over runs that split the tile, a whole-tile run, and partial tiles.
TEST(Q8Tiles, PackPanelEqualsTheDefinition) {
  std::mt19937 rng(23);
  int ran = 0;
  for (Isa isa : {Isa::Avx512Vnni, Isa::AvxVnni, Isa::Avx2, Isa::Sse41}) {
    if (!isaSupported(isa)) continue;
    const Q8Tile tile = q8GemmTile(isa, 8, 127);
    if (!tile.pack || std::string(tile.isa) != toString(isa)) continue;
    const std::vector<std::vector<Q8PixelRun>> cases = {
        {{0, 32, 5}}, {{0, 7, 3}, {7, 7, 40}, {14, 7, 80}, {21, 7, 120}, {28, 4, 160}}, {{0, 20, 0}, {20, 12, 100}},
        {{0, 13, 9}}, {{0, 1, -0}, {1, 30, 50}}};
    for (const auto& runs : cases)
      for (int64_t k : {1, 5, 8, 27}) {
        const int64_t groups = (k + 3) / 4;
        std::vector<uint8_t> src(4096);
        for (auto& v : src) v = static_cast<uint8_t>(rng());
        std::vector<int64_t> koff(static_cast<size_t>(k));
        for (auto& o : koff) o = static_cast<int64_t>(rng() % 3000);
        const uint8_t flip = rng() % 2 ? 128 : 0;
        std::vector<uint8_t> got(static_cast<size_t>(groups * kTilePixels * 4));
        for (int sw : {1, 2}) {
          tile.pack(src.data() + 200, koff.data(), k, groups, runs.data(), static_cast<int>(runs.size()), sw, flip, got.data());
          for (int64_t kk = 0; kk < k; ++kk)
            for (const Q8PixelRun& r : runs)
              for (int j = r.j; j < r.j + r.len; ++j) {
                const uint8_t want = static_cast<uint8_t>(src[static_cast<size_t>(200 + koff[static_cast<size_t>(kk)] + r.delta + j * sw)] + flip);
                ASSERT_EQ(got[static_cast<size_t>(((kk / 4) * kTilePixels + j) * 4 + kk % 4)], want)
                    << tile.isa << " stride " << sw << " k " << kk << " pixel " << j << " of " << runs.size() << " runs";
              }
          ++ran;
        }
      }
  }
  if (ran == 0) GTEST_SKIP() << "no ISA with a panel packing on this CPU";
}

struct ConvCase {
  int c, h, w, oc, k, stride, pad, dilation;
  bool bias;
  ActKind act;
  float padValue;
};

Node quantConv(const ConvCase& cc, int bits, bool unsignedInput, std::mt19937& rng, std::vector<Tensor>* inputs) {
  ConvParams p;
  p.num_output = cc.oc;
  p.kernel_h = p.kernel_w = cc.k;
  p.stride_h = p.stride_w = cc.stride;
  p.dilation_h = p.dilation_w = cc.dilation;
  p.pads = {cc.pad, cc.pad, cc.pad, cc.pad};
  p.bias = cc.bias;
  p.act.kind = cc.act;
  if (cc.act == ActKind::Clip) p.act.a = 0.f, p.act.b = 6.f;
  p.pad_value = cc.padValue;
  std::vector<Tensor> weights = {randomTensor({cc.oc, cc.c, cc.k, cc.k}, rng)};
  if (cc.bias) weights.push_back(randomTensor({cc.oc}, rng));
  Node n = makeFastNode(OpKind::Convolution, p, weights);
  n.quant.bits = bits;
  n.quant.unsigned_input = unsignedInput;
  n.quant.input_scale = (bits == 8 ? 127.f : 63.f) / 1.5f;  // inputs in [-2, 2]: some clamp
  n.quant.weight_qmax = bits == 8 ? 127 : 63;
  for (int o = 0; o < cc.oc; ++o) n.quant.weight_scales.push_back(n.quant.weight_qmax / (0.6f + 0.01f * static_cast<float>(o)));
  inputs->assign(1, randomTensor({1, cc.c, cc.h, cc.w}, rng, unsignedInput ? 0.f : -2.f, 2.f));
  return n;
}

const ConvCase kCases[] = {
    {3, 17, 19, 13, 3, 1, 1, 1, true, ActKind::ReLU, 0.f},    // odd sizes, a partial tile
    {16, 14, 14, 32, 1, 1, 0, 1, false, ActKind::None, 0.f},  // 1x1
    {5, 12, 9, 25, 3, 2, 1, 1, true, ActKind::Clip, 0.f},     // stride 2
    {7, 15, 15, 12, 3, 1, 2, 2, true, ActKind::None, 0.f},    // dilation 2
    {4, 11, 13, 30, 5, 1, 2, 1, false, ActKind::ReLU, 0.3f},  // 5x5, non-zero pad value
    {9, 8, 8, 1, 3, 1, 1, 1, true, ActKind::None, 0.f},       // one output channel
    {64, 7, 7, 70, 3, 1, 1, 1, true, ActKind::ReLU, 0.f},     // K = 576
    // The per-tile packing: pixel tiles that cross output rows (several runs per row of k), rows
    // wider than a tile (one whole run), strides 2 and 3, partial last tiles in place.
    {24, 14, 14, 40, 1, 2, 0, 1, true, ActKind::ReLU, 0.f},   // 1x1 stride 2: 7x7 outputs, 7-pixel runs
    {8, 30, 30, 16, 3, 1, 1, 1, false, ActKind::None, 0.f},   // 30-wide rows: tiles cross rows
    {5, 20, 70, 12, 3, 1, 1, 1, true, ActKind::Clip, 0.f},    // 70-wide rows: whole-tile runs and splits
    {6, 21, 23, 14, 3, 3, 1, 1, true, ActKind::None, 0.f},    // stride 3
    {40, 10, 10, 24, 1, 1, 0, 1, true, ActKind::None, 0.f},   // pointwise, 100 pixels: a partial tile
    {37, 9, 11, 17, 1, 1, 0, 1, false, ActKind::ReLU, 0.f},   // pointwise, K not a multiple of 4
    {3, 33, 35, 16, 7, 2, 3, 1, true, ActKind::ReLU, 0.f},    // conv1-like: 7x7 stride 2, K = 147
    {10, 6, 6, 8, 1, 1, 1, 1, true, ActKind::None, 0.2f},     // 1x1 with pads: framed, not in place
    {130, 8, 8, 26, 3, 1, 1, 1, true, ActKind::ReLU, 0.f},    // K = 1170
    {9, 12, 40, 20, 3, 1, 0, 1, true, ActKind::None, 0.f},    // no pads: taps read the input in place
    {11, 9, 37, 13, 3, 2, 0, 1, false, ActKind::ReLU, 0.f},   // no pads, stride 2, in place
    {5, 10, 20, 12, 3, 2, 1, 1, true, ActKind::ReLU, 0.f},    // stride 2, framed rows of 22 bytes split
    // Output-channel counts 12 does not divide (row tails of 4, 8, 1 ... channels) and 12's
    // multiples, at strides 1 and 2, K a multiple of 4 or not.
    {3, 10, 12, 4, 3, 1, 1, 1, true, ActKind::ReLU, 0.f},     // 4 channels: a lone tail, K = 27
    {6, 9, 9, 8, 3, 2, 1, 1, true, ActKind::None, 0.f},      // 8 channels, stride 2, K = 54
    {16, 12, 12, 64, 3, 1, 1, 1, true, ActKind::ReLU, 0.f},   // 64 = 5 x 12 + 4, K = 144
    {64, 9, 9, 64, 1, 1, 0, 1, true, ActKind::None, 0.f},     // pointwise 64 -> 64
    {20, 8, 8, 72, 1, 1, 0, 1, true, ActKind::ReLU, 0.f},     // 72: full tiles only
    {13, 11, 11, 100, 3, 2, 1, 1, true, ActKind::Clip, 0.f},  // 100 = 8 x 12 + 4, K = 117, stride 2
    {7, 6, 6, 13, 3, 1, 1, 1, false, ActKind::None, 0.f},     // 13 = 12 + 1
    // Stride 2 packed from the split even / odd columns, rows wider than the 32-byte steps.
    {3, 40, 70, 64, 7, 2, 3, 1, true, ActKind::ReLU, 0.f},    // conv1's shape: 76-wide framed rows
    {4, 21, 67, 9, 3, 2, 1, 1, false, ActKind::None, 0.1f},   // odd framed width 69
    {5, 30, 66, 11, 5, 2, 2, 2, true, ActKind::ReLU, 0.f},    // dilation 2 at stride 2
    // 1x1 stride 2 without pads: the pixels gathered into a compact input.
    {33, 13, 69, 100, 1, 2, 0, 1, true, ActKind::ReLU, 0.f},  // odd width 69: 35 outputs a row
    {64, 16, 66, 8, 1, 2, 0, 1, false, ActKind::None, 0.f},   // even width, 8 channels
    // Last pixel tiles of 17 (7x7), 4 (14x14) and 9 pixels: the 24- and 8-pixel partial tiles.
    {24, 7, 7, 64, 3, 1, 1, 1, true, ActKind::ReLU, 0.f},
    {32, 14, 14, 100, 1, 1, 0, 1, true, ActKind::None, 0.f},
    {8, 13, 13, 13, 3, 2, 1, 1, true, ActKind::Clip, 0.f},    // 7x7 outputs at stride 2
    // Stride 1 with channels in fours: panels copied from four-channel framed planes (packC4).
    {8, 12, 40, 20, 3, 1, 0, 1, true, ActKind::None, 0.f},    // no pads, 38-wide rows
    {12, 15, 15, 12, 3, 1, 2, 2, false, ActKind::ReLU, 0.f},  // dilation 2
    {4, 20, 70, 16, 3, 1, 1, 1, true, ActKind::Clip, 0.1f},   // 70-wide rows, non-zero pad value
    {16, 5, 5, 24, 3, 1, 1, 1, true, ActKind::ReLU, 0.f},     // 5-pixel runs: seven in a tile
    {12, 5, 5, 24, 3, 1, 1, 1, false, ActKind::None, 0.f},    // 25 pixels: one partial tile
    {24, 7, 7, 400, 1, 1, 0, 1, true, ActKind::ReLU, 0.f},    // 34 channel tiles: split by channels on 2 threads
    // Framed rows of every copy kind: 16 and 17 bytes (overlapping 16-byte steps), 8 to 15
    // (two 8-byte steps), 4 to 7 (one 8-byte copy over the next row's bytes), 3 (bytewise).
    {6, 4, 16, 12, 3, 1, 1, 1, false, ActKind::None, 0.f},
    {5, 3, 17, 12, 3, 1, 1, 1, true, ActKind::ReLU, 0.1f},
    {7, 5, 9, 12, 3, 1, 1, 1, true, ActKind::None, 0.f},
    {5, 6, 5, 12, 3, 1, 1, 1, true, ActKind::None, 0.1f},
    {7, 5, 4, 12, 3, 1, 2, 1, true, ActKind::ReLU, 0.f},
    {4, 5, 3, 8, 3, 1, 1, 1, true, ActKind::ReLU, 0.f},
};

TEST(Q8Conv, GemmEqualsTheReferenceBitForBit) {
  std::mt19937 rng(11);
  ThreadPool pool(2);
  int ran = 0;
  for (Isa isa : integerLevels()) {
    for (int bits : {8, 7})
      for (bool uns : {false, true})
        for (const ConvCase& cc : kCases) {
          std::vector<Tensor> inputs;
          Node n = quantConv(cc, bits, uns, rng, &inputs);
          const std::string what = "bits " + std::to_string(bits) + (uns ? " unsigned" : "") + " c" + std::to_string(cc.c) +
                                   " oc" + std::to_string(cc.oc) + " k" + std::to_string(cc.k);
          ran += fastMatchesReference(n, inputs, isa, &pool, what);
        }
  }
  if (ran == 0) GTEST_SKIP() << "no integer GEMM tile runs on this CPU";
}

// Residual fusion (NodeQuant::residual_add): the GEMM and the reference read `other` as a second
// input and write act(conv) + other, then the residual ReLU. Both equal the plain convolution's
// output plus `other` computed here in float (v > 0 ? v : 0), bit for bit, with -0, zeros,
// negatives and a NaN in `other`; every ISA level with a GEMM tile.
Tensor residualOther(const Shape& shape, std::mt19937& rng) {
  Tensor t = randomTensor(shape, rng, -3.f, 3.f);
  float* x = t.f32();
  for (int64_t i = 0; i < t.numel(); i += 3) x[i] = -0.f;
  for (int64_t i = 1; i < t.numel(); i += 7) x[i] = 0.f;
  x[t.numel() / 2] = std::nanf("");
  return t;
}

// kCases and a residual layer whose plane spans several pixel blocks (K = 256: 16 pixel tiles
// a block, 18 in the plane) with 9 channel tiles, split between threads by pixel blocks.
std::vector<ConvCase> residualCases() {
  std::vector<ConvCase> cases(std::begin(kCases), std::end(kCases));
  cases.push_back({256, 24, 24, 100, 1, 1, 0, 1, true, ActKind::ReLU, 0.f});
  return cases;
}

TEST(Q8Conv, ResidualGemmAndReferenceEqualConvPlusOther) {
  std::mt19937 rng(23);
  ThreadPool pool(2);
  int ran = 0;
  for (Isa isa : integerLevels())
    for (bool relu : {false, true})
      for (const ConvCase& cc : residualCases()) {
        std::vector<Tensor> inputs;
        Node n = quantConv(cc, 8, false, rng, &inputs);
        std::vector<Shape> outShapes;
        ASSERT_TRUE(inferShapes(n, inputs, &outShapes));
        auto plain = makeQ8Reference(n, {inputs[0].shape()}, outShapes);
        ASSERT_TRUE(plain.isOk()) << plain.status().toString();
        Status s;
        const Tensor conv = runKernel(**plain, inputs, outShapes, nullptr, &s)[0];
        ASSERT_TRUE(s.isOk()) << s.toString();
        const Tensor other = residualOther(outShapes[0], rng);
        Tensor want(outShapes[0]);
        for (int64_t i = 0; i < want.numel(); ++i) {
          const float v = conv.f32()[i] + other.f32()[i];
          want.f32()[i] = relu ? (v > 0.f ? v : 0.f) : v;
        }
        Node fused = n;
        fused.quant.residual_add = true;
        fused.quant.residual_act.kind = relu ? ActKind::ReLU : ActKind::None;
        auto ref = makeQ8Reference(fused, {inputs[0].shape()}, outShapes);
        auto fast = makeQ8Fast(fused, {inputs[0].shape()}, outShapes, isa);
        ASSERT_TRUE(ref.isOk() && fast.isOk());
        const std::string what = std::string(toString(isa)) + (relu ? " relu" : "") + " c" + std::to_string(cc.c) + " oc" +
                                 std::to_string(cc.oc) + " k" + std::to_string(cc.k);
        std::vector<std::pair<OpKernel*, const ThreadPool*>> kernels{{ref->get(), nullptr}};
        if (*fast) kernels.push_back({fast->get(), &pool});
        for (auto [k, p] : kernels) {
          const Tensor got = runKernel(*k, {inputs[0], other}, outShapes, p, &s)[0];
          ASSERT_TRUE(s.isOk()) << k->name() << " " << what << ": " << s.toString();
          EXPECT_EQ(std::memcmp(got.f32(), want.f32(), sizeof(float) * static_cast<size_t>(want.numel())), 0) << k->name() << " " << what;
        }
        // Without the residual input the kernel refuses to run (no silent plain convolution).
        runKernel(**ref, inputs, outShapes, nullptr, &s);
        EXPECT_FALSE(s.isOk()) << what;
        ran += *fast ? 1 : 0;
      }
  if (ran == 0) GTEST_SKIP() << "no integer GEMM tile runs on this CPU";
}

// The residual output's integer twin (NodeQuant::twin_scale): the GEMM and the reference write
// the float sum as before and, as a second output, each sum quantized onto the twin's grid exactly
// as q8::quantize does — on signed and unsigned grids of 8 and 7 bits, with the NaN, zeros and
// values past the grid that residualOther puts in the sums; every ISA level with a GEMM tile.
TEST(Q8Conv, ResidualTwinIsTheQuantizedSum) {
  std::mt19937 rng(29);
  ThreadPool pool(2);
  int ran = 0;
  struct Grid {
    int bits;
    bool uns;
    float scale;
  };
  const Grid grids[] = {{8, false, 127.f / 2.5f}, {7, true, 127.f / 4.f}, {8, true, 255.f / 1.5f}};
  for (Isa isa : integerLevels())
    for (const Grid& grid : grids)
      for (const ConvCase& cc : residualCases()) {
        std::vector<Tensor> inputs;
        Node n = quantConv(cc, 8, false, rng, &inputs);
        std::vector<Shape> outShapes;
        ASSERT_TRUE(inferShapes(n, inputs, &outShapes));
        const Shape shape = outShapes[0];
        const Tensor other = residualOther(shape, rng);
        n.quant.residual_add = true;
        n.quant.residual_act.kind = grid.uns ? ActKind::ReLU : ActKind::None;
        n.quant.twin_scale = grid.scale;
        n.quant.twin_bits = grid.bits;
        n.quant.twin_unsigned = grid.uns;
        const std::vector<Shape> twoShapes{shape, shape};
        auto ref = makeQ8Reference(n, {inputs[0].shape()}, twoShapes);
        auto fast = makeQ8Fast(n, {inputs[0].shape()}, twoShapes, isa);
        ASSERT_TRUE(ref.isOk() && fast.isOk()) << (ref.isOk() ? fast.status() : ref.status()).toString();
        const float qmax = static_cast<float>(grid.uns ? (1 << grid.bits) - 1 : (1 << (grid.bits - 1)) - 1);
        const std::string what = std::string(toString(isa)) + " bits " + std::to_string(grid.bits) + (grid.uns ? " unsigned" : "") +
                                 " c" + std::to_string(cc.c) + " oc" + std::to_string(cc.oc) + " k" + std::to_string(cc.k);
        std::vector<std::pair<OpKernel*, const ThreadPool*>> kernels{{ref->get(), nullptr}};
        if (*fast) kernels.push_back({fast->get(), &pool});
        for (auto [k, p] : kernels) {
          Tensor y(shape), twin(shape, grid.uns ? DType::U8 : DType::I8);
          y.fill(std::nanf(""));
          std::memset(twin.data<uint8_t>(), 0x5a, static_cast<size_t>(twin.numel()));
          std::vector<const Tensor*> in{&inputs[0], &other};
          std::vector<Tensor*> out{&y, &twin};
          ExecContext ctx;
          ctx.pool = p;
          const Status s = k->run(in, out, ctx);
          ASSERT_TRUE(s.isOk()) << k->name() << " " << what << ": " << s.toString();
          int64_t wrong = 0, first = -1;
          for (int64_t i = 0; i < y.numel(); ++i) {
            const uint8_t want = static_cast<uint8_t>(quantize(y.f32()[i], grid.scale, grid.uns ? 0.f : -qmax, qmax));
            if (twin.data<uint8_t>()[i] != want && wrong++ == 0) first = i;
          }
          EXPECT_EQ(wrong, 0) << k->name() << " " << what << ": first at element " << first;
          // Without the twin output the kernel refuses to run.
          std::vector<Tensor*> one{&y};
          EXPECT_FALSE(k->run(in, one, ctx).isOk()) << k->name() << " " << what;
        }
        ran += *fast ? 1 : 0;
      }
  if (ran == 0) GTEST_SKIP() << "no integer GEMM tile runs on this CPU";
}

// Only a convolution with float output takes a residual, and only None or ReLU after it.
TEST(Q8Conv, ResidualOnOtherLayersIsAClearError) {
  std::mt19937 rng(5);
  std::vector<Tensor> inputs;
  Node n = quantConv(kCases[0], 8, false, rng, &inputs);
  std::vector<Shape> outShapes;
  ASSERT_TRUE(inferShapes(n, inputs, &outShapes));
  n.quant.residual_add = true;
  n.quant.residual_act.kind = ActKind::Sigmoid;
  EXPECT_FALSE(makeQ8Reference(n, {inputs[0].shape()}, outShapes).isOk());
  n.quant.residual_act.kind = ActKind::ReLU;
  n.quant.output_scale = 10.f;
  n.quant.output_bits = 8;
  EXPECT_FALSE(makeQ8Reference(n, {inputs[0].shape()}, outShapes).isOk());
  // An integer twin needs a residual, a width of 8 or 7 bits and a finite positive scale.
  n.quant.output_scale = 0.f;
  n.quant.output_bits = 0;
  n.quant.twin_scale = 10.f;
  n.quant.twin_bits = 8;
  EXPECT_TRUE(makeQ8Reference(n, {inputs[0].shape()}, outShapes).isOk());
  n.quant.twin_bits = 6;
  EXPECT_FALSE(makeQ8Reference(n, {inputs[0].shape()}, outShapes).isOk());
  n.quant.twin_bits = 8;
  n.quant.twin_scale = std::nanf("");
  EXPECT_FALSE(makeQ8Reference(n, {inputs[0].shape()}, outShapes).isOk());
  n.quant.twin_scale = 10.f;
  n.quant.residual_add = false;
  EXPECT_FALSE(makeQ8Reference(n, {inputs[0].shape()}, outShapes).isOk());
}

struct DwCase {
  int c, h, w, k, stride, pad, dilation;
  ActKind act;
  float padValue;
};

TEST(Q8Depthwise, EqualsTheReferenceBitForBit) {
  const DwCase cases[] = {
      {8, 14, 14, 3, 1, 1, 1, ActKind::ReLU, 0.f},  {17, 13, 11, 3, 2, 1, 1, ActKind::Clip, 0.f},
      {5, 12, 12, 5, 1, 2, 1, ActKind::None, 0.f},  {6, 15, 9, 5, 2, 2, 1, ActKind::LeakyReLU, 0.f},
      {4, 16, 16, 3, 1, 2, 2, ActKind::ReLU, 0.25f}, {3, 7, 40, 3, 1, 0, 1, ActKind::None, 0.f},
  };
  std::mt19937 rng(17);
  ThreadPool pool(2);
  int ran = 0;
  for (Isa isa : integerLevels()) {
    for (int bits : {8, 7})
      for (bool uns : {false, true})
        for (const DwCase& dc : cases) {
          ConvParams p;
          p.num_output = p.group = dc.c;
          p.kernel_h = p.kernel_w = dc.k;
          p.stride_h = p.stride_w = dc.stride;
          p.dilation_h = p.dilation_w = dc.dilation;
          p.pads = {dc.pad, dc.pad, dc.pad, dc.pad};
          p.bias = true;
          p.act.kind = dc.act;
          p.act.a = dc.act == ActKind::LeakyReLU ? 0.1f : 0.f;
          p.act.b = 6.f;
          p.pad_value = dc.padValue;
          Node n = makeFastNode(OpKind::Convolution, p, {randomTensor({dc.c, 1, dc.k, dc.k}, rng), randomTensor({dc.c}, rng)});
          n.quant.bits = bits;
          n.quant.unsigned_input = uns;
          n.quant.input_scale = (bits == 8 ? 127.f : 63.f) / 1.5f;
          n.quant.weight_qmax = bits == 8 ? 127 : 63;
          for (int o = 0; o < dc.c; ++o) n.quant.weight_scales.push_back(n.quant.weight_qmax / (0.7f + 0.02f * static_cast<float>(o)));
          std::vector<Tensor> inputs = {randomTensor({1, dc.c, dc.h, dc.w}, rng, uns ? 0.f : -2.f, 2.f)};
          inputs[0].f32()[3] = std::nanf("");  // NaN quantizes to 0 in both
          ASSERT_TRUE(isDepthwise(n, {inputs[0].shape()}));
          const std::string what = "bits " + std::to_string(bits) + (uns ? " unsigned" : "") + " c" + std::to_string(dc.c) +
                                   " k" + std::to_string(dc.k) + " s" + std::to_string(dc.stride);
          EXPECT_TRUE(fastMatchesReference(n, inputs, isa, &pool, what)) << "no depthwise kernel: " << what;
          ++ran;
        }
  }
  if (ran == 0) GTEST_SKIP() << "no integer row kernels run on this CPU";
}

TEST(Q8InnerProduct, EqualsTheReferenceBitForBit) {
  std::mt19937 rng(23);
  ThreadPool pool(2);
  int ran = 0;
  for (int bits : {8, 7})
    for (bool uns : {false, true})
      for (auto [k, oc] : {std::pair{5, 1}, std::pair{64, 10}, std::pair{130, 17}, std::pair{1280, 70}, std::pair{33, 64}}) {
        InnerProductParams p;
        p.num_output = oc;
        p.bias = true;
        p.act.kind = k % 2 ? ActKind::ReLU : ActKind::None;
        Node n = makeFastNode(OpKind::InnerProduct, p, {randomTensor({oc, k}, rng), randomTensor({oc}, rng)});
        n.quant.bits = bits;
        n.quant.unsigned_input = uns;
        n.quant.input_scale = (bits == 8 ? 127.f : 63.f) / 1.5f;
        n.quant.weight_qmax = bits == 8 ? 127 : 63;
        for (int o = 0; o < oc; ++o) n.quant.weight_scales.push_back(n.quant.weight_qmax / (0.8f + 0.01f * static_cast<float>(o)));
        std::vector<Tensor> inputs = {randomTensor({1, k}, rng, uns ? 0.f : -2.f, 2.f)};
        ran += fastMatchesReference(n, inputs, Isa::Avx512Vnni, &pool,
                                    "bits " + std::to_string(bits) + " k " + std::to_string(k) + " oc " + std::to_string(oc));
      }
  if (ran == 0) GTEST_SKIP() << "no integer fully connected kernel on this CPU (AVX-512 VNNI)";
}

// The reference against a float computation on the grid: sum of (q(x)/s_in) * (q(w)/s_w) + bias.
TEST(Q8Conv, ReferenceEqualsTheDequantizedFloatConvolution) {
  std::mt19937 rng(3);
  for (int bits : {8, 7})
    for (const ConvCase& cc : kCases) {
      std::vector<Tensor> inputs;
      Node n = quantConv(cc, bits, false, rng, &inputs);
      std::vector<Shape> outShapes;
      ASSERT_TRUE(inferShapes(n, inputs, &outShapes));
      auto ref = makeQ8Reference(n, {inputs[0].shape()}, outShapes);
      ASSERT_TRUE(ref.isOk());
      Status s;
      auto got = runKernel(**ref, inputs, outShapes, nullptr, &s);
      ASSERT_TRUE(s.isOk());
      const float qmax = bits == 8 ? 127.f : 63.f;
      auto onGrid = [](float v, float scale, float q) {
        const float r = std::round(v * scale);
        return static_cast<double>(r < -q ? -q : r > q ? q : r) / scale;
      };
      const Shape& ys = outShapes[0];
      const ConvParams& p = n.p<ConvParams>();
      double worst = 0.0;
      for (int64_t o = 0; o < ys[1]; ++o)
        for (int64_t oy = 0; oy < ys[2]; ++oy)
          for (int64_t ox = 0; ox < ys[3]; ++ox) {
            double acc = cc.bias ? n.weights[1].f32()[o] : 0.0;
            for (int64_t c = 0; c < cc.c; ++c)
              for (int ky = 0; ky < cc.k; ++ky)
                for (int kx = 0; kx < cc.k; ++kx) {
                  const int64_t iy = oy * cc.stride - cc.pad + ky * cc.dilation, ix = ox * cc.stride - cc.pad + kx * cc.dilation;
                  const float xv = iy >= 0 && iy < cc.h && ix >= 0 && ix < cc.w ? inputs[0].f32()[(c * cc.h + iy) * cc.w + ix] : cc.padValue;
                  const float wv = n.weights[0].f32()[((o * cc.c + c) * cc.k + ky) * cc.k + kx];
                  acc += onGrid(xv, n.quant.input_scale, qmax) * onGrid(wv, n.quant.weight_scales[static_cast<size_t>(o)], qmax);
                }
            const float want = applyActivation(p.act, static_cast<float>(acc));
            const float g = got[0].f32()[(o * ys[2] + oy) * ys[3] + ox];
            worst = std::max(worst, std::fabs(static_cast<double>(g) - want) / (1.0 + std::fabs(want)));
          }
      EXPECT_LT(worst, 2e-6) << "bits " << bits << " c" << cc.c << " oc" << cc.oc;
    }
}

TEST(Q8Conv, Int7InputsStayWithinPlusMinus63) {
  Node n;
  n.name = "x";
  n.kind = OpKind::Convolution;
  ConvParams p;
  p.num_output = 1;
  n.params = p;
  n.weights = {Tensor({1, 1, 1, 1})};
  n.weights[0].f32()[0] = 1.f;
  n.quant = {7, false, 63.f, 63, {63.f}};
  auto l = prepareLayer(n, {1, 1, 1, 1}, {1, 1, 1, 1});
  ASSERT_TRUE(l.isOk()) << l.status().toString();
  EXPECT_EQ(l->in_hi, 63.f);
  EXPECT_EQ(l->in_lo, -63.f);
  for (float x : {-1e9f, -1.01f, -0.5f, 0.f, 0.99f, 5.f, 1e9f}) {
    const int32_t q = quantize(x, l->in_scale, l->in_lo, l->in_hi);
    EXPECT_LE(q, 63);
    EXPECT_GE(q, -63);
  }
  EXPECT_EQ(quantize(0.5f / 63.f, 63.f, -63.f, 63.f), 1) << "half rounds away from zero";
  EXPECT_EQ(quantize(-0.5f / 63.f, 63.f, -63.f, 63.f), -1);
  EXPECT_EQ(quantize(std::nanf(""), 63.f, -63.f, 63.f), 0);
}

TEST(Q8Conv, BadQuantizationIsAClearError) {
  std::mt19937 rng(1);
  std::vector<Tensor> inputs;
  Node n = quantConv(kCases[0], 8, false, rng, &inputs);
  std::vector<Shape> outShapes;
  ASSERT_TRUE(inferShapes(n, inputs, &outShapes));
  Node bad = n;
  bad.quant.weight_scales[2] = std::nanf("");
  auto k = makeQ8Reference(bad, {inputs[0].shape()}, outShapes);
  ASSERT_FALSE(k.isOk());
  EXPECT_NE(k.status().message().find("weight scale 2"), std::string::npos) << k.status().message();
  bad = n;
  bad.quant.weight_scales.pop_back();
  k = makeQ8Reference(bad, {inputs[0].shape()}, outShapes);
  ASSERT_FALSE(k.isOk());
  EXPECT_NE(k.status().message().find("weight scales for 13 output channels"), std::string::npos) << k.status().message();
  bad = n;
  bad.quant.input_scale = 0.f;
  EXPECT_FALSE(makeQ8Reference(bad, {inputs[0].shape()}, outShapes).isOk());
}

}  // namespace
}  // namespace eqw::kernels::q8
