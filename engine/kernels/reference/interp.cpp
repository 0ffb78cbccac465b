// Resize of the two innermost axes, ONNX Resize semantics:
//   source coordinate by coord mode (half_pixel, pytorch_half_pixel, align_corners, asymmetric),
//   with scale = out / in, or the given scale when the size came from it;
//   nearest rounds that coordinate by the NearestRound rule; bilinear and bicubic read
//   neighbours clamped to the edge (ONNX's edge padding, ncnn and PyTorch agree), or with
//   exclude_outside, bicubic drops the taps outside the input and renormalises the rest.
#include <algorithm>
#include <cmath>

#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

struct AxisMap {
  int64_t in = 1, out = 1;
  double scale = 1.0;  // out / in as the coordinate transform sees it
};

double sourceCoord(CoordMode mode, const AxisMap& a, int64_t o) {
  switch (mode) {
    case CoordMode::HalfPixel: return (o + 0.5) / a.scale - 0.5;
    case CoordMode::PytorchHalfPixel: return a.out > 1 ? (o + 0.5) / a.scale - 0.5 : 0.0;
    case CoordMode::AlignCorners: {
      // ONNX divides by the unrounded resized length in * scale (= out when the size was given).
      const double len = a.in * a.scale;
      return len - 1.0 < 1e-9 ? 0.0 : static_cast<double>(o) * (a.in - 1) / (len - 1.0);
    }
    case CoordMode::Asymmetric: return o / a.scale;
    case CoordMode::TfHalfPixelForNn: return (o + 0.5) / a.scale;
  }
  return 0.0;
}

int64_t roundNearest(NearestRound r, double x) {
  switch (r) {
    case NearestRound::RoundPreferFloor: return x - std::floor(x) == 0.5 ? static_cast<int64_t>(std::floor(x)) : std::llround(x);
    case NearestRound::RoundPreferCeil: return x - std::floor(x) == 0.5 ? static_cast<int64_t>(std::ceil(x)) : std::llround(x);
    case NearestRound::Floor: return static_cast<int64_t>(std::floor(x));
    case NearestRound::Ceil: return static_cast<int64_t>(std::ceil(x));
  }
  return 0;
}

// Cubic convolution weights for the neighbours at -1, 0, 1, 2 of a fractional offset t.
void cubicWeights(double a, double t, double w[4]) {
  auto near = [a](double d) { return ((a + 2) * d - (a + 3)) * d * d + 1; };          // |d| <= 1
  auto far = [a](double d) { return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a; };     // 1 < |d| < 2
  w[0] = far(t + 1);
  w[1] = near(t);
  w[2] = near(1 - t);
  w[3] = far(2 - t);
}

// One output coordinate's neighbours (clamped) and weights along one axis.
struct Taps {
  int64_t idx[4] = {0, 0, 0, 0};
  double w[4] = {0, 0, 0, 0};
  int count = 0;
};

Taps tapsFor(const InterpParams& p, const AxisMap& a, int64_t o) {
  Taps t;
  const double x = sourceCoord(p.coord, a, o);
  auto clampIdx = [&](int64_t i) { return std::clamp<int64_t>(i, 0, a.in - 1); };
  const int64_t base = static_cast<int64_t>(std::floor(x));
  const double frac = x - static_cast<double>(base);
  switch (p.mode) {
    case InterpMode::Nearest:
      t.count = 1;
      t.idx[0] = clampIdx(roundNearest(p.nearest, x));
      t.w[0] = 1.0;
      break;
    case InterpMode::Bilinear:
      t.count = 2;
      t.idx[0] = clampIdx(base);
      t.idx[1] = clampIdx(base + 1);
      t.w[0] = 1.0 - frac;
      t.w[1] = frac;
      break;
    case InterpMode::Bicubic:
      t.count = 4;
      for (int k = 0; k < 4; ++k) t.idx[k] = clampIdx(base - 1 + k);
      cubicWeights(p.cubic_a, frac, t.w);
      if (p.exclude_outside) {
        double sum = 0.0;
        for (int k = 0; k < 4; ++k) {
          const int64_t i = base - 1 + k;
          if (i < 0 || i >= a.in) t.w[k] = 0.0;
          sum += t.w[k];
        }
        if (sum != 0.0)
          for (double& w : t.w) w /= sum;
      }
      break;
  }
  return t;
}

class InterpRef final : public RefKernel {
 public:
  InterpRef(const InterpParams& p, const Shapes& in, const Shapes& out) : RefKernel("f32_interp_ref", in, out) {
    const Shape& xs = in[0];
    const Shape& ys = out[0];
    const size_t r = xs.size();
    const bool fromScale = in.size() == 1;
    AxisMap ah{xs[r - 2], ys[r - 2], 0.0}, aw{xs[r - 1], ys[r - 1], 0.0};
    ah.scale = fromScale && p.out_h <= 0 ? p.scale_h : static_cast<double>(ah.out) / ah.in;
    aw.scale = fromScale && p.out_w <= 0 ? p.scale_w : static_cast<double>(aw.out) / aw.in;
    for (int64_t o = 0; o < ah.out; ++o) rows_.push_back(tapsFor(p, ah, o));
    for (int64_t o = 0; o < aw.out; ++o) cols_.push_back(tapsFor(p, aw, o));
  }

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const Shape& xs = in_[0];
    const int64_t h = xs[xs.size() - 2], w = xs.back();
    const int64_t oh = static_cast<int64_t>(rows_.size()), ow = static_cast<int64_t>(cols_.size());
    const int64_t planes = product(xs) / (h * w);
    parallelFor(ctx.pool, planes, 1, [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; ++p) {
        const float* x = in[0]->f32() + p * h * w;
        float* y = out[0]->f32() + p * oh * ow;
        for (int64_t oy = 0; oy < oh; ++oy) {
          const Taps& ty = rows_[oy];
          for (int64_t ox = 0; ox < ow; ++ox) {
            const Taps& tx = cols_[ox];
            double acc = 0.0;
            for (int i = 0; i < ty.count; ++i)
              for (int j = 0; j < tx.count; ++j) acc += ty.w[i] * tx.w[j] * x[ty.idx[i] * w + tx.idx[j]];
            y[oy * ow + ox] = static_cast<float>(acc);
          }
        }
      }
    });
    return Status::ok();
  }

 private:
  std::vector<Taps> rows_, cols_;
};

}  // namespace

Result<KernelPtr> makeInterp(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  return KernelPtr(new InterpRef(node.p<InterpParams>(), inShapes, outShapes));
}

}  // namespace eqw::kernels::ref
