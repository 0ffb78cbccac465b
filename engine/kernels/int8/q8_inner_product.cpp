// Integer fully connected layer on AVX-512 VNNI: weights packed once in blocks of 16 outputs x 4
// inputs, the input quantized (+128) once per run, one vpdpbusd per 64 products, the shared
// dequantization. Without VNNI the integer reference runs it (fully connected layers are a small
// share of a CNN's work).
#include <algorithm>
#include <new>

#include "core/parallel.h"
#include "kernels/int8/q8_depthwise.h"

namespace eqw::kernels::q8 {

#if defined(EQW_X86_KERNELS)
void q8GemvAvx512Vnni(int64_t kGroups, const int8_t* w, int64_t blocks, const uint8_t* x, int32_t* out);
#endif

namespace {

constexpr int kBlock = 16;

class Q8InnerProduct final : public OpKernel {
 public:
  Q8InnerProduct(Q8Layer l, Q8Rows rows) : l_(std::move(l)), rows_(rows) {
    kGroups_ = (l_.k + 3) / 4;
    blocks_ = (l_.oc + kBlock - 1) / kBlock;
    shift_ = l_.in_lo < 0.f ? 128 : 0;
    wpack_ = packWeightPanels(l_, kBlock);
    xq_.assign(static_cast<size_t>(kGroups_ * 4), static_cast<uint8_t>(shift_));
    acc_.resize(static_cast<size_t>(blocks_ * kBlock));
  }

  const char* name() const override { return "q8_inner_product_avx512vnni"; }

  Status run(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    if (in.empty() || out.empty() || in[0]->numel() != l_.k || out[0]->numel() != l_.oc ||
        in[0]->dtype() != inputDType(l_) || out[0]->dtype() != outputDType(l_))
      return internalError(std::string(name()) + ": tensors do not match the shapes the kernel was built for");
    if (l_.in_q) shiftInputBytes(in[0]->data<uint8_t>(), l_.k, shift_, xq_.data());
    else rows_.quantize(in[0]->f32(), l_.k, l_.in_scale, l_.in_lo, l_.in_hi, shift_, xq_.data());
    // Output blocks split over the workers, four at a time (the gemv's unit).
    const int64_t quads = (blocks_ + 3) / 4;
    parallelFor(ctx.pool, quads, 1, [&](int64_t b, int64_t e) {
      const int64_t first = b * 4, count = std::min(blocks_, e * 4) - first;
      q8GemvAvx512Vnni(kGroups_, wpack_.data() + first * kGroups_ * kBlock * 4, count, xq_.data(),
                       acc_.data() + first * kBlock);
    });
    for (int64_t o = 0; o < l_.oc; ++o) {
      const float y = dequantize(l_, o, acc_[static_cast<size_t>(o)] - shift_ * l_.wsum[static_cast<size_t>(o)]);
      if (l_.out_q) out[0]->data<uint8_t>()[o] = requantize(l_, y);
      else out[0]->f32()[o] = y;
    }
    return Status::ok();
  }

 private:
  Q8Layer l_;
  Q8Rows rows_;
  int64_t kGroups_ = 0, blocks_ = 0;
  int32_t shift_ = 128;
  std::vector<int8_t> wpack_;
  std::vector<uint8_t> xq_;
  std::vector<int32_t> acc_;
};

}  // namespace

Result<KernelPtr> makeQ8InnerProduct(const Node& resolved, const std::vector<Shape>& in, const std::vector<Shape>& out,
                                     Isa isa) {
#if defined(EQW_X86_KERNELS)
  const Q8Rows rows = q8Rows(isa);
  if (resolved.kind != OpKind::InnerProduct || std::string(rows.isa) != "avx512vnni" || in.empty() || out.empty())
    return KernelPtr{};
  auto l = prepareLayer(resolved, in[0], out[0]);
  if (!l) return l.status();
  try {
    return KernelPtr(new Q8InnerProduct(std::move(l.value()), rows));
  } catch (const std::bad_alloc&) {
    return internalError("node '" + resolved.name + "': out of memory while packing its integer weights");
  }
#else
  (void)resolved, (void)in, (void)out, (void)isa;
  return KernelPtr{};
#endif
}

}  // namespace eqw::kernels::q8
