// Internal: the calibration method classes' factories and the checks and formulas they share.
#pragma once

#include <eqw/calib.h>

#include <memory>

namespace eqw::calib {

// InvalidArgument naming the tensor when absmax is 0, negative, inf or NaN.
Status checkRange(const TensorStats& stats);
// checkRange, plus a histogram of kHistogramBins bins holding at least one value.
Status checkHistogram(const TensorStats& stats);
// InvalidArgument unless t is finite and > 0 (a method's last line of defence).
Result<float> checkedThreshold(const TensorStats& stats, const char* method, double t);
std::string tensorLabel(const TensorStats& stats);
// Index of the first candidate with the lowest criterion value (curves are non-empty).
size_t lowestCandidate(const ThresholdCurve& curve);

// ncnn2table's ACIQ Gaussian clip: N elements, absmax, bits 2..8.
double aciqThreshold(double absmax, int64_t n, int bits);
// Expected squared error per element (clipping + rounding) for every candidate T = k * binWidth,
// k = 1 .. kHistogramBins; see method_mse.cpp for the model.
ThresholdCurve mseCurve(const TensorStats& stats, int qmax);

std::unique_ptr<CalibrationMethod> makeMaxMethod();
std::unique_ptr<CalibrationMethod> makeEmaMaxMethod();
std::unique_ptr<CalibrationMethod> makePercentileMethod(double percentile);
std::unique_ptr<CalibrationMethod> makeKlMethod();
std::unique_ptr<CalibrationMethod> makeKlNcnnMethod();
std::unique_ptr<CalibrationMethod> makeAciqMethod();
std::unique_ptr<CalibrationMethod> makeMseMethod();

}  // namespace eqw::calib
