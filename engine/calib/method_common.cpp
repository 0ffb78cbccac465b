#include "calib/methods.h"

#include <cmath>

namespace eqw {

Result<int> quantMax(int bits) {
  if (bits < 2 || bits > 8) return invalidArgument("bit width " + std::to_string(bits) + " is not in 2..8");
  return (1 << (bits - 1)) - 1;
}

Result<ThresholdCurve> CalibrationMethod::curve(const TensorStats&, int) const {
  return unsupported("calibration method '" + name() + "' has no curve to plot");
}

namespace calib {

std::string tensorLabel(const TensorStats& stats) {
  return "tensor '" + (stats.name.empty() ? std::string("?") : stats.name) + "'";
}

Status checkRange(const TensorStats& stats) {
  if (std::isnan(stats.absmax)) return invalidArgument(tensorLabel(stats) + ": absmax is NaN (the data holds NaN)");
  if (std::isinf(stats.absmax)) return invalidArgument(tensorLabel(stats) + ": absmax is infinite");
  if (stats.absmax <= 0.f)
    return invalidArgument(tensorLabel(stats) + ": absmax is " + std::to_string(stats.absmax) +
                           (stats.count > 0 ? " (every element is 0)" : " (no data was collected)"));
  return Status::ok();
}

Status checkHistogram(const TensorStats& stats) {
  EQW_RETURN_IF_ERROR(checkRange(stats));
  if (stats.histogram.size() != static_cast<size_t>(kHistogramBins))
    return invalidArgument(tensorLabel(stats) + ": no histogram (" + std::to_string(stats.histogram.size()) +
                           " bins, expected " + std::to_string(kHistogramBins) + "; was the second pass run?)");
  if (stats.histogramTotal() == 0) return invalidArgument(tensorLabel(stats) + ": the histogram is empty");
  if (!std::isfinite(stats.histRange()) || stats.histRange() < stats.absmax)
    return invalidArgument(tensorLabel(stats) + ": histogram range " + std::to_string(stats.histRange()) +
                           " does not cover absmax " + std::to_string(stats.absmax));
  return Status::ok();
}

Result<float> checkedThreshold(const TensorStats& stats, const char* method, double t) {
  const float f = static_cast<float>(t);
  if (!std::isfinite(f) || f <= 0.f)
    return invalidArgument(tensorLabel(stats) + ": method '" + method + "' gave threshold " + std::to_string(t));
  return f;
}

size_t lowestCandidate(const ThresholdCurve& curve) {
  size_t best = 0;
  for (size_t i = 1; i < curve.values.size(); ++i)
    if (curve.values[i] < curve.values[best]) best = i;
  return best;
}

}  // namespace calib
}  // namespace eqw
