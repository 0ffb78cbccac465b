// "aciq": ncnn2table's Gaussian analytic clip (ACIQ, Banner et al.): sigma estimated from absmax
// and the element count N of one sample, T = alpha_bits * sigma.
#include "calib/methods.h"

#include <cmath>

namespace eqw::calib {

double aciqThreshold(double absmax, int64_t n, int bits) {
  // MSE-optimal clipping of a unit Gaussian for 1..8 bits (ncnn2table's table).
  static const double kAlpha[8] = {0, 1.71063519, 2.15159277, 2.55913646, 2.93620062, 3.28691474, 3.6151146, 3.92403714};
  const double gaussianConst = (0.5 * 0.35) * (1 + std::sqrt(3.14159265358979323846 * std::log(4.0)));
  const double sigma = (absmax * 2 * gaussianConst) / std::sqrt(2 * std::log(static_cast<double>(n)));
  return kAlpha[bits - 1] * sigma;
}

namespace {

class AciqMethod final : public CalibrationMethod {
 public:
  std::string name() const override { return "aciq"; }
  Result<float> threshold(const TensorStats& stats, int bits) const override {
    if (auto q = quantMax(bits); !q) return q.status();
    EQW_RETURN_IF_ERROR(checkRange(stats));
    if (stats.sample_elements < 2)
      return invalidArgument(tensorLabel(stats) + ": ACIQ needs at least 2 elements per sample, got " +
                             std::to_string(stats.sample_elements));
    return checkedThreshold(stats, "aciq", aciqThreshold(stats.absmax, stats.sample_elements, bits));
  }
};

}  // namespace

std::unique_ptr<CalibrationMethod> makeAciqMethod() { return std::make_unique<AciqMethod>(); }

}  // namespace eqw::calib
