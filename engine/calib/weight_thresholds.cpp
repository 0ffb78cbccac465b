// Per-channel / per-group / per-tensor weight thresholds. Each group's slice gets its own stats
// (one "sample": ACIQ's N is the slice size, as ncnn2table uses per output channel).
#include "calib/methods.h"

namespace eqw {

const char* toString(WeightMethod method) {
  switch (method) {
    case WeightMethod::Max: return "max";
    case WeightMethod::Aciq: return "aciq";
    case WeightMethod::Mse: return "mse";
  }
  return "?";
}

namespace {

Result<float> groupThreshold(const float* data, int64_t n, WeightMethod method, int bits, int group) {
  TensorStats stats = computeStats(data, n);
  stats.name = "weight group " + std::to_string(group);
  switch (method) {
    case WeightMethod::Max: return calib::makeMaxMethod()->threshold(stats, bits);
    case WeightMethod::Aciq: return calib::makeAciqMethod()->threshold(stats, bits);
    case WeightMethod::Mse: return calib::makeMseMethod()->threshold(stats, bits);
  }
  return internalError("unknown weight method");
}

}  // namespace

Result<std::vector<float>> weightThresholds(const Tensor& weights, WeightMethod method, int bits, int groups) {
  if (auto q = quantMax(bits); !q) return q.status();
  if (weights.empty() || weights.rank() < 1 || weights.dtype() != DType::F32)
    return invalidArgument("weight thresholds need a non-empty float32 tensor [O, ...]");
  const int64_t outputs = weights.dim(0);
  if (groups <= 0 || outputs % groups != 0)
    return invalidArgument("weights " + toString(weights.shape()) + ": " + std::to_string(outputs) +
                           " output channels cannot be split into " + std::to_string(groups) + " groups");
  const int64_t perGroup = weights.numel() / groups;
  std::vector<float> out;
  out.reserve(groups);
  for (int g = 0; g < groups; ++g) {
    auto t = groupThreshold(weights.f32() + g * perGroup, perGroup, method, bits, g);
    if (!t) return t.status().withContext("weights " + toString(weights.shape()));
    out.push_back(*t);
  }
  return out;
}

}  // namespace eqw
