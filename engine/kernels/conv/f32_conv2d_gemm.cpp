#include "kernels/conv/f32_conv2d_gemm.h"

#include "core/parallel.h"
#include "kernels/fast_kernel.h"
#include "kernels/gemm/thread_scratch.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <new>
#include <string>

namespace eqw::kernels {
namespace {

class F32Conv2dGemm final : public FastKernel {
 public:
  F32Conv2dGemm(const F32ConvSetup& s, const FastUkernels& uk)
      : FastKernel(std::string("f32_conv2d_gemm_") + std::to_string(uk.gemm.mr) + "x" + std::to_string(uk.gemm.nr) +
                       "_" + uk.isaName,
                   {{1, s.c, s.h, s.w}}, {{1, s.oc, s.oh, s.ow}}),
        s_(s),
        uk_(uk) {}

  Status init() {
    const int64_t mg = s_.oc / s_.group;
    mTiles_ = (mg + uk_.gemm.mr - 1) / uk_.gemm.mr;
    n_ = s_.oh * s_.ow;
    packWeights();
    if (s_.bias) {
      bias_.assign(s_.bias, s_.bias + s_.oc);
      s_.bias = bias_.data();
    }
    s_.weights = nullptr;  // packed: the node's tensor is not needed after creation
    padded_.init(s_);
    // A 1x1 stride-1 convolution reads its panels as rows of the flattened plane.
    if (!s_.needsPad && s_.geom.kh == 1 && s_.geom.kw == 1 && s_.geom.sh == 1 && s_.geom.sw == 1) {
      s_.geom.ih = 1;
      s_.geom.iw = n_;
      s_.geom.oh = 1;
      s_.geom.ow = n_;
    }
    return Status::ok();
  }

  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const float* x = in[0]->f32();
    x = padded_.apply(x, ctx.pool);
    float* y = out[0]->f32();
    const int nr = uk_.gemm.nr;
    const int64_t panels = (n_ + nr - 1) / nr;
    const int threads = ctx.pool ? ctx.pool->threads() : 1;
    // Split weight tiles too when panels alone cannot keep every thread busy.
    int64_t chunks = 1;
    if (threads > 1) chunks = std::clamp<int64_t>((8 * threads + s_.group * panels - 1) / (s_.group * panels), 1, mTiles_);
    const int64_t tilesPerChunk = (mTiles_ + chunks - 1) / chunks;
    chunks = (mTiles_ + tilesPerChunk - 1) / tilesPerChunk;
    std::atomic<bool> failed{false};
    const int64_t tasks = s_.group * panels * chunks;
    parallelFor(ctx.pool, tasks, taskGrain(ctx, tasks), [&](int64_t b, int64_t e) {
      float* panel = threadScratch(static_cast<size_t>(s_.kGroup) * nr);
      if (!panel) {
        failed = true;
        return;
      }
      for (int64_t t = b; t < e; ++t) {
        const int64_t chunk = t % chunks, gp = t / chunks;
        runTask(x, y, gp / panels, gp % panels, chunk * tilesPerChunk,
                std::min(mTiles_, (chunk + 1) * tilesPerChunk), panel);
      }
    });
    if (failed) return internalError(name_ + ": out of memory for a packed panel");
    return Status::ok();
  }

 private:
  // Weights of group g, tile t (rows t*mr .. t*mr + rows) start at (g * mg + t * mr) * kGroup.
  void packWeights() {
    const int64_t mg = s_.oc / s_.group, k = s_.kGroup, mr = uk_.gemm.mr;
    packed_ = Tensor({s_.oc * k});
    float* dst = packed_.f32();
    for (int64_t g = 0; g < s_.group; ++g) {
      for (int64_t r0 = 0; r0 < mg; r0 += mr) {
        const int64_t rows = std::min(mr, mg - r0);
        const float* src = s_.weights + (g * mg + r0) * k;
        for (int64_t p = 0; p < k; ++p)
          for (int64_t i = 0; i < rows; ++i) *dst++ = src[i * k + p];
      }
    }
  }

  void runTask(const float* x, float* y, int64_t g, int64_t panel, int64_t t0, int64_t t1, float* buf) const {
    const F32GemmUkernels& gk = uk_.gemm;
    const int64_t n0 = panel * gk.nr;
    const int nc = static_cast<int>(std::min<int64_t>(gk.nr, n_ - n0));
    const bool narrow = nc <= gk.nrNarrow;
    const int nw = narrow ? gk.nrNarrow : gk.nr;
    const F32GemmTileFn tile = narrow ? gk.tileNarrow : gk.tile;
    const int64_t mg = s_.oc / s_.group, k = s_.kGroup;
    const float* xg = x + g * s_.geom.channels * s_.geom.ih * s_.geom.iw;
    uk_.im2colPack(s_.geom, xg, n0, nc, nw, buf);
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t r0 = t * gk.mr, row = g * mg + r0;
      const int rows = static_cast<int>(std::min<int64_t>(gk.mr, mg - r0));
      float* c = y + row * n_ + n0;
      tile(k, packed_.f32() + row * k, rows, buf, c, n_, nc, s_.bias ? s_.bias + row : nullptr, s_.ep);
      if (s_.postAct) {
        for (int i = 0; i < rows; ++i)
          for (int j = 0; j < nc; ++j) c[i * n_ + j] = applyActivation(s_.p.act, c[i * n_ + j]);
      }
    }
  }

  F32ConvSetup s_;
  const FastUkernels& uk_;
  int64_t mTiles_ = 0, n_ = 0;
  Tensor packed_;
  std::vector<float> bias_;
  F32PaddedInput padded_;
};

}  // namespace

Result<KernelPtr> makeF32Conv2dGemm(const Node& node, const F32ConvSetup& setup, const FastUkernels& uk) {
  try {
    auto k = std::make_unique<F32Conv2dGemm>(setup, uk);
    EQW_RETURN_IF_ERROR(k->init());
    return KernelPtr(std::move(k));
  } catch (const std::bad_alloc&) {
    return internalError(nodeLabel(node) + ": out of memory packing the weights");
  }
}

}  // namespace eqw::kernels
