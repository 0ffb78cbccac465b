// "kl-ncnn": ncnn2table's KL rule (ALGORITHMS.md §2), reproduced step for step in float
// arithmetic so that near-ties break the same way and its table matches ncnn2table's:
// normalised histogram h; for each cut-off t in [L, 2047] (L = qmax + 1):
//   P[i] = 1e-4 + h[i] (i < t), tail sum(h[t:]) added to P[t-1];
//   L groups of fractional width w = t / L; group value = covered mass of h / w (a density);
//   Q[i] = 1e-4 + sum over groups overlapping bin i of overlap * group value;
//   KL = sum P ln(P / Q), no renormalisation. T = (t + 0.5) * absmax / 2048.
#include "calib/methods.h"

#include <cfloat>
#include <cmath>

namespace eqw::calib {
namespace {

constexpr float kKlEps = 0.0001f;

std::vector<float> normalised(const TensorStats& stats) {
  const double sum = static_cast<double>(stats.histogramTotal());
  std::vector<float> h(kHistogramBins);
  for (int i = 0; i < kHistogramBins; ++i) h[i] = static_cast<float>(stats.histogram[i] / sum);
  return h;
}

// Covered range of group j: [start, end) in bins, split into a partial left bin, whole bins and a
// partial right bin. The first group starts at 0 and the last ends at t exactly, as in ncnn.
struct GroupSpan {
  int leftUpper, rightLower;
  float leftScale, rightScale;
};

GroupSpan groupSpan(int j, int groups, int t, float width) {
  const float start = j == 0 ? 0.f : (j == groups - 1 ? t - width : j * width);
  const float end = j == groups - 1 ? static_cast<float>(t) : (j + 1) * width;
  GroupSpan g;
  g.leftUpper = j == 0 ? 0 : static_cast<int>(std::ceil(start));
  g.leftScale = j == 0 ? 0.f : g.leftUpper - start;
  g.rightLower = j == groups - 1 ? t : static_cast<int>(std::floor(end));
  g.rightScale = j == groups - 1 ? 0.f : end - g.rightLower;
  return g;
}

float groupDensity(const std::vector<float>& h, const GroupSpan& g) {
  float q = 0.f;
  if (g.leftScale > 0) q += g.leftScale * h[g.leftUpper - 1];
  if (g.rightScale > 0) q += g.rightScale * h[g.rightLower];
  for (int k = g.leftUpper; k < g.rightLower; ++k) q += h[k];
  return q / (g.rightLower - g.leftUpper + g.leftScale + g.rightScale);
}

void expandGroup(std::vector<float>& expanded, const GroupSpan& g, float q) {
  if (g.leftScale > 0) expanded[g.leftUpper - 1] += g.leftScale * q;
  if (g.rightScale > 0) expanded[g.rightLower] += g.rightScale * q;
  for (int k = g.leftUpper; k < g.rightLower; ++k) expanded[k] += q;
}

float klAt(const std::vector<float>& h, int t, int groups) {
  std::vector<float> clip(t, kKlEps);
  for (int j = 0; j < t; ++j) clip[j] += h[j];
  for (int j = t; j < kHistogramBins; ++j) clip[t - 1] += h[j];

  const float width = static_cast<float>(t) / groups;
  std::vector<float> expanded(t, kKlEps);
  for (int j = 0; j < groups; ++j) {
    const GroupSpan g = groupSpan(j, groups, t, width);
    expandGroup(expanded, g, groupDensity(h, g));
  }
  float kl = 0.f;
  for (int i = 0; i < t; ++i) kl += clip[i] * std::log(clip[i] / expanded[i]);
  return kl;
}

class KlNcnnMethod final : public CalibrationMethod {
 public:
  std::string name() const override { return "kl-ncnn"; }
  bool hasCurve() const override { return true; }

  Result<float> threshold(const TensorStats& stats, int bits) const override {
    auto c = curve(stats, bits);
    if (!c) return c.status();
    float best = FLT_MAX;
    float t = c->thresholds.front();
    for (size_t i = 0; i < c->values.size(); ++i)
      if (static_cast<float>(c->values[i]) < best) {
        best = static_cast<float>(c->values[i]);
        t = c->thresholds[i];
      }
    return checkedThreshold(stats, "kl-ncnn", t);
  }

  Result<ThresholdCurve> curve(const TensorStats& stats, int bits) const override {
    auto qmax = quantMax(bits);
    if (!qmax) return qmax.status();
    EQW_RETURN_IF_ERROR(checkHistogram(stats));
    const int groups = *qmax + 1;
    const std::vector<float> h = normalised(stats);
    ThresholdCurve c;
    c.quantity = "kl divergence";
    for (int t = groups; t < kHistogramBins; ++t) {
      c.thresholds.push_back((t + 0.5f) * stats.histRange() / kHistogramBins);
      c.values.push_back(klAt(h, t, groups));
    }
    return c;
  }
};

}  // namespace

std::unique_ptr<CalibrationMethod> makeKlNcnnMethod() { return std::make_unique<KlNcnnMethod>(); }

}  // namespace eqw::calib
