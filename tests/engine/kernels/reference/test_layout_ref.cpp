// Data movement ops and views: Concat, Split, Slice, Crop, Softmax, Flatten, Reshape, Identity,
// Permute, Padding, ShuffleChannel.
#include <cmath>
#include <numeric>

#include "ref_test_util.h"

namespace eqw {
namespace {

using testing::expectClose;
using testing::makeNode;
using testing::randomTensor;
using testing::runRef;
using testing::values;

Tensor iota(Shape shape) {
  Tensor t(std::move(shape));
  std::iota(t.f32(), t.f32() + t.numel(), 0.f);
  return t;
}

TEST(RefLayout, ConcatOnInnerAxisAndSliceBack) {
  Tensor a = iota({1, 2, 2});
  Tensor b = Tensor::fromVector({1, 2, 1}, {10, 11});
  Node cat = makeNode(OpKind::Concat, ConcatParams{-1});
  auto c = runRef(cat, {a, b});
  ASSERT_EQ(c.size(), 1u);
  expectClose(c[0], {1, 2, 3}, {0, 1, 10, 2, 3, 11});

  SliceParams sp;
  sp.axis = 2;
  sp.sizes = {-1, 1};
  Node slice = makeNode(OpKind::Slice, sp, {}, 2);
  auto s = runRef(slice, {c[0]});
  ASSERT_EQ(s.size(), 2u);
  expectClose(s[0], {1, 2, 2}, values(a));
  expectClose(s[1], {1, 2, 1}, values(b));

  SliceParams even;
  even.axis = 1;
  Node split3 = makeNode(OpKind::Slice, even, {}, 3);
  auto e = runRef(split3, {iota({1, 3, 2})});
  ASSERT_EQ(e.size(), 3u);
  expectClose(e[2], {1, 1, 2}, {4, 5});
}

TEST(RefLayout, ViewsShareStorage) {
  Tensor x = iota({1, 2, 3, 4});
  Node split = makeNode(OpKind::Split, SplitParams{}, {}, 2);
  auto s = runRef(split, {x});
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].f32(), x.f32());
  EXPECT_EQ(s[1].f32(), x.f32());

  Node flat = makeNode(OpKind::Flatten, FlattenParams{2});
  auto f = runRef(flat, {x});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].f32(), x.f32());
  EXPECT_EQ(toString(f[0].shape()), "[2, 12]");

  Node reshape = makeNode(OpKind::Reshape, ReshapeParams{{0, -1, 2}});
  auto r = runRef(reshape, {x});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(toString(r[0].shape()), "[1, 12, 2]");
  EXPECT_EQ(r[0].f32(), x.f32());

  Node id = makeNode(OpKind::Identity, IdentityParams{});
  auto i = runRef(id, {x});
  ASSERT_EQ(i.size(), 1u);
  EXPECT_EQ(i[0].f32(), x.f32());
}

TEST(RefLayout, CropWithNegativeStepAndClamping) {
  Tensor x = iota({1, 3, 5});
  CropParams p;
  p.starts = {-1, 1};
  p.ends = {INT64_MIN, 1000};
  p.axes = {2, 1};
  p.steps = {-2, 1};
  Node n = makeNode(OpKind::Crop, p);
  auto out = runRef(n, {x});
  ASSERT_EQ(out.size(), 1u);
  // rows 1..2, columns 4, 2, 0
  expectClose(out[0], {1, 2, 3}, {9, 7, 5, 14, 12, 10});
}

TEST(RefLayout, SoftmaxOnMiddleAxisIsStable) {
  Tensor x = Tensor::fromVector({1, 3, 2}, {1000, 0, 1001, 1, 1002, 2});
  Node n = makeNode(OpKind::Softmax, SoftmaxParams{1});
  auto out = runRef(n, {x});
  ASSERT_EQ(out.size(), 1u);
  const double e0 = std::exp(-2.0), e1 = std::exp(-1.0), z = e0 + e1 + 1;
  expectClose(out[0], {1, 3, 2},
              {float(e0 / z), float(e0 / z), float(e1 / z), float(e1 / z), float(1 / z), float(1 / z)});
}

TEST(RefLayout, PermuteNCHWtoNHWC) {
  Tensor x = iota({1, 2, 2, 3});
  Node n = makeNode(OpKind::Permute, PermuteParams{{0, 2, 3, 1}});
  auto out = runRef(n, {x});
  ASSERT_EQ(out.size(), 1u);
  std::vector<float> want;
  for (int h = 0; h < 2; ++h)
    for (int w = 0; w < 3; ++w)
      for (int c = 0; c < 2; ++c) want.push_back(static_cast<float>((c * 2 + h) * 3 + w));
  expectClose(out[0], {1, 2, 3, 2}, want);
}

TEST(RefLayout, PaddingModes) {
  Tensor x = Tensor::fromVector({1, 1, 3}, {1, 2, 3});
  auto pad = [&](PadKind mode) {
    PaddingParams p;
    p.pads = {0, 0, 2, 0, 0, 3};
    p.mode = mode;
    p.value = -1.f;
    Node n = makeNode(OpKind::Padding, p);
    auto out = runRef(n, {x});
    return out.empty() ? std::vector<float>{} : values(out[0]);
  };
  EXPECT_EQ(pad(PadKind::Constant), (std::vector<float>{-1, -1, 1, 2, 3, -1, -1, -1}));
  EXPECT_EQ(pad(PadKind::Edge), (std::vector<float>{1, 1, 1, 2, 3, 3, 3, 3}));
  // numpy.pad(..., 'reflect'): [3 2 | 1 2 3 | 2 1 2]
  EXPECT_EQ(pad(PadKind::Reflect), (std::vector<float>{3, 2, 1, 2, 3, 2, 1, 2}));
}

TEST(RefLayout, ShuffleChannelAndReverse) {
  Tensor x = iota({1, 6, 1, 1});
  ShuffleChannelParams p;
  p.group = 2;
  Node n = makeNode(OpKind::ShuffleChannel, p);
  auto out = runRef(n, {x});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(values(out[0]), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  p.reverse = true;
  Node r = makeNode(OpKind::ShuffleChannel, p);
  auto back = runRef(r, {out[0]});
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(values(back[0]), values(x));
}

}  // namespace
}  // namespace eqw
