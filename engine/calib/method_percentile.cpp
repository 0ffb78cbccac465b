// "percentile": T at the p-th percentile of |x| over all elements. Exact zeros count as mass at 0
// (they are part of the distribution); within a bin the values are taken as uniform, so T is
// interpolated linearly inside the bin where the cumulative count reaches p.
#include "calib/methods.h"

namespace eqw::calib {
namespace {

class PercentileMethod final : public CalibrationMethod {
 public:
  explicit PercentileMethod(double p) : p_(p) {}
  std::string name() const override { return "percentile"; }

  Result<float> threshold(const TensorStats& stats, int bits) const override {
    if (auto q = quantMax(bits); !q) return q.status();
    EQW_RETURN_IF_ERROR(checkHistogram(stats));
    const double nonzero = static_cast<double>(stats.histogramTotal());
    const double zeros = stats.histogramZeros();  // in the histogram's units (sampled or not)
    const double all = nonzero + zeros;
    const double target = p_ / 100.0 * all - zeros;
    if (target <= 0.0)
      return invalidArgument(tensorLabel(stats) + ": the " + std::to_string(p_) + "th percentile of |x| is 0 (" +
                             std::to_string(stats.zeros) + " of " + std::to_string(stats.count) + " elements are 0)");
    double cum = 0.0;
    for (int i = 0; i < kHistogramBins; ++i) {
      const double h = static_cast<double>(stats.histogram[i]);
      if (h > 0.0 && cum + h >= target)
        return checkedThreshold(stats, "percentile", (i + (target - cum) / h) * stats.binWidth());
      cum += h;
    }
    return stats.absmax;
  }

 private:
  double p_;
};

}  // namespace

std::unique_ptr<CalibrationMethod> makePercentileMethod(double percentile) {
  return std::make_unique<PercentileMethod>(percentile);
}

}  // namespace eqw::calib
