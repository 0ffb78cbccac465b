// Pooling and Interp: window / resampling parameters with ncnn's padding and rounding rules.
#include "io/ncnn/layer_map.h"
#include "io/ncnn/param_reader.h"

namespace eqw::ncnn {

// Pooling 0=type (0 max, 1 avg) 1/11 kernel 2/12 stride 3 left 14 right 13 top 15 bottom
// 4=global 5=pad_mode 6=avgpool_count_include_pad 7=adaptive 8/18 adaptive output size.
// pad_mode: 0 "full" = explicit pads + ceil rounding (Caffe), 1 "valid" = explicit pads +
// floor rounding, 2 SAME_UPPER, 3 SAME_LOWER.
Status mapPooling(const LayerDecl& d, MappedLayer* out) {
  ParamReader r(d.params);
  PoolParams p;
  int type = r.i(0, 0);
  p.kernel_w = r.i(1, 0);
  p.kernel_h = r.i(11, p.kernel_w);
  p.stride_w = r.i(2, 1);
  p.stride_h = r.i(12, p.stride_w);
  int left = r.i(3, 0);
  int right = r.i(14, left), top = r.i(13, left);
  int bottom = r.i(15, top);
  bool global = r.i(4, 0) != 0;
  int padMode = r.i(5, 0);
  p.count_include_pad = r.i(6, 0) != 0;
  bool adaptive = r.i(7, 0) != 0;
  int outW = r.i(8, 0);
  int outH = r.i(18, outW);
  r.require(type == 0 || type == 1, kv("pooling_type", 0, type) + " must be 0 (max) or 1 (avg)");
  r.require(padMode >= 0 && padMode <= 3, kv("pad_mode", 5, padMode) + " must be 0..3");
  EQW_RETURN_IF_ERROR(r.status());
  p.type = type == 0 ? PoolType::Max : PoolType::Avg;
  if (adaptive) {
    if (outW != 1 || outH != 1)
      return unsupported("adaptive pooling 7=1 to " + std::to_string(outW) + "x" + std::to_string(outH) + " is not supported (1x1 is)");
    p.global = true;
    p.keep_dims = true;  // ncnn's adaptive pooling keeps the 3-D blob
  } else if (global) {
    p.global = true;
    p.keep_dims = false;  // ncnn's global pooling gives a 1-D blob [C]
  } else {
    r.require(p.kernel_w > 0 && p.kernel_w <= 4096 && p.kernel_h > 0 && p.kernel_h <= 4096,
              "kernel 1=" + std::to_string(p.kernel_w) + " 11=" + std::to_string(p.kernel_h) + " must be positive");
    r.require(p.stride_w > 0 && p.stride_w <= 4096 && p.stride_h > 0 && p.stride_h <= 4096,
              "stride 2=" + std::to_string(p.stride_w) + " 12=" + std::to_string(p.stride_h) + " must be positive");
    r.require(left >= 0 && right >= 0 && top >= 0 && bottom >= 0, "pads 3= 13= 14= 15= must be >= 0");
    EQW_RETURN_IF_ERROR(r.status());
    p.pads = Pads2d{top, left, bottom, right};
    if (padMode == 0) p.ceil_mode = true;
    if (padMode == 2) p.pad_mode = PadMode::SameUpper;
    if (padMode == 3) p.pad_mode = PadMode::SameLower;
  }
  out->node.kind = OpKind::Pooling;
  out->node.params = p;
  return Status::ok();
}

// Interp 0=resize_type (1 nearest, 2 bilinear, 3 bicubic) 1=height_scale 2=width_scale
// 3=output_height 4=output_width 5=dynamic_target_size 6=align_corner.
// ncnn's nearest picks floor(dst * in / out); its bilinear / bicubic use half-pixel centres
// (or align_corners).
Status mapInterp(const LayerDecl& d, MappedLayer* out) {
  ParamReader r(d.params);
  int type = r.i(0, 0);
  InterpParams p;
  p.scale_h = r.f(1, 1.f);
  p.scale_w = r.f(2, 1.f);
  p.out_h = r.i(3, 0);
  p.out_w = r.i(4, 0);
  bool dynamic = r.i(5, 0) != 0;
  bool alignCorner = r.i(6, 0) != 0;
  r.require(type >= 1 && type <= 3, kv("resize_type", 0, type) + " must be 1 (nearest), 2 (bilinear) or 3 (bicubic)");
  r.require(p.out_h >= 0 && p.out_w >= 0, "output size 3= 4= must be >= 0");
  r.require((p.out_h > 0 || p.scale_h > 0.f) && (p.out_w > 0 || p.scale_w > 0.f), "scales 1= 2= must be positive when no output size is given");
  r.unsupportedIf(dynamic, "dynamic_target_size 5=1 (size from a second input) is not supported");
  EQW_RETURN_IF_ERROR(r.status());
  if (type == 1) {
    p.mode = InterpMode::Nearest;
    p.coord = CoordMode::Asymmetric;
    p.nearest = NearestRound::Floor;
  } else {
    p.mode = type == 2 ? InterpMode::Bilinear : InterpMode::Bicubic;
    p.coord = alignCorner ? CoordMode::AlignCorners : CoordMode::HalfPixel;
  }
  out->node.kind = OpKind::Interp;
  out->node.params = p;
  return Status::ok();
}

}  // namespace eqw::ncnn
