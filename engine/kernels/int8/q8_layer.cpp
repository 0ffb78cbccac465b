#include "kernels/int8/q8_layer.h"

#include <eqw/cpu.h>

#include "kernels/int8/q8_kernels.h"

#include <string>

namespace eqw::kernels::q8 {

namespace {

std::string label(const Node& n) { return "node '" + n.name + "' (" + toString(n.kind) + ")"; }

bool goodScale(float s) { return std::isfinite(s) && s > 0.f; }

// One output channel's weights on the grid [-q, q] through the ISA's row quantizer (bit-equal to
// quantize() at every level, tested; the scalar loop below AVX2), since EasyQuant prepares a layer
// per candidate. The quantizer writes q + 128 as bytes. Returns the row's sum.
int32_t quantizeWeightRow(const Q8QuantizeRowFn fn, const float* w, int64_t n, float s, float q, int8_t* out,
                          std::vector<uint8_t>& scratch) {
  int32_t sum = 0;
  if (!fn) {
    for (int64_t i = 0; i < n; ++i) {
      const int32_t v = quantize(w[i], s, -q, q);
      out[i] = static_cast<int8_t>(v);
      sum += v;
    }
    return sum;
  }
  scratch.resize(static_cast<size_t>(n));
  fn(w, n, s, -q, q, 128, scratch.data());
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t u = scratch[static_cast<size_t>(i)];
    out[i] = static_cast<int8_t>(u ^ 0x80);
    sum += u;
  }
  return sum - 128 * static_cast<int32_t>(n);
}

}  // namespace

Result<Q8Layer> prepareLayer(const Node& node, const Shape& in, const Shape& out) {
  const NodeQuant& q = node.quant;
  Q8Layer l;
  if (node.kind != OpKind::Convolution && node.kind != OpKind::InnerProduct)
    return unsupported(label(node) + ": only Convolution and InnerProduct run in integers");
  if (q.bits != 8 && q.bits != 7) return invalidArgument(label(node) + ": integer width " + std::to_string(q.bits) + " (8 or 7)");
  if (!goodScale(q.input_scale))
    return invalidArgument(label(node) + ": input scale " + std::to_string(q.input_scale) + " must be finite and > 0");
  if (q.weight_qmax < 1 || q.weight_qmax > 127)
    return invalidArgument(label(node) + ": weight qmax " + std::to_string(q.weight_qmax) + " (1..127)");
  if (node.weights.empty()) return invalidArgument(label(node) + ": no weights");
  l.conv = node.kind == OpKind::Convolution;
  l.bits = q.bits;
  l.in_scale = q.input_scale;
  const float qmaxIn = q.unsigned_input ? static_cast<float>((1 << q.bits) - 1) : static_cast<float>((1 << (q.bits - 1)) - 1);
  l.in_lo = q.unsigned_input ? 0.f : -qmaxIn;
  l.in_hi = qmaxIn;
  l.in_q = q.quantized_input;
  if (q.writesIntegers()) {
    if (q.output_bits != 8 && q.output_bits != 7)
      return invalidArgument(label(node) + ": output integer width " + std::to_string(q.output_bits) + " (8 or 7)");
    if (!goodScale(q.output_scale))
      return invalidArgument(label(node) + ": output scale " + std::to_string(q.output_scale) + " must be finite and > 0");
    const float qmaxOut = q.output_unsigned ? static_cast<float>((1 << q.output_bits) - 1)
                                            : static_cast<float>((1 << (q.output_bits - 1)) - 1);
    l.out_q = true;
    l.out_scale = q.output_scale;
    l.out_lo = q.output_unsigned ? 0.f : -qmaxOut;
    l.out_hi = qmaxOut;
  }
  if (q.residual_add) {
    if (node.kind != OpKind::Convolution || q.writesIntegers())
      return invalidArgument(label(node) + ": a residual add needs a convolution with float output");
    if (q.residual_act.kind != ActKind::None && q.residual_act.kind != ActKind::ReLU)
      return unsupported(label(node) + ": residual activation " + toString(q.residual_act.kind) + " (None or ReLU)");
    l.residual = true;
    l.res_relu = q.residual_act.kind == ActKind::ReLU;
  }
  if (q.twin_scale != 0.f || q.twin_bits != 0) {
    if (!q.residual_add) return invalidArgument(label(node) + ": an integer twin of the output needs a residual add");
    if (q.twin_bits != 8 && q.twin_bits != 7)
      return invalidArgument(label(node) + ": twin integer width " + std::to_string(q.twin_bits) + " (8 or 7)");
    if (!goodScale(q.twin_scale))
      return invalidArgument(label(node) + ": twin scale " + std::to_string(q.twin_scale) + " must be finite and > 0");
    const float qmaxTwin = q.twin_unsigned ? static_cast<float>((1 << q.twin_bits) - 1) : static_cast<float>((1 << (q.twin_bits - 1)) - 1);
    l.twin = true;
    l.twin_scale = q.twin_scale;
    l.twin_lo = q.twin_unsigned ? 0.f : -qmaxTwin;
    l.twin_hi = qmaxTwin;
  }
  bool hasBias = false;
  if (l.conv) {
    l.p = node.p<ConvParams>();
    if (in.size() != 4 || out.size() != 4) return shapeError(label(node) + ": integer convolution needs 4-D tensors");
    l.c = in[1], l.h = in[2], l.w = in[3];
    l.oc = out[1], l.oh = out[2], l.ow = out[3];
    l.k = (l.c / l.p.group) * l.p.kernel_h * l.p.kernel_w;
    l.act = l.p.act;
    hasBias = l.p.bias;
    l.pad_q = quantize(l.p.pad_value, l.in_scale, l.in_lo, l.in_hi);
  } else {
    const auto& ip = node.p<InnerProductParams>();
    l.oc = ip.num_output;
    l.c = l.oc > 0 ? node.weights[0].numel() / l.oc : 0;
    l.k = l.c;
    l.act = ip.act;
    hasBias = ip.bias;
  }
  if (static_cast<int64_t>(q.weight_scales.size()) != l.oc)
    return invalidArgument(label(node) + ": " + std::to_string(q.weight_scales.size()) + " weight scales for " +
                           std::to_string(l.oc) + " output channels");
  if (node.weights[0].numel() != l.oc * l.k)
    return shapeError(label(node) + ": weights hold " + std::to_string(node.weights[0].numel()) + " values, expected " +
                      std::to_string(l.oc * l.k));
  l.wq.resize(static_cast<size_t>(l.oc * l.k));
  l.wsum.assign(static_cast<size_t>(l.oc), 0);
  l.deq.resize(static_cast<size_t>(l.oc));
  l.bias.assign(static_cast<size_t>(l.oc), 0.f);
  const float* w = node.weights[0].f32();
  const float wq = static_cast<float>(q.weight_qmax);
  const Q8QuantizeRowFn rowFn = q8Rows(activeIsa()).quantize;
  std::vector<uint8_t> scratch;
  for (int64_t o = 0; o < l.oc; ++o) {
    const float s = q.weight_scales[static_cast<size_t>(o)];
    if (!goodScale(s))
      return invalidArgument(label(node) + ": weight scale " + std::to_string(o) + " is " + std::to_string(s) +
                             " (must be finite and > 0)");
    l.wsum[static_cast<size_t>(o)] = quantizeWeightRow(rowFn, w + o * l.k, l.k, s, wq, l.wq.data() + o * l.k, scratch);
    l.deq[static_cast<size_t>(o)] = 1.f / (l.in_scale * s);
    if (hasBias && node.weights.size() > 1) l.bias[static_cast<size_t>(o)] = node.weights[1].f32()[o];
  }
  return l;
}

std::vector<int8_t> packWeightPanels(const Q8Layer& l, int64_t rows) {
  const int64_t groups = (l.k + 3) / 4, tiles = (l.oc + rows - 1) / rows;
  std::vector<int8_t> out(static_cast<size_t>(tiles * groups * rows * 4), 0);
  for (int64_t o = 0; o < l.oc; ++o) {
    const int8_t* src = l.wq.data() + o * l.k;
    int8_t* dst = out.data() + ((o / rows) * groups * rows + o % rows) * 4;
    for (int64_t g = 0; g < groups; ++g, dst += rows * 4)
      for (int64_t j = 0; j < 4 && g * 4 + j < l.k; ++j) dst[j] = src[g * 4 + j];
  }
  return out;
}

}  // namespace eqw::kernels::q8
