#include "io/table/table_layers.h"

#include <algorithm>
#include <cmath>

namespace eqw::table {

namespace {

int groupsOf(const Node& node) { return node.kind == OpKind::Convolution ? node.p<ConvParams>().group : 1; }

int64_t outputsOf(const Node& node) {
  return node.kind == OpKind::Convolution ? node.p<ConvParams>().num_output : node.p<InnerProductParams>().num_output;
}

}  // namespace

int64_t ncnnWeightCount(const Node& node) { return groupsOf(node) > 1 ? groupsOf(node) : outputsOf(node); }

Granularity ncnnGranularity(const Node& node) { return groupsOf(node) > 1 ? Granularity::PerGroup : Granularity::PerChannel; }

namespace {

bool winogradCapped(const Node& node, Precision precision, const NcnnTableOptions& options) {
  return options.winograd_6bit && precision != Precision::Int7 && ncnnRunsWinograd(node);
}

}  // namespace

int ncnnWeightQmax(const Node& node, Precision precision, int weightBits, const NcnnTableOptions& options) {
  int bits = weightBits > 0 && precision != Precision::Fp32 ? weightBits : 8;
  if (winogradCapped(node, precision, options)) bits = std::min(bits, kNcnnWinogradWeightBits);
  return qmax(bits);
}

bool widenedByWinograd(const Node& node, const LayerQuant& lq, const NcnnTableOptions& options) {
  return lq.precision != Precision::Fp32 && winogradCapped(node, lq.precision, options) &&
         effectiveWeightBits(lq) > kNcnnWinogradWeightBits;
}

Result<std::vector<float>> ncnnWeightThresholds(const Node& node, const std::vector<float>& thresholds) {
  const int64_t want = ncnnWeightCount(node), outputs = outputsOf(node), groups = groupsOf(node);
  const int64_t have = static_cast<int64_t>(thresholds.size());
  if (have == want) return thresholds;
  if (have == 1) return std::vector<float>(static_cast<size_t>(want), thresholds[0]);
  if (groups > 1 && have == outputs) {
    const int64_t perGroup = outputs / groups;
    std::vector<float> out(static_cast<size_t>(groups), 0.f);
    for (int64_t o = 0; o < outputs; ++o) out[o / perGroup] = std::max(out[o / perGroup], thresholds[o]);
    return out;
  }
  return Status(StatusCode::InvalidArgument, "layer '" + node.name + "': " + std::to_string(have) +
                                                 " weight thresholds cannot be written as ncnn's " + std::to_string(want));
}

std::vector<float> weightAbsMax(const Node& node, Granularity g) {
  const int64_t outputs = outputsOf(node);
  const int64_t count = g == Granularity::PerTensor ? 1 : g == Granularity::PerGroup ? groupsOf(node) : outputs;
  std::vector<float> out(static_cast<size_t>(count), 0.f);
  if (node.weights.empty() || outputs <= 0) return std::vector<float>(static_cast<size_t>(count), 1.f);
  const Tensor& w = node.weights[0];
  const int64_t per = w.numel() / outputs;
  const float* d = w.f32();
  for (int64_t o = 0; o < outputs; ++o) {
    const int64_t slot = count == 1 ? 0 : count == outputs ? o : o / (outputs / count);
    for (int64_t k = 0; k < per; ++k) out[slot] = std::max(out[slot], std::fabs(d[o * per + k]));
  }
  for (float& v : out)
    if (!(v > 0.f) || !std::isfinite(v)) v = 1.f;
  return out;
}

}  // namespace eqw::table
