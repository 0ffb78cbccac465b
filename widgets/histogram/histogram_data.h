// What the histogram view draws for one layer, computed from the engine's cached statistics
// without a widget (so it is testable on its own): the log-count series of the layer's input
// histogram, each calibration method's threshold, the clipped mass above a threshold, and the
// quantization grid of a bit width. Plain C++ over the eqw API; the thresholds come from the
// engine's calibration methods, never from a formula here.
#pragma once

#include <eqw/calib.h>
#include <eqw/status.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace eqw::widgets {

struct MethodThreshold {
  std::string method;  // calibrationMethodNames() entry, or a spec's own ("eq", "manual")
  float value = 0.f;   // clipping threshold T > 0
};

struct MethodFailure {
  std::string method;
  std::string reason;  // the engine's Status message
};

class HistogramData {
 public:
  // Builds everything for `stats` (a layer input's statistics) at `bits` (8 or 7). Every method of
  // calibrationMethodNames() is tried; a method that fails is kept in failures() with its reason.
  // InvalidArgument when the stats carry no histogram or the bit width is out of range.
  static Result<HistogramData> make(const TensorStats& stats, int bits);

  const std::string& tensor() const { return tensor_; }
  int bits() const { return bits_; }
  // Bin centres (|x|) and log10(1 + count) of each of the kHistogramBins bins; a log of 1 + count
  // keeps empty bins at 0 instead of -inf.
  const std::vector<double>& binCenters() const { return centers_; }
  const std::vector<double>& logCounts() const { return log_counts_; }
  double binWidth() const { return bin_width_; }
  double range() const { return range_; }  // the histogram's upper edge
  const std::vector<MethodThreshold>& thresholds() const { return thresholds_; }
  const std::vector<MethodFailure>& failures() const { return failures_; }
  std::optional<float> threshold(const std::string& method) const;
  // Adds a threshold that no calibration method of the list gave (EasyQuant's "eq", a "manual"
  // one from the spec), replacing one of the same name. Ignored unless finite and > 0.
  void addThreshold(const MethodThreshold& threshold);
  // The method's criterion curve (KL divergence, expected MSE) when it has one.
  std::optional<ThresholdCurve> curve(const std::string& method) const;
  // Computes the curve the view will show for `method` (its own, else KL's) now and keeps it, so
  // that a worker thread can do the work and the view's curve() call is only a copy.
  void precomputeCurve(const std::string& method);

  // Share of all elements (zeros included) whose |x| lies above `threshold`: what clipping at T
  // saturates. Inside a bin the mass is taken as spread evenly. 0 for T >= range.
  double clippedFraction(double threshold) const;
  // The non-negative grid points k * T / qmax(bits), k = 0..qmax, of a symmetric grid clipped at T.
  static std::vector<double> gridPoints(double threshold, int bits);

 private:
  TensorStats stats_;
  std::string tensor_;
  int bits_ = 8;
  double bin_width_ = 0.0, range_ = 0.0;
  std::vector<double> centers_, log_counts_;
  std::vector<MethodThreshold> thresholds_;
  std::vector<MethodFailure> failures_;
  std::vector<std::pair<std::string, ThresholdCurve>> curves_;  // precomputeCurve's results
};

}  // namespace eqw::widgets
