// Unit checks of the ncnn reading blocks: number and array tokens, float16 decoding, the
// rank-dependent mappings (Permute orders, Reshape copies) and ncnn's parameter defaults.
#include <gtest/gtest.h>

#include <cmath>

#include "io/ncnn/layer_map.h"
#include "io/ncnn/model_bin.h"
#include "io/ncnn/param_dict.h"
#include "io/ncnn/param_parser.h"

namespace eqw::ncnn {
namespace {

LayerDecl decl(const std::string& line) {
  Result<ParamFile> f = parseParamText("7767517\n1 1\n" + line + "\n", "u.param");
  EXPECT_TRUE(f.isOk()) << f.status().toString();
  return f ? f->layers[0] : LayerDecl{};
}

TEST(NcnnParamDict, NumbersArraysAndErrors) {
  ParamDict d;
  ASSERT_TRUE(d.parseToken("0=12").isOk());
  ASSERT_TRUE(d.parseToken("1=1.5e-1").isOk());
  ASSERT_TRUE(d.parseToken("-23302=3,1,-233,2.5").isOk());
  ASSERT_TRUE(d.parseToken("3=-233").isOk());
  int i = 0;
  float f = 0;
  ASSERT_TRUE(d.getInt(0, 7, &i).isOk());
  EXPECT_EQ(i, 12);
  ASSERT_TRUE(d.getInt(9, 7, &i).isOk());
  EXPECT_EQ(i, 7);  // absent: default
  ASSERT_TRUE(d.getFloat(1, 0, &f).isOk());
  EXPECT_FLOAT_EQ(f, 0.15f);
  ASSERT_TRUE(d.getFloat(0, 0, &f).isOk());
  EXPECT_FLOAT_EQ(f, 12.f);  // an int where a float is expected is fine
  EXPECT_FALSE(d.getInt(1, 0, &i).isOk());  // 0.15 is not an integer
  std::vector<float> a;
  ASSERT_TRUE(d.getFloatArray(2, &a).isOk());
  ASSERT_EQ(a.size(), 3u);
  EXPECT_FLOAT_EQ(a[1], -233.f);
  std::vector<int> ia;
  EXPECT_FALSE(d.getIntArray(2, &ia).isOk());  // 2.5
  ASSERT_TRUE(d.getInt(3, 0, &i).isOk());
  EXPECT_EQ(i, kUnset);

  ParamDict bad;
  EXPECT_FALSE(bad.parseToken("0=").isOk());
  EXPECT_FALSE(bad.parseToken("=3").isOk());
  EXPECT_FALSE(bad.parseToken("0=1x").isOk());
  EXPECT_FALSE(bad.parseToken("0=inf").isOk());
  EXPECT_FALSE(bad.parseToken("32=1").isOk());
  EXPECT_FALSE(bad.parseToken("-23300=2,1").isOk());
  EXPECT_FALSE(bad.parseToken("-23300=-1").isOk());
  EXPECT_FALSE(bad.parseToken("0=99999999999").isOk() && bad.getInt(0, 0, &i).isOk());
  ASSERT_TRUE(bad.parseToken("5=1").isOk());
  EXPECT_FALSE(bad.parseToken("5=2").isOk());  // given twice
}

TEST(NcnnParamParser, CrLfBlankLinesAndLineNumbers) {
  Result<ParamFile> f = parseParamText("7767517\r\n2 2\r\n\r\nInput data 0 1 data 0=4\r\nReLU r 1 1 data out 0=0.1\r\n", "x.param");
  ASSERT_TRUE(f.isOk()) << f.status().toString();
  ASSERT_EQ(f->layers.size(), 2u);
  EXPECT_EQ(f->layers[1].line, 5);
  EXPECT_EQ(f->layers[1].outputs[0], "out");
  Result<ParamFile> bad = parseParamText("7767517\n1 1\nReLU r 1 1 data out 0=0.1 junk\n", "x.param");
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.status().message().find("x.param:3: layer 'r' (ReLU): expected key=value, got 'junk'"), std::string::npos)
      << bad.status().message();
}

TEST(NcnnModelBin, HalfToFloat) {
  EXPECT_EQ(halfToFloat(0x3C00), 1.f);
  EXPECT_EQ(halfToFloat(0xC000), -2.f);
  EXPECT_EQ(halfToFloat(0x7BFF), 65504.f);
  EXPECT_EQ(halfToFloat(0x0001), std::ldexp(1.f, -24));  // smallest subnormal
  EXPECT_EQ(halfToFloat(0x3555), 0.333251953125f);
  EXPECT_TRUE(std::isinf(halfToFloat(0x7C00)));
  EXPECT_EQ(halfToFloat(0x8000), -0.f);
}

Result<Node> map(const std::string& line, std::vector<Shape> inputShapes = {}) {
  MappedLayer m;
  MapContext ctx{std::move(inputShapes)};
  Status s = mapLayer(decl(line), ctx, &m);
  if (!s.isOk()) return s;
  return m.node;
}

// ncnn's Permute order_type for a 3-D blob names the output's (w, h, c) in input terms.
TEST(NcnnLayerMap, PermuteOrders) {
  const std::vector<std::vector<int>> want = {{0, 1, 2, 3}, {0, 1, 3, 2}, {0, 2, 1, 3}, {0, 2, 3, 1}, {0, 3, 1, 2}, {0, 3, 2, 1}};
  for (int o = 0; o < 6; ++o) {
    auto n = map("Permute p 1 1 a b 0=" + std::to_string(o), {{1, 4, 5, 6}});
    ASSERT_TRUE(n.isOk()) << n.status().toString();
    EXPECT_EQ(n->p<PermuteParams>().perm, want[o]) << "order_type " << o;
  }
  auto two = map("Permute p 1 1 a b 0=1", {{1, 5, 6}});
  ASSERT_TRUE(two.isOk());
  EXPECT_EQ(two->p<PermuteParams>().perm, (std::vector<int>{0, 2, 1}));
  EXPECT_FALSE(map("Permute p 1 1 a b 0=6", {{1, 4, 5, 6}}).isOk());
}

// Reshape's 0 copies the input's dimension of the same ncnn name (w, h, c), whatever the rank.
TEST(NcnnLayerMap, ReshapeCopiesNamedDimensions) {
  auto n = map("Reshape r 1 1 a b 0=0 1=-1", {{1, 8, 3, 5}});  // 2-D target: w copies w = 5
  ASSERT_TRUE(n.isOk()) << n.status().toString();
  EXPECT_EQ(n->p<ReshapeParams>().shape, (Shape{1, -1, 5}));
  auto c = map("Reshape r 1 1 a b 0=-1 1=2 2=0", {{1, 8, 3, 5}});
  ASSERT_TRUE(c.isOk());
  EXPECT_EQ(c->p<ReshapeParams>().shape, (Shape{1, 8, 2, -1}));
  EXPECT_FALSE(map("Reshape r 1 1 a b 0=-1 1=-1", {{1, 8}}).isOk());
  EXPECT_EQ(map("Reshape r 1 1 a b 0=4 3=1", {{1, 4}}).status().code(), StatusCode::Unsupported);
}

TEST(NcnnLayerMap, DefaultsFollowNcnn) {
  auto hs = map("HardSwish h 1 1 a b");
  ASSERT_TRUE(hs.isOk());
  EXPECT_FLOAT_EQ(hs->p<ActivationParams>().act.a, 0.2f);  // ncnn's default, not PyTorch's 1/6
  EXPECT_FLOAT_EQ(hs->p<ActivationParams>().act.b, 0.5f);
  auto relu = map("ReLU r 1 1 a b 0=0.1");
  ASSERT_TRUE(relu.isOk());
  EXPECT_EQ(relu->p<ActivationParams>().act.kind, ActKind::LeakyReLU);
  auto pool = map("Pooling p 1 1 a b 0=1 1=3 2=2 3=1 5=1");
  ASSERT_TRUE(pool.isOk());
  const PoolParams& pp = pool->p<PoolParams>();
  EXPECT_EQ(pp.type, PoolType::Avg);
  EXPECT_FALSE(pp.ceil_mode);  // pad_mode 1: explicit pads, floor rounding
  EXPECT_EQ(pp.pads, (Pads2d{1, 1, 1, 1}));
  auto full = map("Pooling p 1 1 a b 1=3 2=2");
  ASSERT_TRUE(full.isOk());
  EXPECT_TRUE(full->p<PoolParams>().ceil_mode);  // pad_mode 0: Caffe's "full" rounding
  auto conv = map("Convolution c 1 1 a b 0=4 1=3 11=1 4=-233 6=24");
  ASSERT_TRUE(conv.isOk()) << conv.status().toString();
  EXPECT_EQ(conv->p<ConvParams>().pad_mode, PadMode::SameUpper);
  EXPECT_EQ(conv->p<ConvParams>().kernel_h, 1);
  auto bin = map("BinaryOp b 2 1 a c d 0=7");
  ASSERT_TRUE(bin.isOk());
  EXPECT_EQ(bin->p<BinaryParams>().op, BinaryOpKind::RSub);
  EXPECT_TRUE(bin->p<BinaryParams>().ncnn_broadcast);
  auto scale = map("Scale s 2 1 a c d 0=-233");
  ASSERT_TRUE(scale.isOk());
  EXPECT_EQ(scale->kind, OpKind::Binary);
  auto slice = map("Slice s 1 3 a x y z -23300=3,-233,-233,-233 1=1");
  ASSERT_TRUE(slice.isOk());
  EXPECT_TRUE(slice->p<SliceParams>().sizes.empty());
  EXPECT_EQ(slice->p<SliceParams>().axis, 2);
  auto concat = map("Concat c 2 1 a x y 0=-1");
  ASSERT_TRUE(concat.isOk());
  EXPECT_EQ(concat->p<ConcatParams>().axis, -1);
}

}  // namespace
}  // namespace eqw::ncnn
