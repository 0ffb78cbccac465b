// Error metrics of a quantized tensor against its FP32 reference (eqw/eval.h).
#include <eqw/eval.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace eqw {

namespace {

constexpr double kKlFloor = 1e-10;  // a q bin of 0 where p > 0 counts as this (KL stays finite)

double cosineOf(double dot, double rr, double qq, double noise) {
  if (rr == 0.0 && qq == 0.0) return 1.0;
  if (rr == 0.0 || qq == 0.0) return 0.0;
  if (noise == 0.0) return 1.0;  // identical: exactly 1, whatever the rounding of dot / |r||q|
  return std::clamp(dot / std::sqrt(rr * qq), -1.0, 1.0);
}

void binInto(std::vector<double>& hist, const float* x, int64_t n, double range) {
  const double perBin = kEvalHistogramBins / range;
  for (int64_t i = 0; i < n; ++i) {
    const double a = std::fabs(static_cast<double>(x[i]));
    if (a == 0.0 || !std::isfinite(a)) continue;  // zeros carry no shape; inf / NaN cannot be binned
    const int b = static_cast<int>(std::min(a * perBin, static_cast<double>(kEvalHistogramBins - 1)));
    hist[static_cast<size_t>(b)] += 1.0;
  }
}

void mergePairs(std::vector<double>& hist) {
  const size_t half = hist.size() / 2;
  for (size_t i = 0; i < half; ++i) hist[i] = hist[2 * i] + hist[2 * i + 1];
  std::fill(hist.begin() + static_cast<std::ptrdiff_t>(half), hist.end(), 0.0);
}

double klDivergence(const std::vector<double>& p, const std::vector<double>& q) {
  double sp = 0.0, sq = 0.0;
  for (double v : p) sp += v;
  for (double v : q) sq += v;
  if (sp == 0.0 && sq == 0.0) return 0.0;
  if (sp == 0.0 || sq == 0.0) return std::numeric_limits<double>::infinity();
  double kl = 0.0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == 0.0) continue;
    const double pi = p[i] / sp, qi = std::max(q[i] / sq, kKlFloor);
    kl += pi * std::log(pi / qi);
  }
  return std::max(kl, 0.0);
}

}  // namespace

void MetricAccumulator::growRange(double needed) {
  if (!(needed > 0.0) || !std::isfinite(needed)) return;
  if (range_ == 0.0) {
    range_ = needed;
    hist_ref_.assign(kEvalHistogramBins, 0.0);
    hist_quant_.assign(kEvalHistogramBins, 0.0);
    return;
  }
  while (range_ < needed) {  // doubling keeps every old bin inside exactly one new bin
    range_ *= 2.0;
    mergePairs(hist_ref_);
    mergePairs(hist_quant_);
  }
}

void MetricAccumulator::add(const float* ref, const float* quant, int64_t n) {
  double dot = 0.0, rr = 0.0, qq = 0.0, noise = 0.0, maxAbs = 0.0, peak = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const double r = ref[i], q = quant[i], d = r - q;
    dot += r * q;
    rr += r * r;
    qq += q * q;
    noise += d * d;
    maxAbs = std::max(maxAbs, std::fabs(d));
    if (std::isfinite(r)) peak = std::max(peak, std::fabs(r));
    if (std::isfinite(q)) peak = std::max(peak, std::fabs(q));
  }
  ++images_;
  cosine_sum_ += cosineOf(dot, rr, qq, noise);
  signal_ += rr;
  noise_ += noise;
  mse_sum_ += n > 0 ? noise / static_cast<double>(n) : 0.0;
  max_abs_ = std::max(max_abs_, maxAbs);
  growRange(peak);
  if (range_ > 0.0) {
    binInto(hist_ref_, ref, n, range_);
    binInto(hist_quant_, quant, n, range_);
  }
}

ErrorMetrics MetricAccumulator::result() const {
  ErrorMetrics m;
  m.images = images_;
  if (images_ == 0) return m;
  m.cosine = cosine_sum_ / static_cast<double>(images_);
  if (noise_ == 0.0) m.sqnr_db = std::numeric_limits<double>::infinity();
  else if (signal_ == 0.0) m.sqnr_db = -std::numeric_limits<double>::infinity();
  else m.sqnr_db = 10.0 * std::log10(signal_ / noise_);
  m.mse = mse_sum_ / static_cast<double>(images_);
  m.max_abs = max_abs_;
  m.kl = range_ > 0.0 ? klDivergence(hist_ref_, hist_quant_) : 0.0;
  return m;
}

ErrorMetrics compareTensors(const float* ref, const float* quant, int64_t n) {
  MetricAccumulator acc;
  acc.add(ref, quant, n);
  return acc.result();
}

}  // namespace eqw
