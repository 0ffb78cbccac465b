// Driver of the channel-blocked integer depthwise kernel: weights packed once per block of L
// channels as int16 tap pairs; each run splits the layer into (channel block x band of output
// rows) tasks so that two threads share even a 7x7 layer, and every task quantizes only the input
// rows its band reads (x86/q8_dw_impl.h).
#include "kernels/int8/q8_dw_blocked.h"

#include <algorithm>
#include <atomic>
#include <new>

#include "core/parallel.h"
#include "kernels/gemm/thread_scratch.h"
#include "kernels/int8/q8_depthwise.h"
#include "kernels/int8/q8_dw_args.h"

namespace eqw::kernels::q8 {

#if defined(EQW_X86_KERNELS)
bool q8DwTaskAvx512Vnni(const Q8DwTask& task, int k, int stride);
bool q8DwTaskAvx512(const Q8DwTask& task, int k, int stride);
bool q8DwTaskAvxVnni(const Q8DwTask& task, int k, int stride);
bool q8DwTaskAvx2(const Q8DwTask& task, int k, int stride);
#endif

namespace {

struct DwLevel {
  const char* isa = "";
  int lanes = 0;
  Q8DwTaskFn fn = nullptr;
};

DwLevel dwLevel(Isa isa) {
#if defined(EQW_X86_KERNELS)
  const int level = static_cast<int>(isa);
  auto allows = [&](Isa l) { return level >= static_cast<int>(l) && isaSupported(l); };
  if (allows(Isa::Avx512Vnni)) return {"avx512vnni", 16, q8DwTaskAvx512Vnni};
  if (allows(Isa::Avx512)) return {"avx512", 16, q8DwTaskAvx512};
  if (allows(Isa::AvxVnni)) return {"avxvnni", 8, q8DwTaskAvxVnni};
  if (allows(Isa::Avx2)) return {"avx2", 8, q8DwTaskAvx2};
#else
  (void)isa;
#endif
  return {};
}

// The activation code of Q8DwTask::act; -1 for those applied after the task (with applyActivation,
// as the reference does).
int taskActivation(const Activation& act) {
  switch (act.kind) {
    case ActKind::LeakyReLU: return 3;
    case ActKind::HardSigmoid: return 4;
    case ActKind::HardSwish: return 5;
    default: return rowActivation(act);
  }
}

// Output pixels per task: its tap-pair rows (64 bytes per input pixel on AVX-512) stay within L2
// between being written and being read.
constexpr int64_t kBandPixels = 2048;

class Q8DwBlocked final : public OpKernel {
 public:
  Q8DwBlocked(Q8Layer l, DwLevel level)
      : l_(std::move(l)), level_(level), name_("q8_dwconv_c" + std::to_string(level.lanes) + "_" + level.isa) {
    L_ = level_.lanes;
    k_ = l_.p.kernel_h;
    s_ = l_.p.stride_h;
    blocks_ = (l_.c + L_ - 1) / L_;
    wp_ = l_.w + l_.p.pads.left + l_.p.pads.right;
    act_ = taskActivation(l_.act);
    pack();
  }

  const char* name() const override { return name_.c_str(); }

  Status run(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    if (in.empty() || out.empty() || in[0]->numel() != l_.c * l_.h * l_.w || out[0]->numel() != l_.oc * l_.oh * l_.ow ||
        in[0]->dtype() != inputDType(l_) || out[0]->dtype() != outputDType(l_))
      return internalError(name_ + ": tensors do not match the shapes the kernel was built for");
    const int64_t bandRows = chooseBandRows(ctx.pool ? ctx.pool->threads() : 1);
    const int64_t bands = (l_.oh + bandRows - 1) / bandRows;
    const int64_t rows = (bandRows - 1) * s_ + k_;
    const int64_t ints = (l_.w < L_ ? 2 * rows + 1 : rows + 2) * wp_ * L_;  // q8_dw_args.h
    const Tensor& x = *in[0];
    Tensor& y = *out[0];
    std::atomic<bool> failed{false};
    parallelFor(ctx.pool, blocks_ * bands, 1, [&](int64_t b, int64_t e) {
      // Kept per thread across runs: no allocation or page faults in the steady state.
      auto* scratch = reinterpret_cast<int32_t*>(threadScratch(static_cast<size_t>(ints)));
      if (!scratch) {
        failed = true;
        return;
      }
      for (int64_t t = b; t < e; ++t)
        if (!runTask(x, y, t / bands, t % bands * bandRows, bandRows, scratch)) failed = true;
    });
    if (failed) return internalError(name_ + ": out of memory for its rows, or a geometry its tasks refused");
    return Status::ok();
  }

 private:
  // w2_: per block [(k + 1) / 2][k][L] int32 holding (w[2j][kx], w[2j + 1][kx]) as int16 lo, hi
  // (0 past the kernel's last row); deq_, bias_: [blocks * L], zeros past the last channel.
  void pack() {
    const int pairs = (k_ + 1) / 2;
    w2_.assign(static_cast<size_t>(blocks_ * pairs * k_ * L_), 0);
    deq_.assign(static_cast<size_t>(blocks_ * L_), 0.f);
    bias_.assign(static_cast<size_t>(blocks_ * L_), 0.f);
    for (int64_t c = 0; c < l_.c; ++c) {
      const int64_t blk = c / L_, lane = c % L_;
      const int8_t* w = l_.wq.data() + c * l_.k;
      for (int j = 0; j < pairs; ++j)
        for (int kx = 0; kx < k_; ++kx) {
          const uint32_t lo = static_cast<uint16_t>(static_cast<int16_t>(w[2 * j * k_ + kx]));
          const uint32_t hi = 2 * j + 1 < k_ ? static_cast<uint16_t>(static_cast<int16_t>(w[(2 * j + 1) * k_ + kx])) : 0u;
          w2_[static_cast<size_t>(((blk * pairs + j) * k_ + kx) * L_ + lane)] = static_cast<int32_t>(lo | hi << 16);
        }
      deq_[static_cast<size_t>(c)] = l_.deq[static_cast<size_t>(c)];
      bias_[static_cast<size_t>(c)] = l_.bias[static_cast<size_t>(c)];
    }
  }

  // Rows per band: at most kBandPixels output pixels, and with several threads at least four
  // tasks per thread when the rows allow.
  int64_t chooseBandRows(int threads) const {
    int64_t rows = std::max<int64_t>(1, std::min<int64_t>(l_.oh, kBandPixels / std::max<int64_t>(1, l_.ow)));
    if (threads > 1) {
      const int64_t bands = (4 * threads + blocks_ - 1) / blocks_;
      rows = std::min(rows, std::max<int64_t>(1, (l_.oh + bands - 1) / bands));
    }
    return rows;
  }

  // False when the ISA's task refuses the geometry (covered() rules that out).
  bool runTask(const Tensor& x, Tensor& y, int64_t blk, int64_t oy0, int64_t bandRows, int32_t* scratch) const {
    const ConvParams& p = l_.p;
    Q8DwTask t;
    const int64_t c0 = blk * L_;
    if (l_.in_q) t.xq = x.data<uint8_t>() + c0 * l_.h * l_.w, t.xSigned = l_.in_lo < 0.f;
    else t.x = x.f32() + c0 * l_.h * l_.w;
    if (l_.out_q) t.yq = y.data<uint8_t>() + c0 * l_.oh * l_.ow;
    else t.y = y.f32() + c0 * l_.oh * l_.ow;
    t.outScale = l_.out_scale, t.outLo = l_.out_lo, t.outHi = l_.out_hi;
    t.channels = static_cast<int>(std::min<int64_t>(L_, l_.c - c0));
    t.h = l_.h, t.w = l_.w, t.oh = l_.oh, t.ow = l_.ow;
    t.padTop = p.pads.top, t.padLeft = p.pads.left, t.padRight = p.pads.right;
    t.oy0 = oy0, t.oy1 = std::min(l_.oh, oy0 + bandRows);
    t.scale = l_.in_scale, t.lo = l_.in_lo, t.hi = l_.in_hi, t.padQ = l_.pad_q;
    t.w2 = w2_.data() + blk * ((k_ + 1) / 2) * k_ * L_;
    t.deq = deq_.data() + c0;
    t.bias = bias_.data() + c0;
    t.act = act_ < 0 ? 0 : act_;
    t.a = l_.act.a, t.b = l_.act.b;
    t.scratch = scratch;
    if (!level_.fn(t, k_, s_)) return false;
    if (act_ >= 0) return true;
    for (int c = 0; c < t.channels; ++c) {
      float* row = t.y + c * l_.oh * l_.ow;
      for (int64_t i = t.oy0 * l_.ow; i < t.oy1 * l_.ow; ++i) row[i] = applyActivation(l_.act, row[i]);
    }
    return true;
  }

  Q8Layer l_;
  DwLevel level_;
  std::string name_;
  int L_ = 16, k_ = 3, s_ = 1, act_ = 0;
  int64_t blocks_ = 0, wp_ = 0;
  std::vector<int32_t> w2_;
  std::vector<float> deq_, bias_;
};

// The geometry the tasks assume: a square k x k kernel, k in {3, 5}, equal strides 1 or 2, no
// dilation, and output columns that stay within the padded row (the rows are framed anyway).
bool covered(const ConvParams& p, const Shape& in, const Shape& out) {
  const Pads2d& pd = p.pads;
  if (in.size() != 4 || out.size() != 4 || pd.top < 0 || pd.left < 0 || pd.bottom < 0 || pd.right < 0) return false;
  if ((out[3] - 1) * p.stride_w + p.kernel_w > in[3] + pd.left + pd.right) return false;
  return p.kernel_h == p.kernel_w && (p.kernel_h == 3 || p.kernel_h == 5) && p.stride_h == p.stride_w &&
         (p.stride_h == 1 || p.stride_h == 2) && p.dilation_h == 1 && p.dilation_w == 1;
}

}  // namespace

Result<KernelPtr> makeQ8DwBlocked(const Node& resolved, const std::vector<Shape>& in, const std::vector<Shape>& out,
                                  Isa isa) {
  const DwLevel level = dwLevel(isa);
  if (!level.fn || !isDepthwise(resolved, in) || out.empty() || !covered(resolved.p<ConvParams>(), in[0], out[0]))
    return KernelPtr{};
  // An activation the tasks do not fuse is applied to floats after them: with an integer output
  // (the int8 flow) there are none, so the per-channel kernel runs such a layer.
  if (resolved.quant.writesIntegers() && taskActivation(resolved.p<ConvParams>().act) < 0) return KernelPtr{};
  auto l = prepareLayer(resolved, in[0], out[0]);
  if (!l) return l.status();
  try {
    return KernelPtr(new Q8DwBlocked(std::move(l.value()), level));
  } catch (const std::bad_alloc&) {
    return internalError("node '" + resolved.name + "': out of memory while packing its integer depthwise weights");
  }
}

}  // namespace eqw::kernels::q8
