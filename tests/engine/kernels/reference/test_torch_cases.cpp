// Reference kernels against PyTorch's results (tests/data/reference_kernels, made by
// make_cases.py there): an oracle written by other people, for the ops whose rounding rules are
// easy to get subtly wrong (resize coordinates, pooling divisors, transposed convolution).
#include "ref_test_util.h"

namespace eqw {
namespace {

using testing::expectClose;
using testing::loadCase;
using testing::makeNode;
using testing::runRef;

Tensor interpWith(const std::string& caseName, InterpParams p) {
  auto c = loadCase(caseName);
  const Shape& want = c["expected"].shape();
  p.out_h = static_cast<int>(want[2]);
  p.out_w = static_cast<int>(want[3]);
  Node n = makeNode(OpKind::Interp, p);
  auto out = runRef(n, {c["input"]});
  if (out.empty()) return {};
  expectClose(out[0], c["expected"], 2e-5f);
  return out[0];
}

TEST(RefTorch, InterpBilinearHalfPixel) {
  InterpParams p;
  p.mode = InterpMode::Bilinear;
  p.coord = CoordMode::HalfPixel;
  interpWith("interp_bilinear_half_pixel", p);
  interpWith("interp_bilinear_downscale", p);
}

TEST(RefTorch, InterpBilinearAlignCorners) {
  InterpParams p;
  p.mode = InterpMode::Bilinear;
  p.coord = CoordMode::AlignCorners;
  interpWith("interp_bilinear_align_corners", p);
}

TEST(RefTorch, InterpBicubic) {
  InterpParams p;
  p.mode = InterpMode::Bicubic;
  p.coord = CoordMode::HalfPixel;
  p.cubic_a = -0.75f;
  interpWith("interp_bicubic_half_pixel", p);
  p.coord = CoordMode::AlignCorners;
  interpWith("interp_bicubic_align_corners", p);
}

TEST(RefTorch, InterpNearestIsAsymmetricFloor) {
  InterpParams p;
  p.mode = InterpMode::Nearest;
  p.coord = CoordMode::Asymmetric;
  p.nearest = NearestRound::Floor;
  interpWith("interp_nearest_floor", p);
}

void poolCase(const std::string& name, PoolParams p) {
  auto c = loadCase(name);
  Node n = makeNode(OpKind::Pooling, p);
  auto out = runRef(n, {c["input"]});
  ASSERT_EQ(out.size(), 1u);
  expectClose(out[0], c["expected"]);
}

PoolParams pool(PoolType type, int kh, int kw, int sh, int sw, int ph, int pw, bool ceil, bool includePad) {
  PoolParams p;
  p.type = type;
  p.kernel_h = kh;
  p.kernel_w = kw;
  p.stride_h = sh;
  p.stride_w = sw;
  p.pads = {ph, pw, ph, pw};
  p.ceil_mode = ceil;
  p.count_include_pad = includePad;
  return p;
}

TEST(RefTorch, PoolingCeilModeDivisors) {
  poolCase("pool_avg_ceil_include_pad", pool(PoolType::Avg, 3, 3, 2, 2, 1, 1, true, true));
  poolCase("pool_avg_ceil_exclude_pad", pool(PoolType::Avg, 3, 3, 2, 2, 1, 1, true, false));
  poolCase("pool_max_ceil", pool(PoolType::Max, 3, 2, 2, 3, 1, 0, true, false));
  poolCase("pool_avg_floor_include_pad", pool(PoolType::Avg, 2, 3, 1, 2, 1, 1, false, true));
}

TEST(RefTorch, ConvolutionGroupedDilated) {
  auto c = loadCase("conv_group2_dilated");
  ConvParams p;
  p.num_output = 6;
  p.kernel_h = 3;
  p.kernel_w = 2;
  p.stride_h = 2;
  p.dilation_h = 2;
  p.pads = {2, 1, 2, 1};
  p.group = 2;
  p.bias = true;
  Node n = makeNode(OpKind::Convolution, p, {c["weight"], c["bias"]});
  auto out = runRef(n, {c["input"]});
  ASSERT_EQ(out.size(), 1u);
  expectClose(out[0], c["expected"]);
}

TEST(RefTorch, DeconvolutionGroupedWithOutputPadding) {
  auto c = loadCase("deconv_group2");
  ConvParams p;
  p.num_output = 6;
  p.kernel_h = 3;
  p.kernel_w = 2;
  p.stride_h = 2;
  p.stride_w = 3;
  p.dilation_w = 2;
  p.pads = {1, 0, 1, 0};
  p.output_pad_h = 1;
  p.output_pad_w = 2;
  p.group = 2;
  p.bias = true;
  Node n = makeNode(OpKind::Deconvolution, p, {c["weight"], c["bias"]});
  auto out = runRef(n, {c["input"]});
  ASSERT_EQ(out.size(), 1u);
  expectClose(out[0], c["expected"]);
}

TEST(RefTorch, LRNAcrossChannels) {
  auto c = loadCase("lrn_across5");
  LRNParams p;
  p.local_size = 5;
  p.alpha = 0.3f;
  p.beta = 0.75f;
  p.bias = 2.f;
  Node n = makeNode(OpKind::LRN, p);
  auto out = runRef(n, {c["input"]});
  ASSERT_EQ(out.size(), 1u);
  expectClose(out[0], c["expected"]);
}

TEST(RefTorch, LayerNormOverLastTwoAxes) {
  auto c = loadCase("layernorm_last2");
  LayerNormParams p;
  p.axis = -2;
  p.affine = true;
  Node n = makeNode(OpKind::LayerNorm, p, {c["gamma"], c["beta"]});
  auto out = runRef(n, {c["input"]});
  ASSERT_EQ(out.size(), 1u);
  expectClose(out[0], c["expected"], 2e-5f);
}

}  // namespace
}  // namespace eqw
