// The explicit list of calibration methods (STYLE.md 12): a new method is one line here.
#include "calib/methods.h"

#include <cmath>

namespace eqw {

const std::vector<std::string>& calibrationMethodNames() {
  static const std::vector<std::string> names = {"max", "ema-max", "percentile", "kl", "kl-ncnn", "aciq", "mse"};
  return names;
}

Result<std::unique_ptr<CalibrationMethod>> makeCalibrationMethod(const std::string& name, const MethodOptions& options) {
  if (name == "max") return calib::makeMaxMethod();
  if (name == "ema-max") return calib::makeEmaMaxMethod();
  if (name == "percentile") {
    if (!(options.percentile > 0.0 && options.percentile <= 100.0))
      return invalidArgument("percentile " + std::to_string(options.percentile) + " is not in (0, 100]");
    return calib::makePercentileMethod(options.percentile);
  }
  if (name == "kl") return calib::makeKlMethod();
  if (name == "kl-ncnn") return calib::makeKlNcnnMethod();
  if (name == "aciq") return calib::makeAciqMethod();
  if (name == "mse") return calib::makeMseMethod();
  std::string known;
  for (const std::string& n : calibrationMethodNames()) known += (known.empty() ? "" : ", ") + n;
  return notFound("unknown calibration method '" + name + "' (known: " + known + ")");
}

}  // namespace eqw
