// Convolution, deconvolution, inner product and matmul against computations written another
// way: convolution as explicit im2col + matrix product, deconvolution as a scatter.
#include "ref_test_util.h"

namespace eqw {
namespace {

using testing::expectClose;
using testing::makeNode;
using testing::randomTensor;
using testing::runRef;

struct ConvCase {
  int64_t c, h, w;
  ConvParams p;
};

// im2col: column (oy, ox) holds the receptive field of that output, pad_value outside.
std::vector<float> im2col(const Tensor& x, const ConvParams& p, int64_t g, int64_t cg, int64_t oh, int64_t ow) {
  const int64_t h = x.dim(2), w = x.dim(3), rows = cg * p.kernel_h * p.kernel_w;
  std::vector<float> cols(rows * oh * ow);
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t c = g * cg + r / (p.kernel_h * p.kernel_w), ky = r / p.kernel_w % p.kernel_h, kx = r % p.kernel_w;
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox) {
        const int64_t iy = oy * p.stride_h - p.pads.top + ky * p.dilation_h;
        const int64_t ix = ox * p.stride_w - p.pads.left + kx * p.dilation_w;
        const bool in = iy >= 0 && iy < h && ix >= 0 && ix < w;
        cols[(r * oh + oy) * ow + ox] = in ? x.f32()[(c * h + iy) * w + ix] : p.pad_value;
      }
  }
  return cols;
}

std::vector<float> convByGemm(const Tensor& x, const Tensor& wt, const Tensor* bias, const ConvParams& p, int64_t oh, int64_t ow) {
  const int64_t cg = x.dim(1) / p.group, og = p.num_output / p.group, k = cg * p.kernel_h * p.kernel_w;
  std::vector<float> y(p.num_output * oh * ow);
  for (int64_t g = 0; g < p.group; ++g) {
    const std::vector<float> cols = im2col(x, p, g, cg, oh, ow);
    for (int64_t o = g * og; o < (g + 1) * og; ++o)
      for (int64_t j = 0; j < oh * ow; ++j) {
        double acc = bias ? bias->f32()[o] : 0.0;
        for (int64_t r = 0; r < k; ++r) acc += double(wt.f32()[o * k + r]) * cols[r * oh * ow + j];
        y[o * oh * ow + j] = applyActivation(p.act, static_cast<float>(acc));
      }
  }
  return y;
}

void checkConv(const ConvCase& cc, uint32_t seed) {
  const ConvParams& p = cc.p;
  Tensor x = randomTensor({1, cc.c, cc.h, cc.w}, seed);
  Tensor wt = randomTensor({p.num_output, cc.c / p.group, p.kernel_h, p.kernel_w}, seed + 1);
  Tensor b = randomTensor({p.num_output}, seed + 2);
  Node n = makeNode(OpKind::Convolution, p, p.bias ? std::vector<Tensor>{wt, b} : std::vector<Tensor>{wt});
  auto out = runRef(n, {x});
  ASSERT_EQ(out.size(), 1u);
  const ConvParams& r = n.p<ConvParams>();  // pads resolved
  const int64_t oh = out[0].dim(2), ow = out[0].dim(3);
  EXPECT_EQ(oh, (cc.h + r.pads.top + r.pads.bottom - ((p.kernel_h - 1) * p.dilation_h + 1)) / p.stride_h + 1);
  expectClose(out[0], {1, p.num_output, oh, ow}, convByGemm(x, wt, p.bias ? &b : nullptr, r, oh, ow), 1e-5f);
}

ConvParams conv(int o, int kh, int kw, int s, int pad, int d, int g, bool bias) {
  ConvParams p;
  p.num_output = o;
  p.kernel_h = kh;
  p.kernel_w = kw;
  p.stride_h = p.stride_w = s;
  p.pads = {pad, pad, pad, pad};
  p.dilation_h = p.dilation_w = d;
  p.group = g;
  p.bias = bias;
  return p;
}

TEST(RefConvolution, MatchesIm2colGemm) {
  checkConv({3, 7, 6, conv(4, 3, 3, 1, 1, 1, 1, true)}, 1);
  checkConv({3, 9, 8, conv(5, 3, 3, 2, 0, 1, 1, false)}, 2);   // stride, no pad, odd sizes
  checkConv({4, 9, 9, conv(6, 3, 3, 1, 2, 2, 2, true)}, 3);    // dilation + groups
  checkConv({6, 8, 7, conv(6, 3, 3, 2, 1, 1, 6, true)}, 4);    // depthwise
  checkConv({2, 5, 5, conv(3, 1, 1, 1, 0, 1, 1, true)}, 5);    // 1x1
  ConvParams asym = conv(2, 2, 3, 1, 0, 1, 1, true);
  asym.stride_h = 2;
  asym.pads = {1, 0, 0, 2};
  checkConv({3, 6, 5, asym}, 6);
  ConvParams padValue = conv(2, 3, 3, 1, 1, 1, 1, false);
  padValue.pad_value = 0.75f;  // ncnn's pad_value: padding reads this instead of 0
  checkConv({2, 4, 4, padValue}, 7);
  ConvParams relu = conv(4, 3, 3, 1, 1, 1, 1, true);
  relu.act = {ActKind::LeakyReLU, 0.1f, 0.f};
  checkConv({3, 5, 5, relu}, 8);
  ConvParams same = conv(3, 3, 3, 2, 0, 1, 1, true);
  same.pad_mode = PadMode::SameUpper;
  checkConv({2, 6, 7, same}, 9);
}

TEST(RefConvolution, HandComputedCorner) {
  // 1 channel 3x3 input, 2x2 kernel of ones, pad 1, stride 2: each output sums a 2x2 window.
  Tensor x = Tensor::fromVector({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Tensor w = Tensor::fromVector({1, 1, 2, 2}, {1, 1, 1, 1});
  ConvParams p = conv(1, 2, 2, 2, 1, 1, 1, false);
  Node n = makeNode(OpKind::Convolution, p, {w});
  auto out = runRef(n, {x});
  ASSERT_EQ(out.size(), 1u);
  // windows: rows {-1,0}x cols {-1,0} -> 1; {-1,0}x{1,2} -> 2+3; {1,2}x{-1,0} -> 4+7; {1,2}x{1,2} -> 5+6+8+9
  expectClose(out[0], {1, 1, 2, 2}, {1, 5, 11, 28});
}

TEST(RefDeconvolution, MatchesScatter) {
  ConvParams p = conv(4, 3, 2, 2, 1, 1, 2, true);
  p.output_pad_h = 1;
  Tensor x = randomTensor({1, 4, 3, 4}, 11);
  Tensor w = randomTensor({4, 2, 3, 2}, 12);  // [in, out / group, kh, kw]
  Tensor b = randomTensor({4}, 13);
  Node n = makeNode(OpKind::Deconvolution, p, {w, b});
  auto out = runRef(n, {x});
  ASSERT_EQ(out.size(), 1u);
  const int64_t oh = (3 - 1) * 2 + 3 - 2 + 1, ow = (4 - 1) * 2 + 2 - 2;
  ASSERT_EQ(toString(out[0].shape()), toString(Shape{1, 4, oh, ow}));
  // Scatter every input pixel into the full output, then crop the pads.
  const int64_t fh = (3 - 1) * 2 + 3 + 1, fw = (4 - 1) * 2 + 2;
  std::vector<double> full(4 * fh * fw, 0.0);
  for (int64_t ic = 0; ic < 4; ++ic) {
    const int64_t g = ic / 2;
    for (int64_t oo = 0; oo < 2; ++oo)
      for (int64_t iy = 0; iy < 3; ++iy)
        for (int64_t ix = 0; ix < 4; ++ix)
          for (int64_t ky = 0; ky < 3; ++ky)
            for (int64_t kx = 0; kx < 2; ++kx)
              full[((g * 2 + oo) * fh + iy * 2 + ky) * fw + ix * 2 + kx] +=
                  double(x.f32()[(ic * 3 + iy) * 4 + ix]) * w.f32()[((ic * 2 + oo) * 3 + ky) * 2 + kx];
  }
  std::vector<float> want;
  for (int64_t o = 0; o < 4; ++o)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t xx = 0; xx < ow; ++xx) want.push_back(static_cast<float>(full[(o * fh + y + 1) * fw + xx + 1] + b.f32()[o]));
  expectClose(out[0], {1, 4, oh, ow}, want);
}

TEST(RefInnerProduct, MatrixVectorWithActivation) {
  Tensor x = Tensor::fromVector({1, 2, 1, 2}, {1, -2, 3, 0.5f});
  Tensor w = Tensor::fromVector({3, 4}, {1, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 2});
  Tensor b = Tensor::fromVector({3}, {0.5f, -10, 0});
  InnerProductParams p;
  p.num_output = 3;
  p.bias = true;
  p.act = {ActKind::ReLU, 0.f, 0.f};
  Node n = makeNode(OpKind::InnerProduct, p, {w, b});
  auto out = runRef(n, {x});
  ASSERT_EQ(out.size(), 1u);
  expectClose(out[0], {1, 3}, {1.5f, 0.f, 3.f});  // 1+.5; relu(-2+3-10); 1-2+3+1
}

TEST(RefMatMul, BatchedBroadcastAndConstantB) {
  Tensor a = randomTensor({2, 1, 3, 4}, 21);
  Tensor b = randomTensor({3, 4, 5}, 22);
  Node n = makeNode(OpKind::MatMul, MatMulParams{});
  auto out = runRef(n, {a, b});
  ASSERT_EQ(out.size(), 1u);
  std::vector<float> want;
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t r = 0; r < 3; ++r)
        for (int64_t c = 0; c < 5; ++c) {
          double acc = 0;
          for (int64_t k = 0; k < 4; ++k) acc += double(a.f32()[(i * 3 + r) * 4 + k]) * b.f32()[(j * 4 + k) * 5 + c];
          want.push_back(static_cast<float>(acc));
        }
  expectClose(out[0], {2, 3, 3, 5}, want);

  // Constant B with bias, and a 1-D A.
  Tensor w = Tensor::fromVector({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor bias = Tensor::fromVector({3}, {0.5f, 0, -1});
  MatMulParams mp;
  mp.bias = true;
  Node c = makeNode(OpKind::MatMul, mp, {w, bias});
  auto cv = runRef(c, {Tensor::fromVector({2}, {1, -1})});
  ASSERT_EQ(cv.size(), 1u);
  expectClose(cv[0], {3}, {-2.5f, -3.f, -4.f});
}

}  // namespace
}  // namespace eqw
