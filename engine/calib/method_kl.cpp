// "kl": TensorRT's entropy calibration (Migacz, "8-bit Inference with TensorRT", GTC 2017) as its
// public reimplementation in MXNet (quantization.py _get_optimal_threshold) does it, with the
// histogram of |x|: for each cut-off t in [L, 2047] (L = qmax + 1):
//   P = h[0:t], tail sum(h[t:]) added to P[t-1];
//   h[0:t] merged into L groups of floor(t / L) bins (the last takes the remainder); each group's
//   mass is spread evenly over the bins of the group where P is non-zero (empty bins stay empty);
//   both smoothed (MXNet's rule: eps = 1e-4 added to zero bins, taken evenly from the others,
//   on raw counts), renormalised, KL(P || Q). T = (t + 0.5) * absmax / 2048.
// Differences from kl-ncnn: integer group width, mass only on non-zero bins, renormalisation.
// (MXNet's expansion also drops the last bin of the last group — a slicing bug not reproduced.)
#include "calib/methods.h"

#include <cmath>
#include <limits>

namespace eqw::calib {
namespace {

constexpr double kSmoothEps = 0.0001;

// MXNet's _smooth_distribution; false when smoothing would make a bin non-positive.
bool smooth(std::vector<double>& d) {
  int zeros = 0;
  for (double v : d) zeros += v == 0.0;
  const int nonzeros = static_cast<int>(d.size()) - zeros;
  if (nonzeros == 0) return false;
  const double eps1 = kSmoothEps * zeros / nonzeros;
  for (double& v : d) {
    v = v == 0.0 ? kSmoothEps : v - eps1;
    if (v <= 0.0) return false;
  }
  return true;
}

double klDivergence(const std::vector<double>& p, const std::vector<double>& q) {
  double sp = 0.0, sq = 0.0;
  for (size_t i = 0; i < p.size(); ++i) {
    sp += p[i];
    sq += q[i];
  }
  double kl = 0.0;
  for (size_t i = 0; i < p.size(); ++i) kl += p[i] / sp * std::log((p[i] / sp) / (q[i] / sq));
  return kl;
}

// KL at cut-off t, or +inf when the candidate cannot be smoothed.
double klAt(const std::vector<double>& h, int t, int groups) {
  std::vector<double> p(h.begin(), h.begin() + t);
  for (int i = t; i < kHistogramBins; ++i) p[t - 1] += h[i];

  std::vector<double> q(t, 0.0);
  const int merged = t / groups;
  for (int j = 0; j < groups; ++j) {
    const int start = j * merged;
    const int stop = j == groups - 1 ? t : start + merged;
    double mass = 0.0;
    int nonzero = 0;
    for (int i = start; i < stop; ++i) {
      mass += h[i];
      nonzero += p[i] != 0.0;
    }
    if (nonzero == 0) continue;
    for (int i = start; i < stop; ++i)
      if (p[i] != 0.0) q[i] = mass / nonzero;
  }
  if (!smooth(p) || !smooth(q)) return std::numeric_limits<double>::infinity();
  return klDivergence(p, q);
}

class KlMethod final : public CalibrationMethod {
 public:
  std::string name() const override { return "kl"; }
  bool hasCurve() const override { return true; }

  Result<float> threshold(const TensorStats& stats, int bits) const override {
    auto c = curve(stats, bits);
    if (!c) return c.status();
    const size_t best = lowestCandidate(*c);
    if (!std::isfinite(c->values[best]))
      return invalidArgument(tensorLabel(stats) + ": no KL candidate could be evaluated");
    return checkedThreshold(stats, "kl", c->thresholds[best]);
  }

  Result<ThresholdCurve> curve(const TensorStats& stats, int bits) const override {
    auto qmax = quantMax(bits);
    if (!qmax) return qmax.status();
    EQW_RETURN_IF_ERROR(checkHistogram(stats));
    const std::vector<double> h(stats.histogram.begin(), stats.histogram.end());
    ThresholdCurve c;
    c.quantity = "kl divergence";
    for (int t = *qmax + 1; t < kHistogramBins; ++t) {
      c.thresholds.push_back(static_cast<float>((t + 0.5) * stats.binWidth()));
      c.values.push_back(klAt(h, t, *qmax + 1));
    }
    return c;
  }
};

}  // namespace

std::unique_ptr<CalibrationMethod> makeKlMethod() { return std::make_unique<KlMethod>(); }

}  // namespace eqw::calib
