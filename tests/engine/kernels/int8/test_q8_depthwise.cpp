// The channel-blocked integer depthwise kernel (q8_dw_blocked.cpp): at every ISA level the CPU
// runs, bit-identical to the scalar integer reference over channel counts that are and are not
// multiples of the block, planes from 1x1 to 56x56 (square and not), 3x3 / 5x5, stride 1 / 2,
// symmetric and asymmetric pads, INT8 and INT7, signed and unsigned grids, fused and
// post-applied activations, non-zero pad values, NaN and infinite inputs, one and two threads.
// The reference itself is checked against an independent integer loop on the grid values.
#include <eqw/cpu.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <tuple>

#include "core/parallel.h"
#include "engine/kernels/x86/fast_test_util.h"
#include "kernels/int8/q8_depthwise.h"
#include "kernels/int8/q8_dw_blocked.h"
#include "kernels/int8/q8_kernels.h"

namespace eqw::kernels::q8 {
namespace {

using eqw::testing::inferShapes;
using eqw::testing::makeFastNode;
using eqw::testing::randomTensor;
using eqw::testing::runKernel;

struct DwSpec {
  int c = 1, h = 1, w = 1, k = 3, stride = 1;
  Pads2d pads;
  int bits = 8;
  bool unsignedInput = false;
  ActKind act = ActKind::None;
  float padValue = 0.f;

  std::string str() const {
    return "c" + std::to_string(c) + " " + std::to_string(h) + "x" + std::to_string(w) + " k" + std::to_string(k) + " s" +
           std::to_string(stride) + " pads " + std::to_string(pads.top) + "," + std::to_string(pads.left) + "," +
           std::to_string(pads.bottom) + "," + std::to_string(pads.right) + " int" + std::to_string(bits) +
           (unsignedInput ? " unsigned" : "") + " " + toString(act) + " pad value " + std::to_string(padValue);
  }
};

Node makeDwNode(const DwSpec& s, std::mt19937& rng, std::vector<Tensor>* inputs) {
  ConvParams p;
  p.num_output = p.group = s.c;
  p.kernel_h = p.kernel_w = s.k;
  p.stride_h = p.stride_w = s.stride;
  p.pads = s.pads;
  p.bias = true;
  p.act.kind = s.act;
  if (s.act == ActKind::LeakyReLU) p.act.a = 0.1f;
  if (s.act == ActKind::Clip) p.act.a = -0.4f, p.act.b = 0.7f;
  if (s.act == ActKind::HardSigmoid) p.act.a = 0.2f, p.act.b = 0.5f;
  if (s.act == ActKind::HardSwish) p.act.a = 1.f / 6.f, p.act.b = 0.5f;
  p.pad_value = s.padValue;
  Node n = makeFastNode(OpKind::Convolution, p, {randomTensor({s.c, 1, s.k, s.k}, rng), randomTensor({s.c}, rng)});
  n.quant.bits = s.bits;
  n.quant.unsigned_input = s.unsignedInput;
  const float qmax = s.unsignedInput ? static_cast<float>((1 << s.bits) - 1) : static_cast<float>((1 << (s.bits - 1)) - 1);
  n.quant.input_scale = qmax / 1.5f;  // inputs in [-2, 2]: some clamp
  n.quant.weight_qmax = s.bits == 8 ? 127 : 63;
  // |w| up to 1 against 1 / 0.7: the largest weights clamp to +-qmax.
  for (int o = 0; o < s.c; ++o) n.quant.weight_scales.push_back(n.quant.weight_qmax / (0.7f + 0.01f * static_cast<float>(o % 37)));
  inputs->assign(1, randomTensor({1, s.c, s.h, s.w}, rng, s.unsignedInput ? -0.2f : -2.f, 2.f));
  float* x = (*inputs)[0].f32();
  const int64_t n0 = (*inputs)[0].numel();
  x[n0 / 2] = std::nanf("");  // quantizes to 0 in both
  if (n0 > 2) x[n0 - 1] = INFINITY, x[1] = -INFINITY;
  return n;
}

// Reference and fast kernel of the spec at `isa`, one run each, compared bit for bit. Returns the
// fast kernel's name ("" when there is none or a step failed, with a test failure).
std::string checkBitIdentical(const DwSpec& spec, Isa isa, const ThreadPool* pool, std::mt19937& rng) {
  std::vector<Tensor> inputs;
  Node n = makeDwNode(spec, rng, &inputs);
  std::vector<Shape> outShapes;
  if (!inferShapes(n, inputs, &outShapes)) return "";
  auto ref = makeQ8Reference(n, {inputs[0].shape()}, outShapes);
  auto fast = makeQ8Fast(n, {inputs[0].shape()}, outShapes, isa);
  if (!ref.isOk() || !fast.isOk()) {
    ADD_FAILURE() << spec.str() << ": " << (ref.isOk() ? fast.status() : ref.status()).toString();
    return "";
  }
  if (!*fast) {
    ADD_FAILURE() << spec.str() << ": no fast kernel at " << toString(isa);
    return "";
  }
  Status s;
  auto want = runKernel(**ref, inputs, outShapes, nullptr, &s);
  EXPECT_TRUE(s.isOk()) << spec.str() << ": reference: " << s.toString();
  auto got = runKernel(**fast, inputs, outShapes, pool, &s);
  EXPECT_TRUE(s.isOk()) << spec.str() << ": " << (*fast)->name() << ": " << s.toString();
  const int64_t count = want[0].numel();
  int64_t bad = 0, first = -1;
  for (int64_t i = 0; i < count; ++i)
    if (std::memcmp(got[0].f32() + i, want[0].f32() + i, sizeof(float)) != 0) bad += 1, first = first < 0 ? i : first;
  EXPECT_EQ(bad, 0) << (*fast)->name() << " " << spec.str() << ": first difference at " << first << ": "
                    << (first >= 0 ? got[0].f32()[first] : 0.f) << " vs " << (first >= 0 ? want[0].f32()[first] : 0.f);
  return (*fast)->name();
}

// The levels with a channel-blocked kernel that this CPU runs, each with the name its kernels
// carry; the others print a SKIPPED line.
std::vector<std::pair<Isa, std::string>> blockedLevels() {
  std::vector<std::pair<Isa, std::string>> out;
  for (auto [isa, name] : {std::pair{Isa::Avx512Vnni, "q8_dwconv_c16_avx512vnni"}, std::pair{Isa::Avx512, "q8_dwconv_c16_avx512"},
                           std::pair{Isa::AvxVnni, "q8_dwconv_c8_avxvnni"}, std::pair{Isa::Avx2, "q8_dwconv_c8_avx2"}}) {
    if (isaSupported(isa)) out.emplace_back(isa, name);
    else std::printf("[ SKIPPED  ] %s: this CPU lacks it\n", toString(isa));
  }
  return out;
}

// Pads that leave at least one output pixel: the plane plus its pads must hold the kernel.
Pads2d fitPads(Pads2d p, int h, int w, int k) {
  while (h + p.top + p.bottom < k) ++p.top, ++p.bottom;
  while (w + p.left + p.right < k) ++p.left, ++p.right;
  return p;
}

// Every channel count and plane size of the brief, each once per kernel / stride pair, with the
// rest (pads, width, sign, activation, pad value) drawn so that every value of each occurs.
TEST(Q8DwBlocked, EqualsTheReferenceOverShapes) {
  const int channels[] = {1, 7, 16, 17, 33, 96};
  const int sizes[] = {1, 3, 7, 14, 15, 56};
  const Pads2d pads[] = {{0, 0, 0, 0}, {1, 1, 1, 1}, {2, 2, 2, 2}, {0, 0, 1, 1}, {1, 0, 2, 1}, {2, 1, 0, 2}};
  // Fused in the task (None to HardSwish) and applied after it (Swish).
  const ActKind acts[] = {ActKind::None,      ActKind::ReLU,        ActKind::Clip, ActKind::LeakyReLU,
                          ActKind::HardSwish, ActKind::HardSigmoid, ActKind::Swish};
  auto levels = blockedLevels();
  if (levels.empty()) GTEST_SKIP() << "no channel-blocked integer depthwise kernel runs on this CPU";
  ThreadPool pool(2);
  for (const auto& [isa, name] : levels) {
    std::mt19937 rng(29);
    int i = 0;
    for (int c : channels)
      for (int hi = 0; hi < 6; ++hi)
        for (auto [k, stride] : {std::pair{3, 1}, std::pair{3, 2}, std::pair{5, 1}, std::pair{5, 2}}) {
          // 56x56 with 96 channels takes long in the reference: every other kernel / stride.
          if (c == 96 && sizes[hi] == 56 && k == 5) continue;
          DwSpec s;
          s.c = c, s.h = sizes[hi], s.w = sizes[(hi + i / 4) % 6], s.k = k, s.stride = stride;
          s.pads = fitPads(pads[i % 6], s.h, s.w, k);
          s.bits = i % 2 ? 7 : 8;
          s.unsignedInput = i / 2 % 2 == 1;
          s.act = acts[i % 7];
          s.padValue = i % 5 == 3 ? 0.3f : 0.f;
          ++i;
          const std::string got = checkBitIdentical(s, isa, i % 3 ? &pool : nullptr, rng);
          // One channel is group 1: an ordinary convolution (the GEMM kernel), still exact.
          if (c > 1) {
            EXPECT_EQ(got, name) << s.str();
          }
          if (::testing::Test::HasFailure()) return;  // one shape's failure is enough to read
        }
  }
}

// Plane sizes around the block width and the band split: every output row band and every
// partial last block of 16 pixels (INT8 signed, ReLU6-like Clip as mobilenet).
TEST(Q8DwBlocked, EqualsTheReferenceAcrossBandsAndThreads) {
  auto levels = blockedLevels();
  if (levels.empty()) GTEST_SKIP() << "no channel-blocked integer depthwise kernel runs on this CPU";
  ThreadPool pool(2);
  for (const auto& [isa, name] : levels) {
    std::mt19937 rng(31);
    for (auto [c, hw] : {std::pair{32, 112}, std::pair{48, 57}, std::pair{3, 130}, std::pair{1024, 7}, std::pair{40, 2}})
      for (int stride : {1, 2})
        for (const ThreadPool* p : {static_cast<const ThreadPool*>(nullptr), static_cast<const ThreadPool*>(&pool)}) {
          DwSpec s;
          s.c = c, s.h = hw, s.w = hw, s.k = 3, s.stride = stride, s.pads = {1, 1, 1, 1};
          s.act = ActKind::Clip;
          EXPECT_EQ(checkBitIdentical(s, isa, p, rng), name) << s.str();
        }
  }
}

// Geometries the blocked kernel does not take still run, on the per-channel kernel, exactly.
TEST(Q8DwBlocked, OtherGeometriesFallBackExactly) {
  std::mt19937 rng(37);
  ConvParams p;
  p.num_output = p.group = 5;
  p.kernel_h = p.kernel_w = 3;
  p.dilation_h = p.dilation_w = 2;
  p.pads = {2, 2, 2, 2};
  Node n = makeFastNode(OpKind::Convolution, p, {randomTensor({5, 1, 3, 3}, rng)});
  n.quant = {8, false, 60.f, 127, std::vector<float>(5, 100.f)};
  std::vector<Tensor> inputs = {randomTensor({1, 5, 9, 9}, rng)};
  std::vector<Shape> outShapes;
  ASSERT_TRUE(inferShapes(n, inputs, &outShapes));
  auto blocked = makeQ8DwBlocked(n, {inputs[0].shape()}, outShapes, Isa::Avx512Vnni);
  ASSERT_TRUE(blocked.isOk());
  EXPECT_FALSE(*blocked) << "dilation 2 is not the blocked kernel's";
}

// The reference against a plain integer loop written here: q(x) by std::round and a clamp, the
// pad value's q outside the plane, int32 sums, fma(sum, deq, bias), the activation.
TEST(Q8DwBlocked, ReferenceEqualsAnIndependentIntegerLoop) {
  std::mt19937 rng(41);
  DwSpec s;
  s.c = 6, s.h = 9, s.w = 11, s.k = 5, s.stride = 2, s.pads = {2, 1, 1, 2}, s.padValue = 0.45f, s.act = ActKind::ReLU;
  std::vector<Tensor> inputs;
  Node n = makeDwNode(s, rng, &inputs);
  std::vector<Shape> outShapes;
  ASSERT_TRUE(inferShapes(n, inputs, &outShapes));
  auto ref = makeQ8Reference(n, {inputs[0].shape()}, outShapes);
  ASSERT_TRUE(ref.isOk());
  Status st;
  auto got = runKernel(**ref, inputs, outShapes, nullptr, &st);
  ASSERT_TRUE(st.isOk());
  const float in = n.quant.input_scale, q = 127.f;
  auto grid = [](float v, float scale, float qmax) {
    if (std::isnan(v)) return 0;
    const float r = std::round(v * scale);
    return static_cast<int>(r < -qmax ? -qmax : r > qmax ? qmax : r);
  };
  const int64_t oh = outShapes[0][2], ow = outShapes[0][3];
  for (int c = 0; c < s.c; ++c) {
    const float ws = n.quant.weight_scales[static_cast<size_t>(c)];
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox) {
        int32_t acc = 0;
        for (int ky = 0; ky < s.k; ++ky)
          for (int kx = 0; kx < s.k; ++kx) {
            const int64_t iy = oy * s.stride - s.pads.top + ky, ix = ox * s.stride - s.pads.left + kx;
            const bool inside = iy >= 0 && iy < s.h && ix >= 0 && ix < s.w;
            const float xv = inside ? inputs[0].f32()[(c * s.h + iy) * s.w + ix] : s.padValue;
            acc += grid(xv, in, q) * grid(n.weights[0].f32()[(c * s.k + ky) * s.k + kx], ws, q);
          }
        float v = std::fma(static_cast<float>(acc), 1.f / (in * ws), n.weights[1].f32()[c]);
        v = v > 0.f ? v : 0.f;
        ASSERT_EQ(got[0].f32()[(c * oh + oy) * ow + ox], v) << "c " << c << " (" << oy << ", " << ox << ")";
      }
  }
}

// Rounding edges, with input scale 1 so that the grid sees the values as written: exact halves
// k + 0.5 and their float neighbours on both sides, 0.49999997 (whose + 0.5 rounds up to 1 in
// float), signed zeros, the clamp bounds and just past them, NaN and infinities.
TEST(Q8DwBlocked, RoundingEdgesEqualTheReference) {
  std::vector<float> edges = {0.49999997f, 0.5f, 0.50000006f, 0.f, -0.f, 1e-30f, 0.25f, 0.75f, std::nanf(""), INFINITY};
  for (int k = 0; k <= 256; ++k) {
    const float half = static_cast<float>(k) + 0.5f;
    edges.insert(edges.end(), {half, std::nextafter(half, 0.f), std::nextafter(half, 1e9f), static_cast<float>(k)});
  }
  const size_t n = edges.size();
  for (size_t i = 0; i < n; ++i) edges.push_back(-edges[i]);
  auto levels = blockedLevels();
  if (levels.empty()) GTEST_SKIP() << "no channel-blocked integer depthwise kernel runs on this CPU";
  for (const auto& [isa, name] : levels)
    for (int bits : {8, 7})
      for (bool uns : {false, true}) {
        std::mt19937 rng(47);
        DwSpec s;
        s.c = 19, s.h = 13, s.w = 11, s.k = 3, s.stride = 1, s.pads = {1, 1, 1, 1}, s.bits = bits, s.unsignedInput = uns;
        std::vector<Tensor> inputs;
        Node node = makeDwNode(s, rng, &inputs);
        node.quant.input_scale = 1.f;
        for (int64_t i = 0; i < inputs[0].numel(); ++i) inputs[0].f32()[i] = edges[static_cast<size_t>(i * 7) % edges.size()];
        std::vector<Shape> outShapes;
        ASSERT_TRUE(inferShapes(node, inputs, &outShapes));
        auto ref = makeQ8Reference(node, {inputs[0].shape()}, outShapes);
        auto fast = makeQ8Fast(node, {inputs[0].shape()}, outShapes, isa);
        ASSERT_TRUE(ref.isOk() && fast.isOk() && *fast);
        EXPECT_EQ(std::string((*fast)->name()), name);
        Status st;
        auto want = runKernel(**ref, inputs, outShapes, nullptr, &st);
        auto got = runKernel(**fast, inputs, outShapes, nullptr, &st);
        EXPECT_EQ(std::memcmp(got[0].f32(), want[0].f32(), sizeof(float) * static_cast<size_t>(want[0].numel())), 0)
            << name << " int" << bits << (uns ? " unsigned" : "");
      }
}

}  // namespace
}  // namespace eqw::kernels::q8
