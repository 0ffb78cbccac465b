#include "histogram/histogram_data.h"

#include <eqw/quant.h>

#include <algorithm>
#include <cmath>

namespace eqw::widgets {

Result<HistogramData> HistogramData::make(const TensorStats& stats, int bits) {
  if (stats.histogram.size() != static_cast<size_t>(kHistogramBins))
    return invalidArgument("tensor '" + stats.name + "': no histogram in its statistics (" +
                           std::to_string(stats.histogram.size()) + " bins)");
  if (auto q = quantMax(bits); !q) return q.status();
  HistogramData d;
  d.stats_ = stats;
  d.tensor_ = stats.name;
  d.bits_ = bits;
  d.range_ = stats.histRange();
  d.bin_width_ = stats.binWidth();
  d.centers_.resize(kHistogramBins);
  d.log_counts_.resize(kHistogramBins);
  for (int i = 0; i < kHistogramBins; ++i) {
    d.centers_[i] = (i + 0.5) * d.bin_width_;
    d.log_counts_[i] = std::log10(1.0 + static_cast<double>(stats.histogram[i]));
  }
  for (const std::string& name : calibrationMethodNames()) {
    auto method = makeCalibrationMethod(name);
    if (!method) {
      d.failures_.push_back({name, method.status().message()});
      continue;
    }
    auto t = (*method)->threshold(stats, bits);
    if (t) d.thresholds_.push_back({name, *t});
    else d.failures_.push_back({name, t.status().message()});
  }
  return d;
}

std::optional<float> HistogramData::threshold(const std::string& method) const {
  for (const MethodThreshold& t : thresholds_)
    if (t.method == method) return t.value;
  return std::nullopt;
}

void HistogramData::addThreshold(const MethodThreshold& threshold) {
  if (!(threshold.value > 0.f) || !std::isfinite(threshold.value)) return;
  for (MethodThreshold& t : thresholds_)
    if (t.method == threshold.method) {
      t.value = threshold.value;
      return;
    }
  thresholds_.push_back(threshold);
}

std::optional<ThresholdCurve> HistogramData::curve(const std::string& method) const {
  for (const auto& [name, c] : curves_)
    if (name == method) return c;
  auto m = makeCalibrationMethod(method);
  if (!m || !(*m)->hasCurve()) return std::nullopt;
  auto c = (*m)->curve(stats_, bits_);
  if (!c) return std::nullopt;
  return std::move(*c);
}

void HistogramData::precomputeCurve(const std::string& method) {
  for (const std::string& name : {method, std::string("kl")}) {
    if (auto c = curve(name)) {
      curves_.emplace_back(name, std::move(*c));
      return;
    }
  }
}

double HistogramData::clippedFraction(double threshold) const {
  const double total = static_cast<double>(stats_.histogramTotal() + static_cast<uint64_t>(std::max<int64_t>(0, stats_.zeros)));
  if (total <= 0.0 || bin_width_ <= 0.0 || threshold >= range_) return 0.0;
  if (threshold <= 0.0) return static_cast<double>(stats_.histogramTotal()) / total;
  const double pos = threshold / bin_width_;
  const int first = std::min(static_cast<int>(pos), kHistogramBins - 1);  // pos may round up to 2048
  double above = static_cast<double>(stats_.histogram[first]) * std::max(0.0, 1.0 - (pos - first));
  for (int i = first + 1; i < kHistogramBins; ++i) above += static_cast<double>(stats_.histogram[i]);
  return above / total;
}

std::vector<double> HistogramData::gridPoints(double threshold, int bits) {
  auto q = quantMax(bits);
  if (!q || threshold <= 0.0) return {};
  std::vector<double> points(*q + 1);
  for (int k = 0; k <= *q; ++k) points[k] = k * threshold / *q;
  return points;
}

}  // namespace eqw::widgets
