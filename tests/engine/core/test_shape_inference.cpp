// Shape inference: one rule per op kind, resolved params (pads, b_view), and errors that name
// the node and the bad value instead of crashing on hostile sizes.
#include <eqw/graph.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace eqw {
namespace {

Node node(OpKind kind, OpParams params, int outputs = 1) {
  Node n;
  n.name = "layer";
  n.kind = kind;
  n.params = std::move(params);
  for (int i = 0; i < outputs; ++i) n.outputs.push_back(i);
  return n;
}

// The inferred shapes as text, or "error: <message>".
std::string infer(Node& n, std::vector<Shape> in) {
  std::vector<Shape> out(n.outputs.size());
  Status s = inferNodeShapes(n, in, out);
  if (!s.isOk()) return "error: " + s.message();
  std::string r;
  for (const auto& o : out) r += (r.empty() ? "" : " ") + toString(o);
  return r;
}

#define EXPECT_ERROR_WITH(result, text)                                 \
  do {                                                                  \
    const std::string r_ = (result);                                    \
    EXPECT_EQ(r_.rfind("error: ", 0), 0u) << r_;                        \
    EXPECT_NE(r_.find(text), std::string::npos) << r_;                  \
  } while (0)

ConvParams conv(int o, int k, int s, int p) {
  ConvParams c;
  c.num_output = o;
  c.kernel_h = c.kernel_w = k;
  c.stride_h = c.stride_w = s;
  c.pads = {p, p, p, p};
  return c;
}

TEST(ShapeInference, ConvolutionGeometry) {
  Node a = node(OpKind::Convolution, conv(64, 7, 2, 3));
  EXPECT_EQ(infer(a, {{1, 3, 224, 224}}), "[1, 64, 112, 112]");
  ConvParams d = conv(8, 3, 1, 2);
  d.dilation_h = d.dilation_w = 2;
  d.group = 4;
  Node b = node(OpKind::Convolution, d);
  EXPECT_EQ(infer(b, {{1, 8, 10, 9}}), "[1, 8, 10, 9]");
  ConvParams asym = conv(4, 3, 2, 0);
  asym.pads = {0, 1, 2, 0};
  Node c = node(OpKind::Convolution, asym);
  EXPECT_EQ(infer(c, {{1, 1, 7, 7}}), "[1, 4, 4, 3]");  // (7+2-3)/2+1, (7+1-3)/2+1
}

TEST(ShapeInference, SamePaddingIsResolved) {
  ConvParams p = conv(4, 3, 2, 0);
  p.pad_mode = PadMode::SameUpper;
  Node upper = node(OpKind::Convolution, p);
  EXPECT_EQ(infer(upper, {{1, 3, 8, 7}}), "[1, 4, 4, 4]");
  // height: out 4, total = 3*2 + 3 - 8 = 1 -> (0, 1); width: total = 3*2 + 3 - 7 = 2 -> (1, 1)
  EXPECT_EQ(upper.p<ConvParams>().pads, (Pads2d{0, 1, 1, 1}));
  p.pad_mode = PadMode::SameLower;
  Node lower = node(OpKind::Convolution, p);
  EXPECT_EQ(infer(lower, {{1, 3, 8, 7}}), "[1, 4, 4, 4]");
  EXPECT_EQ(lower.p<ConvParams>().pads, (Pads2d{1, 1, 0, 1}));
  p.pad_mode = PadMode::Valid;
  p.pads = {5, 5, 5, 5};
  Node valid = node(OpKind::Convolution, p);
  EXPECT_EQ(infer(valid, {{1, 3, 8, 7}}), "[1, 4, 3, 3]");
  EXPECT_EQ(valid.p<ConvParams>().pads, (Pads2d{}));
}

TEST(ShapeInference, ConvolutionErrorsNameNodeAndValue) {
  Node n = node(OpKind::Convolution, conv(16, 3, 1, 1));
  n.name = "conv3";
  n.weights.push_back(Tensor({16, 32, 3, 3}));
  const std::string r = infer(n, {{1, 64, 8, 8}});
  EXPECT_ERROR_WITH(r, "node 'conv3' (Convolution): input has 64 channels but weights expect 32");
  ConvParams bad = conv(16, 0, 1, 0);
  Node k = node(OpKind::Convolution, bad);
  EXPECT_ERROR_WITH(infer(k, {{1, 3, 8, 8}}), "kernel_h=0");
  ConvParams g = conv(16, 3, 1, 1);
  g.group = 3;
  Node gn = node(OpKind::Convolution, g);
  EXPECT_ERROR_WITH(infer(gn, {{1, 6, 8, 8}}), "group=3");
  Node small = node(OpKind::Convolution, conv(4, 5, 1, 0));
  EXPECT_ERROR_WITH(infer(small, {{1, 1, 3, 3}}), "smaller than the dilated kernel");
  Node rank = node(OpKind::Convolution, conv(4, 1, 1, 0));
  EXPECT_ERROR_WITH(infer(rank, {{1, 3, 8}}), "rank 3");
  ConvParams withBias = conv(4, 1, 1, 0);
  withBias.bias = true;
  Node nb = node(OpKind::Convolution, withBias);
  nb.weights.push_back(Tensor({4, 3, 1, 1}));
  nb.weights.push_back(Tensor({5}));
  EXPECT_ERROR_WITH(infer(nb, {{1, 3, 8, 8}}), "bias has 5 elements");
}

TEST(ShapeInference, Deconvolution) {
  ConvParams p = conv(8, 4, 2, 1);
  Node n = node(OpKind::Deconvolution, p);
  EXPECT_EQ(infer(n, {{1, 3, 5, 6}}), "[1, 8, 10, 12]");  // (5-1)*2 + 4 - 2
  p.output_pad_h = 1;
  p.pad_mode = PadMode::SameUpper;
  p.kernel_h = p.kernel_w = 3;
  Node s = node(OpKind::Deconvolution, p);
  EXPECT_EQ(infer(s, {{1, 3, 5, 6}}), "[1, 8, 10, 12]");  // in * stride; output_pad goes into the cut
  EXPECT_EQ(s.p<ConvParams>().pads, (Pads2d{1, 0, 1, 1}));  // total 2 (h), 1 (w): odd one at the end
  Node w = node(OpKind::Deconvolution, conv(8, 3, 1, 0));
  w.weights.push_back(Tensor({4, 8, 3, 3}));
  EXPECT_ERROR_WITH(infer(w, {{1, 3, 5, 5}}), "input has 3 channels but weights expect 4");
}

TEST(ShapeInference, PoolingCeilModeDropsWindowInPadding) {
  PoolParams p;
  p.kernel_h = p.kernel_w = 3;
  p.stride_h = p.stride_w = 2;
  Node floorMode = node(OpKind::Pooling, p);
  EXPECT_EQ(infer(floorMode, {{1, 2, 6, 6}}), "[1, 2, 2, 2]");
  p.ceil_mode = true;
  Node ceilMode = node(OpKind::Pooling, p);
  EXPECT_EQ(infer(ceilMode, {{1, 2, 6, 6}}), "[1, 2, 3, 3]");
  // k=2, s=2, pad 1 on 5: ceil((5+2-2)/2)+1 = 4, but window 3 starts at 6 - 1 = 5: dropped.
  PoolParams q;
  q.kernel_h = q.kernel_w = 2;
  q.stride_h = q.stride_w = 2;
  q.pads = {1, 1, 1, 1};
  q.ceil_mode = true;
  Node drop = node(OpKind::Pooling, q);
  EXPECT_EQ(infer(drop, {{1, 1, 5, 5}}), "[1, 1, 3, 3]");
  // Caffe ResNet's pool1 (3x3/2, no pad, ceil): 112 -> 56; PyTorch's pad 1 + ceil gives 57.
  PoolParams r;
  r.kernel_h = r.kernel_w = 3;
  r.stride_h = r.stride_w = 2;
  r.ceil_mode = true;
  Node resnet = node(OpKind::Pooling, r);
  EXPECT_EQ(infer(resnet, {{1, 64, 112, 112}}), "[1, 64, 56, 56]");
  r.pads = {1, 1, 1, 1};
  Node torchPool = node(OpKind::Pooling, r);
  EXPECT_EQ(infer(torchPool, {{1, 64, 112, 112}}), "[1, 64, 57, 57]");
  PoolParams g;
  g.global = true;
  Node keep = node(OpKind::Pooling, g);
  EXPECT_EQ(infer(keep, {{1, 5, 7, 7}}), "[1, 5, 1, 1]");
  g.keep_dims = false;
  Node flat = node(OpKind::Pooling, g);
  EXPECT_EQ(infer(flat, {{1, 5, 7, 7}}), "[1, 5]");
  PoolParams same;
  same.kernel_h = same.kernel_w = 3;
  same.stride_h = same.stride_w = 2;
  same.pad_mode = PadMode::SameUpper;
  Node sn = node(OpKind::Pooling, same);
  EXPECT_EQ(infer(sn, {{1, 1, 7, 8}}), "[1, 1, 4, 4]");
  EXPECT_EQ(sn.p<PoolParams>().pads, (Pads2d{1, 0, 1, 1}));
}

TEST(ShapeInference, InnerProductAndMatMul) {
  InnerProductParams ip;
  ip.num_output = 10;
  Node fc = node(OpKind::InnerProduct, ip);
  EXPECT_EQ(infer(fc, {{1, 64, 2, 2}}), "[1, 10]");
  fc.weights.push_back(Tensor({10, 128}));
  EXPECT_ERROR_WITH(infer(fc, {{1, 64, 2, 2}}), "input has 256 features but weights expect 128");

  Node mm = node(OpKind::MatMul, MatMulParams{});
  EXPECT_EQ(infer(mm, {{2, 1, 3, 4}, {5, 4, 6}}), "[2, 5, 3, 6]");
  EXPECT_EQ(infer(mm, {{4}, {4, 6}}), "[6]");
  EXPECT_EQ(infer(mm, {{3, 4}, {4}}), "[3]");
  EXPECT_ERROR_WITH(infer(mm, {{3, 4}, {5, 6}}), "K=4");
  Node constB = node(OpKind::MatMul, MatMulParams{});
  constB.weights.push_back(Tensor({4, 7}));
  EXPECT_EQ(infer(constB, {{1, 9, 4}}), "[1, 9, 7]");
}

TEST(ShapeInference, BinaryNcnnBroadcastSetsBView) {
  BinaryParams p;
  p.ncnn_broadcast = true;
  Node perChannel = node(OpKind::Binary, p);
  EXPECT_EQ(infer(perChannel, {{1, 8, 4, 5}, {1, 8}}), "[1, 8, 4, 5]");
  EXPECT_EQ(perChannel.p<BinaryParams>().b_view, (Shape{1, 8, 1, 1}));
  Node perRow = node(OpKind::Binary, p);
  EXPECT_EQ(infer(perRow, {{1, 8, 4, 5}, {1, 5}}), "[1, 8, 4, 5]");  // 1-D not matching C: innermost
  EXPECT_EQ(perRow.p<BinaryParams>().b_view, (Shape{1, 1, 1, 5}));
  Node twoD = node(OpKind::Binary, p);
  EXPECT_EQ(infer(twoD, {{1, 8, 4, 5}, {1, 8, 4}}), "[1, 8, 4, 5]");  // ncnn 2-D [h=8, w=4]: outer axes
  EXPECT_EQ(twoD.p<BinaryParams>().b_view, (Shape{1, 8, 4, 1}));
  Node same = node(OpKind::Binary, p);
  EXPECT_EQ(infer(same, {{1, 8, 4, 5}, {1, 8, 1, 1}}), "[1, 8, 4, 5]");
  Node lowA = node(OpKind::Binary, p);
  EXPECT_EQ(infer(lowA, {{1, 8}, {1, 8, 4, 5}}), "[1, 8, 4, 5]");

  BinaryParams numpy;
  Node np = node(OpKind::Binary, numpy);
  EXPECT_EQ(infer(np, {{1, 8, 4, 5}, {4, 1}}), "[1, 8, 4, 5]");
  EXPECT_TRUE(np.p<BinaryParams>().b_view.empty());
  EXPECT_ERROR_WITH(infer(np, {{1, 8, 4, 5}, {1, 8}}), "do not broadcast");
  BinaryParams scalar;
  scalar.with_scalar = true;
  Node sc = node(OpKind::Binary, scalar);
  EXPECT_EQ(infer(sc, {{1, 3, 2}}), "[1, 3, 2]");
  Node constant = node(OpKind::Binary, numpy);
  constant.weights.push_back(Tensor({3, 1, 1}));
  EXPECT_EQ(infer(constant, {{1, 3, 2, 2}}), "[1, 3, 2, 2]");
}

TEST(ShapeInference, ElementwiseAndPerChannel) {
  Node act = node(OpKind::Activation, ActivationParams{});
  EXPECT_EQ(infer(act, {{1, 3, 2}}), "[1, 3, 2]");
  Node prelu = node(OpKind::PReLU, PReLUParams{});
  prelu.weights.push_back(Tensor({4}));
  EXPECT_ERROR_WITH(infer(prelu, {{1, 3, 2, 2}}), "slope has 4 elements but the input has 3 channels");
  Node bn = node(OpKind::BatchNorm, BatchNormParams{});
  for (int i = 0; i < 4; ++i) bn.weights.push_back(Tensor({3}));
  EXPECT_EQ(infer(bn, {{1, 3, 2, 2}}), "[1, 3, 2, 2]");
  Node elt = node(OpKind::Eltwise, EltwiseParams{});
  EXPECT_EQ(infer(elt, {{1, 3, 2, 2}, {1, 3, 2, 2}, {1, 3, 2, 2}}), "[1, 3, 2, 2]");
  EXPECT_ERROR_WITH(infer(elt, {{1, 3, 2, 2}, {1, 3, 2, 1}}), "input 1 [1, 3, 2, 1] differs");
  EltwiseParams coeffs;
  coeffs.coeffs = {1, 2, 3};
  Node ec = node(OpKind::Eltwise, coeffs);
  EXPECT_ERROR_WITH(infer(ec, {{1, 3}, {1, 3}}), "3 coefficients for 2 inputs");
  Node un = node(OpKind::Unary, UnaryParams{});
  EXPECT_EQ(infer(un, {{2, 3}}), "[2, 3]");
}

TEST(ShapeInference, ConcatSplitSlice) {
  Node cat = node(OpKind::Concat, ConcatParams{-3});
  EXPECT_EQ(infer(cat, {{1, 3, 4, 4}, {1, 5, 4, 4}}), "[1, 8, 4, 4]");
  EXPECT_ERROR_WITH(infer(cat, {{1, 3, 4, 4}, {1, 5, 4, 3}}), "does not fit");
  Node badAxis = node(OpKind::Concat, ConcatParams{4});
  EXPECT_ERROR_WITH(infer(badAxis, {{1, 3, 4, 4}}), "axis 4 out of range");
  Node split = node(OpKind::Split, SplitParams{}, 3);
  EXPECT_EQ(infer(split, {{1, 2}}), "[1, 2] [1, 2] [1, 2]");
  SliceParams rest;
  rest.sizes = {2, -1, 3};
  Node s = node(OpKind::Slice, rest, 3);
  EXPECT_EQ(infer(s, {{1, 10, 4}}), "[1, 2, 4] [1, 5, 4] [1, 3, 4]");
  SliceParams even;
  even.axis = -1;
  Node e = node(OpKind::Slice, even, 2);
  EXPECT_EQ(infer(e, {{1, 3, 8}}), "[1, 3, 4] [1, 3, 4]");
  EXPECT_ERROR_WITH(infer(e, {{1, 3, 7}}), "does not split evenly");
  SliceParams over;
  over.sizes = {6, 6};
  Node o = node(OpKind::Slice, over, 2);
  EXPECT_ERROR_WITH(infer(o, {{1, 10}}), "add up to 12");
}

TEST(ShapeInference, CropFollowsOnnxSlice) {
  CropParams p;
  p.starts = {1, -3};
  p.ends = {std::numeric_limits<int64_t>::max(), -1};
  p.axes = {1, 3};
  Node n = node(OpKind::Crop, p);
  EXPECT_EQ(infer(n, {{1, 4, 5, 10}}), "[1, 3, 5, 2]");
  CropParams back;
  back.starts = {-1};
  back.ends = {std::numeric_limits<int64_t>::min()};
  back.axes = {2};
  back.steps = {-3};
  Node b = node(OpKind::Crop, back);
  EXPECT_EQ(infer(b, {{1, 2, 10}}), "[1, 2, 4]");  // 9, 6, 3, 0
  CropParams empty;
  empty.starts = {3};
  empty.ends = {3};
  empty.axes = {1};
  Node e = node(OpKind::Crop, empty);
  EXPECT_ERROR_WITH(infer(e, {{1, 5}}), "cropped to nothing");
  CropParams zero = back;
  zero.steps = {0};
  Node z = node(OpKind::Crop, zero);
  EXPECT_ERROR_WITH(infer(z, {{1, 2, 10}}), "step 0");
}

TEST(ShapeInference, FlattenReshapePermute) {
  Node f = node(OpKind::Flatten, FlattenParams{2});
  EXPECT_EQ(infer(f, {{1, 3, 4, 5}}), "[3, 20]");
  Node f0 = node(OpKind::Flatten, FlattenParams{0});
  EXPECT_EQ(infer(f0, {{1, 3, 4}}), "[1, 12]");
  Node fn = node(OpKind::Flatten, FlattenParams{-1});
  EXPECT_EQ(infer(fn, {{1, 3, 4}}), "[3, 4]");
  Node r = node(OpKind::Reshape, ReshapeParams{{0, -1, 4}});
  EXPECT_EQ(infer(r, {{1, 3, 8}}), "[1, 6, 4]");
  Node two = node(OpKind::Reshape, ReshapeParams{{-1, -1}});
  EXPECT_ERROR_WITH(infer(two, {{1, 3, 8}}), "more than one -1");
  Node bad = node(OpKind::Reshape, ReshapeParams{{5, -1}});
  EXPECT_ERROR_WITH(infer(bad, {{1, 3, 8}}), "cannot reshape");
  Node perm = node(OpKind::Permute, PermuteParams{{0, 2, 3, 1}});
  EXPECT_EQ(infer(perm, {{1, 3, 4, 5}}), "[1, 4, 5, 3]");
  Node dup = node(OpKind::Permute, PermuteParams{{0, 1, 1, 2}});
  EXPECT_ERROR_WITH(infer(dup, {{1, 3, 4, 5}}), "repeated");
}

TEST(ShapeInference, PaddingShuffleInterpSoftmax) {
  PaddingParams pad;
  pad.pads = {0, 0, 1, 2, 0, 0, 3, -1};
  Node p = node(OpKind::Padding, pad);
  EXPECT_EQ(infer(p, {{1, 3, 4, 5}}), "[1, 3, 8, 6]");
  EXPECT_ERROR_WITH(infer(p, {{1, 3, 4}}), "8 pads for rank 3");
  ShuffleChannelParams sh;
  sh.group = 4;
  Node s = node(OpKind::ShuffleChannel, sh);
  EXPECT_ERROR_WITH(infer(s, {{1, 6, 2, 2}}), "not divisible by group=4");
  InterpParams ip;
  ip.scale_h = 2.f;
  ip.scale_w = 0.5f;
  Node i = node(OpKind::Interp, ip);
  EXPECT_EQ(infer(i, {{1, 3, 5, 5}}), "[1, 3, 10, 2]");
  ip.out_h = 7;
  Node fixed = node(OpKind::Interp, ip);
  EXPECT_EQ(infer(fixed, {{1, 3, 5, 5}}), "[1, 3, 7, 2]");
  Node ref = node(OpKind::Interp, InterpParams{});
  EXPECT_EQ(infer(ref, {{1, 3, 5, 5}, {1, 8, 9, 11}}), "[1, 3, 9, 11]");
  ip.out_h = 0;
  ip.scale_h = std::numeric_limits<float>::quiet_NaN();
  Node nan = node(OpKind::Interp, ip);
  EXPECT_ERROR_WITH(infer(nan, {{1, 3, 5, 5}}), "scale_h");
  Node sm = node(OpKind::Softmax, SoftmaxParams{-1});
  EXPECT_EQ(infer(sm, {{1, 10}}), "[1, 10]");
  Node smBad = node(OpKind::Softmax, SoftmaxParams{2});
  EXPECT_ERROR_WITH(infer(smBad, {{1, 10}}), "axis 2 out of range");
}

TEST(ShapeInference, SsdOps) {
  PriorBoxParams pb;
  pb.min_sizes = {30};
  pb.max_sizes = {60};
  pb.aspect_ratios = {2, 3};
  Node p = node(OpKind::PriorBox, pb);
  // per position: 1 * (2 ratios * 2 (flip) + 1) + 1 max = 6 priors
  EXPECT_EQ(infer(p, {{1, 512, 19, 19}, {1, 3, 300, 300}}), "[1, 2, 8664]");
  EXPECT_ERROR_WITH(infer(p, {{1, 512, 19, 19}}), "no image size");
  pb.flip = false;
  pb.image_w = pb.image_h = 300;
  Node noFlip = node(OpKind::PriorBox, pb);
  EXPECT_EQ(infer(noFlip, {{1, 512, 2, 3}}), "[1, 2, 96]");  // 6 positions * 4 priors * 4

  DetectionOutputParams d;
  d.num_class = 21;
  d.keep_top_k = 100;
  Node det = node(OpKind::DetectionOutput, d);
  EXPECT_EQ(infer(det, {{1, 400}, {1, 2100}, {1, 2, 400}}), "[1, 100, 6]");
  EXPECT_ERROR_WITH(infer(det, {{1, 400}, {1, 2000}, {1, 2, 400}}), "conf [1, 2000]");
  d.keep_top_k = -1;
  Node all = node(OpKind::DetectionOutput, d);
  EXPECT_EQ(infer(all, {{1, 400}, {1, 2100}, {1, 2, 400}}), "[1, 2000, 6]");

  NormalizeParams np;
  Node nn = node(OpKind::Normalize, np);
  nn.weights.push_back(Tensor({3}));
  EXPECT_EQ(infer(nn, {{1, 3, 5, 5}}), "[1, 3, 5, 5]");
}

TEST(ShapeInference, ReduceLayerNormLRN) {
  Node r = node(OpKind::Reduce, ReduceParams{ReduceOp::Mean, {2, 3}, false});
  EXPECT_EQ(infer(r, {{1, 8, 4, 4}}), "[1, 8]");
  Node k = node(OpKind::Reduce, ReduceParams{ReduceOp::Sum, {-1}, true});
  EXPECT_EQ(infer(k, {{1, 8, 4, 4}}), "[1, 8, 4, 1]");
  Node all = node(OpKind::Reduce, ReduceParams{ReduceOp::Max, {}, false});
  EXPECT_EQ(infer(all, {{1, 8}}), "[]");
  Node twice = node(OpKind::Reduce, ReduceParams{ReduceOp::Max, {1, -1}, false});
  EXPECT_ERROR_WITH(infer(twice, {{1, 8}}), "listed twice");
  LayerNormParams ln;
  ln.affine = true;
  ln.axis = -2;
  Node l = node(OpKind::LayerNorm, ln);
  l.weights.push_back(Tensor({4, 5}));
  EXPECT_EQ(infer(l, {{1, 3, 4, 5}}), "[1, 3, 4, 5]");
  l.weights[0] = Tensor({5});
  EXPECT_ERROR_WITH(infer(l, {{1, 3, 4, 5}}), "gamma has 5 elements");
  LRNParams lrn;
  lrn.region = LRNRegion::WithinChannel;
  Node w = node(OpKind::LRN, lrn);
  EXPECT_ERROR_WITH(infer(w, {{1, 3, 4}}), "rank 3");
}

TEST(ShapeInference, InputHostileSizesAndWrongParams) {
  Node in = node(OpKind::Input, InputParams{});
  std::vector<Shape> out = {{1, 3, 224, 224}};
  EXPECT_TRUE(inferNodeShapes(in, {}, out).isOk());
  EXPECT_EQ(toString(out[0]), "[1, 3, 224, 224]");
  out = {{1, 0, 224, 224}};
  EXPECT_FALSE(inferNodeShapes(in, {}, out).isOk());
  out = {{1, 1 << 30, 1 << 30, 1 << 30}};
  Status huge = inferNodeShapes(in, {}, out);
  EXPECT_FALSE(huge.isOk());
  EXPECT_NE(huge.message().find("too large"), std::string::npos) << huge.message();

  Node big = node(OpKind::Convolution, conv(std::numeric_limits<int>::max(), 1, 1, 0));
  EXPECT_ERROR_WITH(infer(big, {{1, 1 << 20, 1 << 10, 1 << 10}}), "too large");
  Node neg = node(OpKind::Convolution, conv(4, 3, 1, -1));
  EXPECT_ERROR_WITH(infer(neg, {{1, 3, 8, 8}}), "negative pad");
  Node wrong = node(OpKind::Convolution, PoolParams{});
  Status s;
  std::vector<Shape> o(1);
  s = inferNodeShapes(wrong, {{1, 3, 8, 8}}, o);
  EXPECT_EQ(s.code(), StatusCode::Internal);
  Node count = node(OpKind::Convolution, conv(4, 1, 1, 0));
  EXPECT_ERROR_WITH(infer(count, {{1, 3, 8, 8}, {1, 3, 8, 8}}), "expects 1 input(s), has 2");
  Node reshape = node(OpKind::Reshape, ReshapeParams{{1 << 30, 1 << 30, 1 << 30}});
  EXPECT_ERROR_WITH(infer(reshape, {{1, 8}}), "too large");
}

TEST(ShapeInference, GraphInferShapesEndToEnd) {
  Graph g;
  const int data = g.addValue("data", {1, 3, 32, 32});
  const int c = g.addValue("c"), p = g.addValue("p"), f = g.addValue("f");
  g.inputs = {data};
  g.outputs = {f};
  Node in = node(OpKind::Input, InputParams{});
  in.outputs = {data};
  Node cv = node(OpKind::Convolution, conv(16, 3, 2, 1));
  cv.inputs = {data};
  cv.outputs = {c};
  PoolParams pp;
  pp.global = true;
  Node pool = node(OpKind::Pooling, pp);
  pool.inputs = {c};
  pool.outputs = {p};
  Node fl = node(OpKind::Flatten, FlattenParams{1});
  fl.inputs = {p};
  fl.outputs = {f};
  for (Node* n : {&in, &cv, &pool, &fl}) g.addNode(*n);
  ASSERT_TRUE(g.validate().isOk());
  Status s = g.inferShapes();
  ASSERT_TRUE(s.isOk()) << s.toString();
  EXPECT_EQ(toString(g.values[c].shape), "[1, 16, 16, 16]");
  EXPECT_EQ(toString(g.values[f].shape), "[1, 16]");
}

}  // namespace
}  // namespace eqw
