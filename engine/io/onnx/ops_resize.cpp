// Resize (opset 10+) and Upsample (opset 7-9) of the two innermost axes -> Interp.
#include <cmath>
#include <map>

#include "io/onnx/converters.h"

namespace eqw::onnximport {

namespace {

template <typename T>
bool lookup(const std::map<std::string, T>& table, const std::string& key, T& out) {
  auto it = table.find(key);
  if (it == table.end()) return false;
  out = it->second;
  return true;
}

Status readMode(ImportContext& ctx, const OnnxNode& n, InterpParams& p) {
  static const std::map<std::string, InterpMode> modes = {
      {"nearest", InterpMode::Nearest}, {"linear", InterpMode::Bilinear}, {"bilinear", InterpMode::Bilinear},
      {"cubic", InterpMode::Bicubic}};
  std::string mode = n.attrs.s("mode", "nearest");
  if (!lookup(modes, mode, p.mode) || (mode == "bilinear" && n.op == "Resize"))
    return ctx.unsupportedOp(n, "mode=" + mode);
  return Status::ok();
}

// Scales [1, 1, sh, sw] for an NCHW input; N and C must not change.
Status setScales(ImportContext& ctx, const OnnxNode& n, const std::vector<float>& s, InterpParams& p) {
  if (s.size() != 4) return ctx.unsupportedOp(n, "scales of " + std::to_string(s.size()) + " axes; only NCHW");
  if (s[0] != 1.f || s[1] != 1.f) return ctx.unsupportedOp(n, "scales on the batch or channel axis");
  if (!(s[2] > 0.f) || !(s[3] > 0.f) || !std::isfinite(s[2]) || !std::isfinite(s[3]))
    return ctx.invalid(n, "scales must be positive");
  p.scale_h = s[2];
  p.scale_w = s[3];
  return Status::ok();
}

Status emitInterp(ImportContext& ctx, const OnnxNode& n, int x, const InterpParams& p) {
  Node node = ctx.makeNode(n, OpKind::Interp, p);
  node.inputs = {x};
  node.outputs = {ctx.output(n)};
  ctx.emit(std::move(node));
  return Status::ok();
}

}  // namespace

Status convertResize(ImportContext& ctx, const OnnxNode& n) {
  InterpParams p;
  EQW_RETURN_IF_ERROR(readMode(ctx, n, p));
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  auto shape = ctx.shapeOf(*x);
  if (shape && shape->size() != 4) return ctx.unsupportedOp(n, "input rank=" + std::to_string(shape->size()) + "; only NCHW");
  if (ctx.opset() < 11) {
    // Resize-10 has no coordinate mode: it samples like Upsample (asymmetric, floor).
    p.coord = CoordMode::Asymmetric;
    p.nearest = NearestRound::Floor;
    auto scales = ctx.constInput(n, 1, "scales");
    if (!scales) return scales.status();
    EQW_RETURN_IF_ERROR(setScales(ctx, n, (*scales)->asFloats(), p));
    EQW_RETURN_IF_ERROR(attrStatus(n));
    return emitInterp(ctx, n, *x, p);
  }
  static const std::map<std::string, CoordMode> coords = {
      {"half_pixel", CoordMode::HalfPixel}, {"pytorch_half_pixel", CoordMode::PytorchHalfPixel},
      {"align_corners", CoordMode::AlignCorners}, {"asymmetric", CoordMode::Asymmetric},
      {"tf_half_pixel_for_nn", CoordMode::TfHalfPixelForNn}};
  static const std::map<std::string, NearestRound> rounds = {
      {"round_prefer_floor", NearestRound::RoundPreferFloor}, {"round_prefer_ceil", NearestRound::RoundPreferCeil},
      {"floor", NearestRound::Floor}, {"ceil", NearestRound::Ceil}};
  std::string coord = n.attrs.s("coordinate_transformation_mode", "half_pixel");
  if (!lookup(coords, coord, p.coord)) return ctx.unsupportedOp(n, "coordinate_transformation_mode=" + coord);
  std::string round = n.attrs.s("nearest_mode", "round_prefer_floor");
  if (!lookup(rounds, round, p.nearest)) return ctx.unsupportedOp(n, "nearest_mode=" + round);
  p.cubic_a = n.attrs.f("cubic_coeff_a", -0.75f);
  p.exclude_outside = n.attrs.i("exclude_outside", 0) != 0;
  EQW_RETURN_IF_ERROR(attrStatus(n));
  auto scales = ctx.optionalConstInput(n, 2, "scales");
  if (!scales) return scales.status();
  auto sizes = ctx.optionalConstInput(n, 3, "sizes");
  if (!sizes) return sizes.status();
  if (*scales && *sizes) return ctx.invalid(n, "gives both scales and sizes");
  if (*scales) {
    EQW_RETURN_IF_ERROR(setScales(ctx, n, (*scales)->asFloats(), p));
  } else if (*sizes) {
    std::vector<int64_t> s = (*sizes)->asInts();
    if (s.size() != 4) return ctx.unsupportedOp(n, "sizes of " + std::to_string(s.size()) + " axes; only NCHW");
    if (s[2] < 1 || s[3] < 1 || s[2] > 1 << 24 || s[3] > 1 << 24) return ctx.invalid(n, "sizes=" + listToString(s) + " out of range");
    if (shape && (s[0] != (*shape)[0] || s[1] != (*shape)[1]))
      return ctx.unsupportedOp(n, "sizes=" + listToString(s) + " change the batch or channel axis of " + toString(*shape));
    p.out_h = static_cast<int>(s[2]);
    p.out_w = static_cast<int>(s[3]);
    if (shape && (*shape)[2] > 0 && (*shape)[3] > 0) {
      p.scale_h = static_cast<float>(s[2]) / static_cast<float>((*shape)[2]);
      p.scale_w = static_cast<float>(s[3]) / static_cast<float>((*shape)[3]);
    }
  } else {
    return ctx.invalid(n, "needs scales or sizes");
  }
  return emitInterp(ctx, n, *x, p);
}

Status convertUpsample(ImportContext& ctx, const OnnxNode& n) {
  InterpParams p;
  EQW_RETURN_IF_ERROR(readMode(ctx, n, p));
  if (p.mode == InterpMode::Bicubic) return ctx.unsupportedOp(n, "mode=cubic");
  // Upsample maps output pixel i to input i / scale (asymmetric), nearest by floor.
  p.coord = CoordMode::Asymmetric;
  p.nearest = NearestRound::Floor;
  auto x = ctx.dataInput(n, 0);
  if (!x) return x.status();
  if (ctx.opset() < 9) {
    std::vector<float> scales = n.attrs.floats("scales");
    EQW_RETURN_IF_ERROR(attrStatus(n));
    EQW_RETURN_IF_ERROR(setScales(ctx, n, scales, p));
  } else {
    auto scales = ctx.constInput(n, 1, "scales");
    if (!scales) return scales.status();
    EQW_RETURN_IF_ERROR(setScales(ctx, n, (*scales)->asFloats(), p));
  }
  return emitInterp(ctx, n, *x, p);
}

}  // namespace eqw::onnximport
