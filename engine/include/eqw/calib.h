// Calibration: per-tensor statistics collected over a calibration set with the FP32 executor,
// and the threshold methods that turn them into clipping thresholds (ALGORITHMS.md §1–2).
// Statistics are collected once; every method and bit width works from them without re-running
// the model.
#pragma once

#include <eqw/data.h>
#include <eqw/graph.h>
#include <eqw/status.h>
#include <eqw/tensor.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace eqw {

// ---------------------------------------------------------------- statistics

// Bins of the |x| histogram (ncnn2table's num_histogram_bins).
inline constexpr int kHistogramBins = 2048;
// EMA of the per-sample absmax, the MXNet quantization tool's rule (hey-yahei/Quantization-on-MXNet):
// m = alpha * m + (1 - alpha) * sample_absmax, m starting at the first sample's absmax.
inline constexpr double kEmaAlpha = 0.99;

// Statistics of one tensor over the calibration set (or of one weight slice).
struct TensorStats {
  std::string name;              // the value's name in the graph (kept so cached stats can be matched)
  float min = 0.f;               // smallest element over all samples
  float max = 0.f;               // largest element
  float absmax = 0.f;            // max |x|; the histogram covers [0, absmax]
  int64_t count = 0;             // elements seen, all samples together
  int64_t zeros = 0;             // elements exactly 0 (left out of the histogram)
  int64_t samples = 0;           // samples (images) seen
  int64_t sample_elements = 0;   // elements of one sample's tensor: ACIQ's N
  double ema_absmax = 0.0;       // EMA of per-sample absmax (kEmaAlpha)
  // kHistogramBins counts of |x| for non-zero x over [0, histRange()]: bin i =
  // min(int(|x| / range * 2048), 2047) in float arithmetic, exactly as ncnn2table. Empty until the
  // histogram pass.
  std::vector<uint64_t> histogram;
  // Upper edge of the histogram: absmax after the two-pass collection (ncnn2table's bins); absmax
  // rounded up to (first sample's absmax) * 2^k after the one-pass collection. 0 means absmax.
  float hist_range = 0.f;
  // 1: every non-zero element is in the histogram. N > 1 (one-pass collection, CollectOptions::
  // hist_stride): of each sample, only the blocks of kHistStrideBlock elements whose index is
  // congruent to the sample's number mod N; the blocks rotate from sample to sample. The range
  // statistics above always see every element.
  int hist_stride = 1;

  uint64_t histogramTotal() const;              // sum of the bins
  // The exact zeros in the histogram's units: zeros itself for a full histogram, zeros scaled by
  // the binned share for a sampled one (for methods that put the zeros' mass at 0).
  double histogramZeros() const;
  float histRange() const { return hist_range > 0.f ? hist_range : absmax; }
  double binWidth() const { return static_cast<double>(histRange()) / kHistogramBins; }
  size_t bytes() const;                         // memory held, for the bounded-memory check
  bool operator==(const TensorStats&) const = default;
};

// Elements per block of a sampled histogram (TensorStats::hist_stride), and the largest stride.
inline constexpr int64_t kHistStrideBlock = 256;
inline constexpr int kMaxHistStride = 64;

// Pass 1 over one sample: min, max, absmax, counts, zeros, EMA, sample_elements.
void accumulateRange(TensorStats& stats, const float* data, int64_t n);
// Pass 2 over one sample: adds |x| of non-zero elements to the histogram, binned over
// [0, stats.absmax] (values above absmax land in the last bin). Sizes the histogram on first use.
void accumulateHistogram(TensorStats& stats, const float* data, int64_t n);
// One pass over one sample doing both: range stats as accumulateRange, and a histogram whose range
// grows by powers of two (bins merged 2^k into one) when a sample exceeds it. Since the range only
// ever doubles, the result equals binning all the data at once over the final hist_range.
// hist_stride > 1 bins only one block in hist_stride of each sample (TensorStats::hist_stride; the
// stats keep the stride of their first sample).
void accumulateOnePass(TensorStats& stats, const float* data, int64_t n, int hist_stride = 1);
// Both passes over one block of data (a weight slice, a synthetic tensor): one sample.
TensorStats computeStats(const float* data, int64_t n);

// Stats of every observed value of a graph over a calibration set.
struct StatsSet {
  std::string model;                   // graph name the stats came from
  int64_t images = 0;                  // images that contributed (skipped ones not counted)
  std::map<int, TensorStats> values;   // value id -> stats

  const TensorStats* find(int valueId) const;
  const TensorStats* find(const std::string& valueName) const;
  // Memory held by all stats; independent of the number of images (fixed-size histograms).
  size_t bytes() const;
  bool operator==(const StatsSet&) const = default;
};

// Which values collectStatistics observes.
enum class StatsValues {
  All,                 // every value: graph inputs and every node output (for per-layer metrics)
  QuantizableInputs,   // only the data input of Convolution, Deconvolution, InnerProduct and
                       // MatMul with constant weights (what an activation scale is needed for)
};

struct CollectOptions {
  int threads = 1;                     // executor threads; <= 0: all hardware threads
  StatsValues values = StatsValues::All;
  int64_t max_images = 0;              // use at most this many loadable images; 0: all
  // 2: ncnn2table's two passes (ranges, then histograms over the final absmax) — bins identical to
  //    ncnn2table's, needed for kl-ncnn to reproduce its table; every image decoded and run twice.
  // 1: one pass with power-of-two re-binning (accumulateOnePass) — half the work; the histogram
  //    may span up to 2x absmax, so KL / percentile / MSE see coarser bins.
  int passes = 2;
  // One pass only (two passes always bin every value, as ncnn2table): N > 1 bins one block of 256
  // elements in N per sample, rotating over the samples (TensorStats::hist_stride); ranges, zeros
  // and counts still see every element. Binning is most of what statistics cost on networks with
  // few multiplies per activation (depthwise): 8 cuts mobilenet_v2's cost from +48 % to +13 % of
  // inference, but KL thresholds move as with fewer images (docs/accuracy.md). 1 (default): every
  // value.
  int hist_stride = 1;
};

// Progress of a long job: stage ("range", "histogram"), images done, images total.
// Returning false cancels; the job then returns StatusCode::Cancelled.
using CalibProgress = std::function<bool(const std::string& stage, int64_t done, int64_t total)>;

// The statistics while a collection runs, for live plots: a StatsSet built from the current
// accumulators exactly as the final one is built from them (values not seen yet left out, images =
// images done in this stage). In the two-pass collection the "range" stage has no histograms yet;
// the "histogram" stage's histograms hold `done` images. The last snapshot (final = true) equals
// the returned statistics.
struct StatsSnapshot {
  std::string stage;                      // as CalibProgress: "range", "histogram", "statistics"
  int64_t done = 0;                       // images done in this stage
  int64_t total = 0;                      // images expected in this stage
  bool final = false;                     // the finished statistics
  std::shared_ptr<const StatsSet> stats;  // immutable: safe to hand to another thread
};
// Called on the collecting thread (keep it short: hand the pointer over and return).
using StatsSnapshotCallback = std::function<void(const StatsSnapshot&)>;
struct StatsSnapshotOptions {
  StatsSnapshotCallback callback;  // empty: no snapshots, and nothing is copied
  int interval_ms = 250;           // at most one snapshot per interval (0: after every image), plus the final one
};

// Runs the FP32 executor over the dataset (twice by default: pass 1 ranges, pass 2 histograms;
// see CollectOptions::passes); memory stays fixed however many images there are. Graph inputs are observed directly (Input nodes do
// not reach the executor's observer). Images that fail to load are skipped with a Warning in
// diagnostics. Errors: Unsupported (the graph does not take exactly one input), InvalidArgument
// (no image could be loaded, bad preprocessing, input shape mismatch, passes not 1 or 2), Cancelled.
// Progress stages: "range" and "histogram" (two passes) or "statistics" (one pass). With a
// snapshot callback the partial statistics are handed out as they grow (StatsSnapshot).
Result<StatsSet> collectStatistics(const Graph& graph, const Dataset& dataset, const Preprocess& preprocess,
                                   const CollectOptions& options, const CalibProgress& progress,
                                   Diagnostics& diagnostics, const StatsSnapshotOptions& snapshots = {});

// The cost of statistics collection over plain inference (`eqw bench --stats`). The images are
// decoded once, up front; then every image is run plainly and with the statistics observers,
// alternately, so that both see the same machine state; decoding is timed by neither.
struct StatsBenchResult {
  int64_t images = 0;
  int passes = 1;                      // CollectOptions::passes
  std::string kernels;                 // statistics loops used ("avx512", "avx2", "generic")
  double plain_ms = 0.0;               // total of the plain runs
  double stats_ms = 0.0;               // total of the observed runs (both passes for 2)
  double plain_median_ms = 0.0;        // per image
  double stats_median_ms = 0.0;        // per image (both passes together for 2)
  double overhead() const { return plain_ms > 0 ? stats_ms / plain_ms - 1.0 : 0.0; }
};
// Uses options.threads, values, passes and max_images (0: at most 50 images).
Result<StatsBenchResult> benchmarkStatistics(const Graph& graph, const Dataset& dataset, const Preprocess& preprocess,
                                             const CollectOptions& options, Diagnostics& diagnostics);

// JSON round trip (for the project file's cache). Floats are written so that they read back
// bit-identical. statsFromJson errors are ParseError naming the field.
std::string statsToJson(const StatsSet& stats);
Result<StatsSet> statsFromJson(const std::string& json);
Status saveStats(const StatsSet& stats, const std::string& path);
Result<StatsSet> loadStats(const std::string& path);

// ---------------------------------------------------------------- threshold methods

// qmax = 2^(bits-1) - 1 for bits in 2..8; InvalidArgument otherwise.
Result<int> quantMax(int bits);

// A criterion evaluated per candidate threshold (for the GUI's plot): KL divergence or expected MSE.
struct ThresholdCurve {
  std::string quantity;                // "kl divergence", "expected mse"
  std::vector<float> thresholds;       // candidate thresholds, ascending
  std::vector<double> values;          // the criterion at each candidate (lower is better)
};

// A way to pick a clipping threshold T > 0 from a tensor's stats (scale = qmax / T).
// Bad stats (absmax 0 or not finite, empty histogram where one is needed) give InvalidArgument
// naming the tensor and the problem — never a NaN or zero threshold.
class CalibrationMethod {
 public:
  virtual ~CalibrationMethod() = default;
  virtual std::string name() const = 0;
  virtual Result<float> threshold(const TensorStats& stats, int bits) const = 0;
  // Methods that minimise a criterion expose it; others return Unsupported.
  virtual bool hasCurve() const { return false; }
  virtual Result<ThresholdCurve> curve(const TensorStats& stats, int bits) const;
};

struct MethodOptions {
  double percentile = 99.99;           // "percentile": p in (0, 100]
};

// The explicit list of method names (each one class in engine/calib/method_<name>.cpp):
//   max        T = absmax
//   ema-max    T = ema_absmax
//   percentile T = p-th percentile of |x| (zeros included), interpolated inside its bin
//   kl         TensorRT entropy calibration (integer group width, mass spread over non-zero bins,
//              smoothed and renormalised); curve: KL per cut-off
//   kl-ncnn    ncnn2table's exact KL rule (ALGORITHMS.md §2), in ncnn's float arithmetic; curve
//   aciq       ncnn2table's Gaussian clip from absmax and N = sample_elements (may exceed absmax
//              for small N, as in ncnn)
//   mse        minimum expected quantize-dequantize error over bin-edge thresholds; curve
// KL cut-offs run from L = qmax + 1 to 2047 (ncnn: 128 for 8 bits) and T = (t + 0.5) * absmax / 2048.
const std::vector<std::string>& calibrationMethodNames();
// NotFound naming the unknown method and listing the known ones; InvalidArgument for bad options.
Result<std::unique_ptr<CalibrationMethod>> makeCalibrationMethod(const std::string& name,
                                                                 const MethodOptions& options = {});

// ---------------------------------------------------------------- weights

enum class WeightMethod { Max, Aciq, Mse };
const char* toString(WeightMethod method);

// Thresholds of a weight tensor laid out [O, ...] (Convolution, InnerProduct): the O output
// channels are split into `groups` consecutive groups of O / groups channels, one threshold each
// (groups = O: per channel, 1: per tensor, G: per group). Aciq uses N = elements per group, as
// ncnn2table does per output channel. A group of all zeros is InvalidArgument naming the group.
Result<std::vector<float>> weightThresholds(const Tensor& weights, WeightMethod method, int bits, int groups);

}  // namespace eqw
