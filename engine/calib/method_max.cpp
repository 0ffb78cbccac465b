// "max" (T = absmax, ncnn's naive calibration) and "ema-max" (the MXNet tool's EMA of per-image absmax).
#include "calib/methods.h"

namespace eqw::calib {
namespace {

class MaxMethod final : public CalibrationMethod {
 public:
  std::string name() const override { return "max"; }
  Result<float> threshold(const TensorStats& stats, int bits) const override {
    if (auto q = quantMax(bits); !q) return q.status();
    EQW_RETURN_IF_ERROR(checkRange(stats));
    return stats.absmax;
  }
};

class EmaMaxMethod final : public CalibrationMethod {
 public:
  std::string name() const override { return "ema-max"; }
  Result<float> threshold(const TensorStats& stats, int bits) const override {
    if (auto q = quantMax(bits); !q) return q.status();
    EQW_RETURN_IF_ERROR(checkRange(stats));
    if (stats.samples == 0) return invalidArgument(tensorLabel(stats) + ": no samples for the EMA");
    return checkedThreshold(stats, "ema-max", stats.ema_absmax);
  }
};

}  // namespace

std::unique_ptr<CalibrationMethod> makeMaxMethod() { return std::make_unique<MaxMethod>(); }
std::unique_ptr<CalibrationMethod> makeEmaMaxMethod() { return std::make_unique<EmaMaxMethod>(); }

}  // namespace eqw::calib
