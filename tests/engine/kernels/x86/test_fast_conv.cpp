// Property tests: fast convolutions (GEMM, depthwise) against the reference on random shapes,
// strides, pads, dilations, groups and fused activations, at every ISA level the CPU runs.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <sstream>

#include "fast_test_util.h"

namespace eqw::testing {
namespace {

struct ConvCase {
  int64_t c, h, w;
  ConvParams p;
};

std::string describe(const ConvCase& k) {
  std::ostringstream s;
  s << "conv in [1," << k.c << "," << k.h << "," << k.w << "] out " << k.p.num_output << " k" << k.p.kernel_h << "x"
    << k.p.kernel_w << " s" << k.p.stride_h << "x" << k.p.stride_w << " d" << k.p.dilation_h << "x" << k.p.dilation_w
    << " pad " << k.p.pads.top << "," << k.p.pads.left << "," << k.p.pads.bottom << "," << k.p.pads.right << " g"
    << k.p.group << " bias " << k.p.bias << " act " << toString(k.p.act.kind) << " pad_value " << k.p.pad_value;
  return s.str();
}

Node convNode(const ConvCase& k, std::mt19937& rng) {
  const int64_t cg = k.c / k.p.group;
  // He-like scale: outputs stay O(1), so saturating activations (tanh, sigmoid) do not hide
  // or exaggerate the error of the sums.
  const float scale = std::sqrt(3.f / static_cast<float>(cg * k.p.kernel_h * k.p.kernel_w));
  std::vector<Tensor> weights{randomTensor({k.p.num_output, cg, k.p.kernel_h, k.p.kernel_w}, rng, -scale, scale)};
  if (k.p.bias) weights.push_back(randomTensor({k.p.num_output}, rng));
  return makeFastNode(OpKind::Convolution, k.p, weights);
}

Activation randomAct(std::mt19937& rng) {
  const ActKind kinds[] = {ActKind::None, ActKind::ReLU, ActKind::LeakyReLU, ActKind::Clip, ActKind::HardSigmoid,
                           ActKind::HardSwish, ActKind::Sigmoid, ActKind::Swish, ActKind::TanH};
  Activation a;
  a.kind = kinds[rng() % std::size(kinds)];
  switch (a.kind) {
    case ActKind::LeakyReLU: a.a = 0.1f; break;
    case ActKind::Clip: a.a = -0.5f, a.b = 0.75f; break;
    case ActKind::HardSigmoid: a.a = 0.2f, a.b = 0.5f; break;
    case ActKind::HardSwish: a.a = 1.f / 6, a.b = 0.5f; break;
    default: break;
  }
  return a;
}

// A random valid convolution; kind 0: dense, 1: depthwise, 2: grouped.
ConvCase randomCase(std::mt19937& rng, int kind) {
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  const int kernels[] = {1, 3, 5, 7};
  for (;;) {
    ConvCase k;
    k.p.kernel_h = kernels[rng() % 4];
    k.p.kernel_w = rng() % 4 ? k.p.kernel_h : kernels[rng() % 4];
    k.p.stride_h = pick(1, 2), k.p.stride_w = rng() % 4 ? k.p.stride_h : pick(1, 3);
    k.p.dilation_h = rng() % 5 ? 1 : 2, k.p.dilation_w = rng() % 5 ? 1 : 2;
    k.p.pads = {pick(0, k.p.kernel_h - 1), pick(0, k.p.kernel_w - 1), pick(0, k.p.kernel_h - 1), pick(0, k.p.kernel_w - 1)};
    k.h = pick(1, 30), k.w = pick(1, 40);
    const int64_t eh = (k.p.kernel_h - 1) * k.p.dilation_h + 1, ew = (k.p.kernel_w - 1) * k.p.dilation_w + 1;
    if (k.h + k.p.pads.top + k.p.pads.bottom < eh || k.w + k.p.pads.left + k.p.pads.right < ew) continue;
    if (kind == 1) {
      k.c = pick(1, 40), k.p.group = static_cast<int>(k.c), k.p.num_output = static_cast<int>(k.c);
      if (k.c == 1) continue;
    } else if (kind == 2) {
      k.p.group = pick(2, 4);
      k.c = k.p.group * pick(1, 8), k.p.num_output = k.p.group * pick(1, 10);
    } else {
      k.p.group = 1, k.c = pick(1, 40), k.p.num_output = pick(1, 70);
    }
    k.p.bias = rng() % 3 != 0;
    k.p.act = randomAct(rng);
    k.p.pad_value = rng() % 8 ? 0.f : 0.5f;
    return k;
  }
}

class FastConv : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (!isaSupported(GetParam())) GTEST_SKIP() << "this CPU does not run " << toString(GetParam());
  }

  // Returns the fast kernel's name.
  std::string check(const ConvCase& k, std::mt19937& rng, const char* expectName) {
    Node node = convNode(k, rng);
    Tensor x = randomTensor({1, k.c, k.h, k.w}, rng);
    const std::string name = compareWithReference(node, {x}, GetParam(), 1e-4, describe(k));
    EXPECT_NE(name.find(expectName), std::string::npos) << describe(k) << " ran " << name;
    EXPECT_NE(name.find(toString(GetParam())), std::string::npos) << describe(k) << " ran " << name;
    return name;
  }
};

TEST_P(FastConv, DenseRandomShapes) {
  std::mt19937 rng(1234);
  int plain = 0, transposed = 0;
  for (int i = 0; i < 120 && !HasFailure(); ++i) {
    const std::string name = check(randomCase(rng, 0), rng, "conv2d_");
    if (name.find("gemm_t_") != std::string::npos) ++transposed;
    else if (name.find("gemm_") != std::string::npos) ++plain;
  }
  // Both GEMM orientations must have been exercised.
  EXPECT_GE(plain, 10);
  EXPECT_GE(transposed, 5);
}

TEST_P(FastConv, DepthwiseRandomShapes) {
  std::mt19937 rng(99);
  int blocked = 0;
  for (int i = 0; i < 120 && !HasFailure(); ++i) blocked += check(randomCase(rng, 1), rng, "dwconv").find("_c16_") != std::string::npos;
  // AVX-512 runs small planes with vectors along the channels.
  if (GetParam() >= Isa::Avx512) {
    EXPECT_GE(blocked, 20);
  }
}

TEST_P(FastConv, GroupedRandomShapes) {
  std::mt19937 rng(7);
  for (int i = 0; i < 80 && !HasFailure(); ++i) check(randomCase(rng, 2), rng, "conv");  // may be depthwise
}

// Winograd F(4, 3) takes 3x3 stride-1 convolutions with enough tiles (where the ISA has it):
// odd planes (partial edge tiles), asymmetric pads, pad_value, channel counts off the vector width.
TEST_P(FastConv, Winograd3x3) {
  std::mt19937 rng(42);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  int winograd = 0;
  for (int i = 0; i < 40 && !HasFailure(); ++i) {
    ConvCase k;
    k.p.kernel_h = k.p.kernel_w = 3;
    k.p.pads = {pick(0, 2), pick(0, 2), pick(0, 2), pick(0, 2)};
    k.c = pick(8, 80), k.h = pick(14, 40), k.w = pick(14, 40);
    k.p.num_output = pick(8, 90);
    k.p.bias = rng() % 2;
    k.p.act = randomAct(rng);
    k.p.pad_value = rng() % 4 ? 0.f : -0.25f;
    const std::string name = check(k, rng, "conv2d_");
    winograd += name.find("winograd") != std::string::npos;
  }
  if (GetParam() >= Isa::Avx512) EXPECT_GE(winograd, 15);
  else EXPECT_EQ(winograd, 0) << "no Winograd kernels below AVX-512";
}

// Shapes of the real networks: every micro-kernel tail (rows, columns) and the long K loops.
TEST_P(FastConv, NetworkShapes) {
  std::mt19937 rng(5);
  auto make = [](int64_t c, int64_t hw, int oc, int k, int s, int pad, int group = 1) {
    ConvCase cc;
    cc.c = c, cc.h = hw, cc.w = hw;
    cc.p.num_output = oc, cc.p.kernel_h = cc.p.kernel_w = k, cc.p.stride_h = cc.p.stride_w = s;
    cc.p.pads = {pad, pad, pad, pad}, cc.p.group = group, cc.p.bias = true;
    cc.p.act.kind = ActKind::ReLU;
    return cc;
  };
  check(make(3, 37, 64, 7, 2, 3), rng, "conv2d");       // resnet conv1 (smaller plane)
  check(make(64, 28, 64, 3, 1, 1), rng, "conv2d");      // 3x3 stride 1
  check(make(64, 56, 64, 3, 1, 1), rng, "conv2d");      // resnet res2 3x3
  check(make(256, 14, 256, 3, 1, 1), rng, "conv2d");    // resnet res4 3x3 (partial edge tiles)
  check(make(256, 14, 64, 1, 1, 0), rng, "conv2d");     // 1x1 reduce
  check(make(512, 7, 128, 1, 1, 0), rng, "gemm_t");     // 1x1 on 7x7: 49 pixels, transposed
  check(make(512, 7, 100, 1, 1, 0), rng, "gemm");       // 100 channels: a row tail either way
  check(make(256, 7, 144, 3, 1, 1), rng, "gemm_t");     // 3x3 on 7x7, 144 channels (narrow tail)
  check(make(128, 14, 256, 1, 2, 0), rng, "conv2d");    // 1x1 stride 2
  check(make(3, 33, 32, 3, 2, 1), rng, "conv2d");       // mobilenet first conv
  check(make(96, 29, 96, 3, 2, 1, 96), rng, "dwconv");  // depthwise stride 2
  check(make(144, 56, 144, 3, 1, 1, 144), rng, "dwconv");  // depthwise, rows as vectors
  check(make(100, 7, 100, 3, 1, 1, 100), rng, "dwconv");   // depthwise 7x7, channels as vectors (tail block)
  check(make(40, 23, 40, 5, 1, 2, 40), rng, "dwconv");  // depthwise 5x5
}

INSTANTIATE_TEST_SUITE_P(Isa, FastConv, ::testing::ValuesIn(fastIsaLevels()),
                         [](const ::testing::TestParamInfo<Isa>& i) { return std::string(toString(i.param)); });

}  // namespace
}  // namespace eqw::testing
