// "mse": the threshold minimising the expected squared quantize-dequantize error per element,
// clipping and rounding together, from the histogram. Model: the values of bin i are spread
// uniformly over [i*d, (i+1)*d) (d = histogram range / 2048), exact zeros cost nothing, and for that
// density the error of the real quantizer (step D = T / qmax, round half away, clamp at T) is
// integrated exactly — no "D^2 / 12" approximation, so it stays right when D is close to the bin
// width or when many values fall below D / 2. Candidates are the bin edges T = k*d, k = 1..2048.
#include "calib/methods.h"

#include <cmath>

namespace eqw::calib {
namespace {

// Integral of (u - D * round(u / D))^2 over [0, x], x >= 0: with m = floor(x / D + 0.5) (the grid
// point x rounds to) and e = x - m*D, every whole cell adds D^3 / 12 and the open one e^3 / 3.
double roundingIntegral(double x, double step) {
  const double m = std::floor(x / step + 0.5);
  const double e = x - m * step;
  return m * step * step * step / 12.0 + e * e * e / 3.0;
}

// Expected squared error per element at threshold T = k * d.
double expectedError(const TensorStats& stats, int k, int qmax, double total) {
  const double d = stats.binWidth();
  const double t = k * d;
  const double step = t / qmax;
  double err = 0.0;
  double lowerIntegral = 0.0;  // roundingIntegral at the current bin's lower edge
  for (int i = 0; i < k; ++i) {
    const double upper = roundingIntegral((i + 1) * d, step);
    if (stats.histogram[i]) err += static_cast<double>(stats.histogram[i]) * (upper - lowerIntegral) / d;
    lowerIntegral = upper;
  }
  for (int i = k; i < kHistogramBins; ++i) {
    if (!stats.histogram[i]) continue;
    const double a = i * d - t, b = (i + 1) * d - t;
    err += static_cast<double>(stats.histogram[i]) * (b * b * b - a * a * a) / (3.0 * d);
  }
  return err / total;
}

class MseMethod final : public CalibrationMethod {
 public:
  std::string name() const override { return "mse"; }
  bool hasCurve() const override { return true; }

  Result<float> threshold(const TensorStats& stats, int bits) const override {
    auto c = curve(stats, bits);
    if (!c) return c.status();
    const size_t best = lowestCandidate(*c);
    return checkedThreshold(stats, "mse", c->thresholds[best]);
  }

  Result<ThresholdCurve> curve(const TensorStats& stats, int bits) const override {
    auto qmax = quantMax(bits);
    if (!qmax) return qmax.status();
    EQW_RETURN_IF_ERROR(checkHistogram(stats));
    return mseCurve(stats, *qmax);
  }
};

}  // namespace

ThresholdCurve mseCurve(const TensorStats& stats, int qmax) {
  const double total = static_cast<double>(stats.histogramTotal()) + stats.histogramZeros();
  ThresholdCurve c;
  c.quantity = "expected mse";
  for (int k = 1; k <= kHistogramBins; ++k) {
    c.thresholds.push_back(static_cast<float>(k * stats.binWidth()));
    c.values.push_back(expectedError(stats, k, qmax, total));
  }
  return c;
}

std::unique_ptr<CalibrationMethod> makeMseMethod() { return std::make_unique<MseMethod>(); }

}  // namespace eqw::calib
