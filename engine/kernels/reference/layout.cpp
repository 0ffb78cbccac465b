// Ops that only move elements around: Crop (ONNX Slice), Permute, Padding, ShuffleChannel.
// Each computes, for every output element in order, the input element it copies.
#include <cstdlib>

#include "core/shape_rules.h"
#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels::ref {

namespace {

// Output element i copies input element source_[i] (or `fill` where source_[i] < 0).
class GatherRef final : public RefKernel {
 public:
  GatherRef(std::string name, std::vector<int64_t> source, float fill, const Shapes& in, const Shapes& out)
      : RefKernel(std::move(name), in, out), source_(std::move(source)), fill_(fill) {}

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext&) override {
    const float* x = in[0]->f32();
    float* y = out[0]->f32();
    for (size_t i = 0; i < source_.size(); ++i) y[i] = source_[i] >= 0 ? x[source_[i]] : fill_;
    return Status::ok();
  }

 private:
  std::vector<int64_t> source_;
  float fill_;
};

// Input index for output index o of an axis padded by `begin`, or -1 for the constant.
int64_t padSource(int64_t o, int64_t begin, int64_t size, PadKind mode) {
  int64_t i = o - begin;
  if (i >= 0 && i < size) return i;
  switch (mode) {
    case PadKind::Constant: return -1;
    case PadKind::Edge: return i < 0 ? 0 : size - 1;
    case PadKind::Reflect: {
      if (size == 1) return 0;
      const int64_t period = 2 * (size - 1);  // reflect without repeating the edge
      i = std::llabs(i) % period;
      return i < size ? i : period - i;
    }
  }
  return -1;
}

}  // namespace

Result<KernelPtr> makeCrop(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  auto ranges = shape_rules::resolveCrop(node.p<CropParams>(), inShapes[0]);
  if (!ranges) return ranges.status();
  const std::vector<int64_t> st = stridesOf(inShapes[0]);
  std::vector<int64_t> source(static_cast<size_t>(product(outShapes[0])));
  NdIndex idx(outShapes[0]);
  for (auto& s : source) {
    s = 0;
    for (size_t d = 0; d < st.size(); ++d) s += ((*ranges)[d].start + idx.index()[d] * (*ranges)[d].step) * st[d];
    idx.next();
  }
  return KernelPtr(new GatherRef("f32_crop_ref", std::move(source), 0.f, inShapes, outShapes));
}

Result<KernelPtr> makePermute(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  const auto& perm = node.p<PermuteParams>().perm;
  const std::vector<int64_t> st = stridesOf(inShapes[0]);
  std::vector<int64_t> source(static_cast<size_t>(product(outShapes[0])));
  NdIndex idx(outShapes[0]);
  for (auto& s : source) {
    s = 0;
    for (size_t d = 0; d < perm.size(); ++d) s += idx.index()[d] * st[perm[d]];
    idx.next();
  }
  return KernelPtr(new GatherRef("f32_permute_ref", std::move(source), 0.f, inShapes, outShapes));
}

Result<KernelPtr> makePadding(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  const auto& p = node.p<PaddingParams>();
  const Shape& xs = inShapes[0];
  const std::vector<int64_t> st = stridesOf(xs);
  std::vector<int64_t> source(static_cast<size_t>(product(outShapes[0])));
  NdIndex idx(outShapes[0]);
  for (auto& s : source) {
    s = 0;
    for (size_t d = 0; d < xs.size() && s >= 0; ++d) {
      const int64_t i = padSource(idx.index()[d], p.pads[d], xs[d], p.mode);
      s = i < 0 ? -1 : s + i * st[d];
    }
    idx.next();
  }
  return KernelPtr(new GatherRef("f32_padding_ref", std::move(source), p.value, inShapes, outShapes));
}

// Channels viewed as [group, C / group] are transposed to [C / group, group]; reverse undoes it.
Result<KernelPtr> makeShuffleChannel(const Node& node, const Shapes& inShapes, const Shapes& outShapes) {
  const auto& p = node.p<ShuffleChannelParams>();
  const Shape& xs = inShapes[0];
  const int64_t channels = xs[1], inner = product(xs, 2, xs.size());
  const int64_t groups = p.reverse ? channels / p.group : p.group;
  const int64_t perGroup = channels / groups;
  std::vector<int64_t> source(static_cast<size_t>(product(xs)));
  size_t k = 0;
  for (int64_t n = 0; n < xs[0]; ++n)
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t from = (c % groups) * perGroup + c / groups;  // out channel j * groups + g <- in g * perGroup + j
      for (int64_t i = 0; i < inner; ++i) source[k++] = (n * channels + from) * inner + i;
    }
  return KernelPtr(new GatherRef("f32_shufflechannel_ref", std::move(source), 0.f, inShapes, outShapes));
}

}  // namespace eqw::kernels::ref
