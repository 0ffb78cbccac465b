// The int8 flow through the integer kernels (NodeQuant::quantized_input, output_scale): a layer
// that reads its grid's integers and writes its output requantized onto the next layer's grid
// must give exactly the bytes of the float round trip it replaces — quantize(x) fed to today's
// float-in / float-out kernel, whose float output is then quantized with the output grid. The
// expected bytes come from the float-in / float-out reference and a quantize written here;
// the flow reference and every fast kernel at every ISA level the CPU runs must match them bit
// for bit over GEMM convolutions (strides, pads, dilation, pointwise), grouped ones (the
// reference), blocked and per-channel depthwise, fully connected layers, INT8 / INT7, signed
// and unsigned grids on either side, fused and post-applied activations, one and two threads.
#include <eqw/cpu.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <tuple>

#include "core/parallel.h"
#include "engine/kernels/x86/fast_test_util.h"
#include "kernels/int8/q8_kernels.h"

namespace eqw::kernels::q8 {
namespace {

using eqw::testing::inferShapes;
using eqw::testing::makeFastNode;
using eqw::testing::randomTensor;

// The grid written here, independent of q8::quantize: round half away from zero (std::round),
// the clamp, NaN to 0.
int32_t grid(float v, float scale, int bits, bool uns) {
  const float qmax = uns ? static_cast<float>((1 << bits) - 1) : static_cast<float>((1 << (bits - 1)) - 1);
  const float lo = uns ? 0.f : -qmax;
  const float r = std::round(v * scale);
  if (std::isnan(r)) return 0;
  return static_cast<int32_t>(r < lo ? lo : r > qmax ? qmax : r);
}

struct FlowSpec {
  bool fc = false;
  int c = 3, h = 5, w = 5, oc = 4, k = 3, stride = 1, dilation = 1, group = 1;
  Pads2d pads;
  int bits = 8, outBits = 8;
  bool uns = false, outUns = false;
  bool inQ = true, outQ = true;
  ActKind act = ActKind::None;

  std::string str() const {
    std::string s = fc ? "fc " + std::to_string(c * h * w) + "->" + std::to_string(oc)
                       : "conv c" + std::to_string(c) + " " + std::to_string(h) + "x" + std::to_string(w) + " oc" +
                             std::to_string(oc) + " k" + std::to_string(k) + " s" + std::to_string(stride) + " d" +
                             std::to_string(dilation) + " g" + std::to_string(group) + " pads " + std::to_string(pads.top) +
                             "," + std::to_string(pads.left) + "," + std::to_string(pads.bottom) + "," +
                             std::to_string(pads.right);
    return s + " int" + std::to_string(bits) + (uns ? "u" : "") + (inQ ? " (int in)" : " (float in)") + " -> int" +
           std::to_string(outBits) + (outUns ? "u" : "") + (outQ ? " (int out) " : " (float out) ") + toString(act);
  }
};

Activation activation(ActKind kind) {
  Activation a;
  a.kind = kind;
  if (kind == ActKind::Clip) a.a = -0.3f, a.b = 0.9f;
  if (kind == ActKind::LeakyReLU) a.a = 0.1f;
  if (kind == ActKind::HardSwish) a.a = 1.f / 6.f, a.b = 0.5f;
  return a;
}

// The node without flow fields (float in, float out) and its input.
Node makeNode(const FlowSpec& s, std::mt19937& rng, Tensor* input) {
  Node n;
  if (s.fc) {
    InnerProductParams p;
    p.num_output = s.oc;
    p.bias = true;
    p.act = activation(s.act);
    n = makeFastNode(OpKind::InnerProduct, p, {randomTensor({s.oc, s.c * s.h * s.w}, rng), randomTensor({s.oc}, rng)});
  } else {
    ConvParams p;
    p.num_output = s.oc;
    p.group = s.group;
    p.kernel_h = p.kernel_w = s.k;
    p.stride_h = p.stride_w = s.stride;
    p.dilation_h = p.dilation_w = s.dilation;
    p.pads = s.pads;
    p.bias = true;
    p.act = activation(s.act);
    n = makeFastNode(OpKind::Convolution, p, {randomTensor({s.oc, s.c / s.group, s.k, s.k}, rng), randomTensor({s.oc}, rng)});
  }
  n.quant.bits = s.bits;
  n.quant.unsigned_input = s.uns;
  const float qmax = s.uns ? static_cast<float>((1 << s.bits) - 1) : static_cast<float>((1 << (s.bits - 1)) - 1);
  n.quant.input_scale = qmax / 1.5f;  // inputs in [-2, 2]: some clamp
  n.quant.weight_qmax = s.bits == 8 ? 127 : 63;
  for (int o = 0; o < s.oc; ++o) n.quant.weight_scales.push_back(n.quant.weight_qmax / (0.7f + 0.01f * static_cast<float>(o % 37)));
  *input = randomTensor({1, s.c, s.h, s.w}, rng, s.uns ? -0.2f : -2.f, 2.f);
  return n;
}

// The flow's input tensor: the float input on the layer's grid, as I8 / U8.
Tensor integerInput(const Tensor& x, const NodeQuant& q) {
  Tensor t(x.shape(), q.unsigned_input ? DType::U8 : DType::I8);
  for (int64_t i = 0; i < x.numel(); ++i)
    t.data<uint8_t>()[i] = static_cast<uint8_t>(grid(x.f32()[i], q.input_scale, q.bits, q.unsigned_input));
  return t;
}

Status runOnce(OpKernel& k, const Tensor& in, Tensor& out, const ThreadPool* pool) {
  ExecContext ctx{pool};
  return k.run({&in}, {&out}, ctx);
}

// Expected output of the flow node: the float reference's output, requantized when outQ.
// Then the flow reference and the fast kernel at isa (when there is one) against it. Returns
// the fast kernel's name ("" without one).
std::string checkFlow(const FlowSpec& s, Isa isa, const ThreadPool* pool, std::mt19937& rng) {
  Tensor x;
  Node plain = makeNode(s, rng, &x);
  std::vector<Shape> outShapes;
  if (!inferShapes(plain, {x}, &outShapes)) return "";
  const Shape in = x.shape(), out = outShapes[0];
  auto floatRef = makeQ8Reference(plain, {in}, outShapes);
  if (!floatRef.isOk()) {
    ADD_FAILURE() << s.str() << ": " << floatRef.status().toString();
    return "";
  }
  Tensor yf(out);
  EXPECT_TRUE(runOnce(**floatRef, x, yf, nullptr).isOk());

  Node flow = plain;
  flow.quant.quantized_input = s.inQ;
  const float outQmax = s.outUns ? static_cast<float>((1 << s.outBits) - 1) : static_cast<float>((1 << (s.outBits - 1)) - 1);
  if (s.outQ) {
    float absmax = 0.f;
    for (int64_t i = 0; i < yf.numel(); ++i) absmax = std::max(absmax, std::fabs(yf.f32()[i]));
    flow.quant.output_scale = outQmax / (0.6f * std::max(absmax, 1e-3f));  // the largest outputs clamp
    flow.quant.output_bits = s.outBits;
    flow.quant.output_unsigned = s.outUns;
  }
  const Tensor xin = s.inQ ? integerInput(x, flow.quant) : x;
  const DType outType = !s.outQ ? DType::F32 : s.outUns ? DType::U8 : DType::I8;
  Tensor want(out, outType);
  for (int64_t i = 0; i < yf.numel(); ++i) {
    if (s.outQ) want.data<uint8_t>()[i] = static_cast<uint8_t>(grid(yf.f32()[i], flow.quant.output_scale, s.outBits, s.outUns));
    else want.f32()[i] = yf.f32()[i];
  }
  const size_t bytes = want.bytes();

  auto ref = makeQ8Reference(flow, {in}, outShapes);
  auto fast = makeQ8Fast(flow, {in}, outShapes, isa);
  if (!ref.isOk() || !fast.isOk()) {
    ADD_FAILURE() << s.str() << ": " << (ref.isOk() ? fast.status() : ref.status()).toString();
    return "";
  }
  Tensor got(out, outType);
  const Status rs = runOnce(**ref, xin, got, nullptr);
  EXPECT_TRUE(rs.isOk()) << s.str() << ": " << rs.toString();
  EXPECT_EQ(std::memcmp(got.data<uint8_t>(), want.data<uint8_t>(), bytes), 0) << "flow reference " << s.str();
  if (!*fast) return "";
  Tensor gotFast(out, outType);
  const Status fs = runOnce(**fast, xin, gotFast, pool);
  EXPECT_TRUE(fs.isOk()) << s.str() << ": " << (*fast)->name() << ": " << fs.toString();
  int64_t bad = 0, first = -1;
  const int64_t elems = want.numel(), width = static_cast<int64_t>(elementSize(outType));
  for (int64_t i = 0; i < elems; ++i)
    if (std::memcmp(gotFast.data<uint8_t>() + i * width, want.data<uint8_t>() + i * width, static_cast<size_t>(width)) != 0)
      bad += 1, first = first < 0 ? i : first;
  EXPECT_EQ(bad, 0) << (*fast)->name() << " " << s.str() << ": first difference at element " << first;
  // A tensor of the wrong type is refused, not misread.
  Tensor wrong(out, s.outQ ? DType::F32 : DType::I8);
  EXPECT_FALSE(runOnce(**fast, xin, wrong, nullptr).isOk()) << (*fast)->name() << " accepted a " << toString(wrong.dtype()) << " output";
  return (*fast)->name();
}

// The levels the CPU runs (the others print a SKIPPED line), strongest first.
std::vector<Isa> levels() {
  std::vector<Isa> out;
  for (Isa isa : {Isa::Avx512Vnni, Isa::Avx512, Isa::AvxVnni, Isa::Avx2, Isa::Sse41}) {
    if (isaSupported(isa)) out.push_back(isa);
    else std::printf("[ SKIPPED  ] %s: this CPU lacks it\n", toString(isa));
  }
  return out;
}

// Drawn variations of sign, width, direction and activation for spec i.
FlowSpec vary(FlowSpec s, int i) {
  const ActKind acts[] = {ActKind::None, ActKind::ReLU, ActKind::Clip, ActKind::LeakyReLU, ActKind::HardSwish, ActKind::Swish};
  s.bits = i % 2 ? 7 : 8;
  s.outBits = i / 3 % 2 ? 7 : 8;
  s.uns = i / 2 % 2 == 1;
  s.outUns = i / 5 % 2 == 1;
  s.inQ = i % 4 != 3;
  s.outQ = i % 4 != 2;
  s.act = acts[i % 6];
  return s;
}

TEST(Q8Flow, GemmConvolutionsEqualTheFloatRoundTrip) {
  ThreadPool pool(2);
  int fastRuns = 0;
  for (Isa isa : levels()) {
    std::mt19937 rng(53);
    int i = 0;
    for (int c : {1, 3, 16, 37})
      for (int oc : {1, 4, 13, 24, 64, 100})
        for (auto [k, stride, dil, hw] : {std::tuple{1, 1, 1, 7}, std::tuple{3, 1, 1, 9}, std::tuple{3, 2, 1, 11},
                                          std::tuple{5, 2, 1, 6}, std::tuple{3, 1, 2, 8}, std::tuple{1, 2, 1, 5},
                                          // rows wider than a pixel tile, tiles across rows, partial tiles
                                          std::tuple{3, 1, 1, 34}, std::tuple{1, 1, 1, 20}, std::tuple{1, 2, 1, 30}}) {
          FlowSpec s = vary(FlowSpec{}, i);
          s.c = c, s.oc = oc, s.k = k, s.stride = stride, s.dilation = dil, s.h = hw, s.w = hw + i % 3;
          const Pads2d pads[] = {{0, 0, 0, 0}, {1, 1, 1, 1}, {1, 0, 2, 1}};
          s.pads = k == 1 ? Pads2d{} : pads[i % 3];
          ++i;
          const std::string name = checkFlow(s, isa, i % 2 ? &pool : nullptr, rng);
          fastRuns += !name.empty();
          if (::testing::Test::HasFailure()) return;
        }
  }
  if (fastRuns == 0) GTEST_SKIP() << "no integer GEMM kernel runs on this CPU (the reference was checked)";
}

// The ways run() and its input passes split the work between threads, at 2 and 3 threads:
// planes of 1024 pixels or more per thread, whose input passes (quantize, frame, the 1x1 stride 2
// subsample, from floats and from integers) split by pixels (uneven splits, framed rows of 9
// bytes and of 56, subsampled rows of 30), four-channel framed planes split by rows, and small
// planes with 16 or more channel tiles per thread, split by channels only.
TEST(Q8Flow, ThreadSplitsEqualTheFloatRoundTrip) {
  int fastRuns = 0;
  for (int threads : {2, 3}) {
    ThreadPool pool(threads);
    for (Isa isa : levels()) {
      std::mt19937 rng(61);
      int i = 0;
      for (auto [c, k, stride, h, w, oc] : {std::tuple{3, 3, 1, 56, 56, 13}, std::tuple{2, 3, 1, 400, 9, 13},
                                            std::tuple{5, 1, 1, 61, 59, 13}, std::tuple{4, 1, 2, 112, 110, 13},
                                            std::tuple{9, 1, 1, 7, 7, 580}, std::tuple{6, 3, 1, 9, 11, 400},
                                            std::tuple{8, 1, 2, 14, 14, 390}, std::tuple{8, 3, 1, 40, 70, 13},
                                            std::tuple{6, 1, 2, 28, 30, 13}})
        for (int v : {0, 3, 5, 6}) {  // integer and float inputs (vary: i % 4 == 3 is float)
          FlowSpec s = vary(FlowSpec{}, v + i);
          s.inQ = v != 3;
          s.c = c, s.oc = oc, s.k = k, s.stride = stride, s.h = h, s.w = w;
          s.pads = k == 1 ? Pads2d{} : Pads2d{1, 1, 1, 1};
          ++i;
          fastRuns += !checkFlow(s, isa, &pool, rng).empty();
          if (::testing::Test::HasFailure()) return;
        }
    }
  }
  if (fastRuns == 0) GTEST_SKIP() << "no integer GEMM kernel runs on this CPU (the reference was checked)";
}

TEST(Q8Flow, GroupedConvolutionsOnTheReference) {
  std::mt19937 rng(59);
  for (int i = 0; i < 12; ++i) {
    FlowSpec s = vary(FlowSpec{}, i);
    s.c = 6, s.oc = 9, s.group = 3, s.h = 7, s.w = 6, s.k = 3, s.pads = {1, 1, 1, 1}, s.stride = 1 + i % 2;
    checkFlow(s, Isa::Scalar, nullptr, rng);
  }
}

TEST(Q8Flow, DepthwiseEqualsTheFloatRoundTrip) {
  ThreadPool pool(2);
  int fastRuns = 0;
  for (Isa isa : levels()) {
    std::mt19937 rng(61);
    int i = 0;
    for (int c : {2, 7, 16, 17, 40})
      for (int hw : {1, 5, 14, 23})
        // 3x3 / 5x5 strides 1 and 2: the blocked kernel; dilation 2 and 7x7: the per-channel one.
        for (auto [k, stride, dil] : {std::tuple{3, 1, 1}, std::tuple{3, 2, 1}, std::tuple{5, 1, 1}, std::tuple{5, 2, 1},
                                      std::tuple{3, 1, 2}, std::tuple{7, 1, 1}}) {
          FlowSpec s = vary(FlowSpec{}, i);
          s.c = s.oc = s.group = c, s.h = hw, s.w = hw + i % 2, s.k = k, s.stride = stride, s.dilation = dil;
          const int reach = (k - 1) * dil;
          const int pad = std::max(reach / 2, (reach + 1 - std::min(s.h, s.w) + 1) / 2);
          s.pads = {pad, pad, reach - pad + (i % 2), pad};
          ++i;
          const std::string name = checkFlow(s, isa, i % 2 ? &pool : nullptr, rng);
          fastRuns += !name.empty();
          if (::testing::Test::HasFailure()) return;
        }
  }
  if (fastRuns == 0) GTEST_SKIP() << "no integer depthwise kernel runs on this CPU (the reference was checked)";
}

TEST(Q8Flow, FullyConnectedEqualsTheFloatRoundTrip) {
  int fastRuns = 0;
  for (Isa isa : levels()) {
    std::mt19937 rng(67);
    int i = 0;
    for (auto [c, hw, oc] : {std::tuple{1, 1, 1}, std::tuple{3, 1, 17}, std::tuple{64, 1, 100}, std::tuple{5, 3, 33},
                             std::tuple{129, 1, 10}, std::tuple{16, 2, 64}}) {
      FlowSpec s = vary(FlowSpec{}, i++);
      s.fc = true, s.c = c, s.h = s.w = hw, s.oc = oc;
      fastRuns += !checkFlow(s, isa, nullptr, rng).empty();
      if (::testing::Test::HasFailure()) return;
    }
  }
  if (fastRuns == 0) GTEST_SKIP() << "no integer fully connected kernel on this CPU (AVX-512 VNNI; the reference was checked)";
}

// An output grid that is not 7 or 8 bits, or a bad output scale, is a clear error naming the node.
TEST(Q8Flow, BadOutputGridIsAClearError) {
  std::mt19937 rng(71);
  Tensor x;
  Node n = makeNode(FlowSpec{}, rng, &x);
  n.name = "conv7";
  std::vector<Shape> outShapes;
  ASSERT_TRUE(inferShapes(n, {x}, &outShapes));
  n.quant.output_scale = 10.f;
  n.quant.output_bits = 6;
  auto k = makeQ8Reference(n, {x.shape()}, outShapes);
  ASSERT_FALSE(k.isOk());
  EXPECT_NE(k.status().message().find("conv7"), std::string::npos) << k.status().message();
  n.quant.output_bits = 8;
  n.quant.output_scale = INFINITY;
  k = makeQ8Reference(n, {x.shape()}, outShapes);
  ASSERT_FALSE(k.isOk());
  EXPECT_NE(k.status().message().find("output scale"), std::string::npos) << k.status().message();
}

}  // namespace
}  // namespace eqw::kernels::q8
