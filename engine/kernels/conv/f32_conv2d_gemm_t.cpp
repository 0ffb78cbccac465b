#include "kernels/conv/f32_conv2d_gemm_t.h"

#include "core/parallel.h"
#include "kernels/fast_kernel.h"

#include <algorithm>
#include <new>
#include <string>

namespace eqw::kernels {
namespace {

// Columns a dimension occupies when cut into panels of `wide`, the last one narrowed to `narrow`
// when it fits.
int64_t paddedExtent(int64_t n, int64_t wide, int64_t narrow) {
  const int64_t rem = n % wide;
  return n - rem + (rem == 0 ? 0 : rem <= narrow ? narrow : wide);
}

class F32Conv2dGemmT final : public FastKernel {
 public:
  F32Conv2dGemmT(const F32ConvSetup& s, const FastUkernels& uk)
      : FastKernel(std::string("f32_conv2d_gemm_t_") + std::to_string(uk.gemm.mr) + "x" + std::to_string(uk.gemm.nr) +
                       "_" + uk.isaName,
                   {{1, s.c, s.h, s.w}}, {{1, s.oc, s.oh, s.ow}}),
        s_(s),
        uk_(uk) {}

  void init() {
    const int64_t mg = s_.oc / s_.group, k = s_.kGroup, nr = uk_.gemm.nr;
    n_ = s_.oh * s_.ow;
    chPanels_ = (mg + nr - 1) / nr;
    posTiles_ = (n_ + uk_.gemm.mr - 1) / uk_.gemm.mr;
    packWeights();
    if (s_.bias) {
      bias_.assign(s_.bias, s_.bias + s_.oc);
      s_.bias = bias_.data();
    }
    s_.weights = nullptr;
    padded_.init(s_);
    // Pixel panels of every group, packed once per run: [group][tile][k][mr].
    cols_ = Tensor({s_.group * posTiles_ * k * uk_.gemm.mr});
  }

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const float* x = padded_.apply(in[0]->f32(), ctx.pool);
    float* y = out[0]->f32();
    const int64_t k = s_.kGroup, mr = uk_.gemm.mr, groupTiles = s_.group * posTiles_;
    const int64_t planeFloats = s_.geom.channels * s_.geom.ih * s_.geom.iw;
    parallelFor(ctx.pool, groupTiles, taskGrain(ctx, groupTiles), [&](int64_t b, int64_t e) {
      for (int64_t t = b; t < e; ++t) {
        const int64_t g = t / posTiles_, n0 = (t % posTiles_) * mr;
        const int rows = static_cast<int>(std::min(mr, n_ - n0));
        uk_.im2colPack(s_.geom, x + g * planeFloats, n0, rows, rows, cols_.f32() + t * k * mr);
      }
    });
    // Weight panel outermost: it stays in L2 while every pixel tile sweeps over it.
    const int64_t tiles = s_.group * chPanels_ * posTiles_;
    parallelFor(ctx.pool, tiles, taskGrain(ctx, tiles), [&](int64_t b, int64_t e) {
      for (int64_t t = b; t < e; ++t) runTile(y, t / (chPanels_ * posTiles_), (t / posTiles_) % chPanels_, t % posTiles_);
    });
    return Status::ok();
  }

 private:
  // Panel q of group g: channels [q * nr, ...) as [k][nr] (or [k][nrNarrow] for a narrow tail),
  // zero past the last channel; every panel slot holds k * nr floats.
  void packWeights() {
    const int64_t mg = s_.oc / s_.group, k = s_.kGroup, nr = uk_.gemm.nr;
    packed_ = Tensor({s_.group * chPanels_ * k * nr});
    for (int64_t g = 0; g < s_.group; ++g) {
      for (int64_t q = 0; q < chPanels_; ++q) {
        const int64_t c0 = q * nr, cols = std::min(nr, mg - c0), width = cols <= uk_.gemm.nrNarrow ? uk_.gemm.nrNarrow : nr;
        float* dst = packed_.f32() + (g * chPanels_ + q) * k * nr;
        const float* src = s_.weights + (g * mg + c0) * k;
        for (int64_t p = 0; p < k; ++p)
          for (int64_t j = 0; j < width; ++j) dst[p * width + j] = j < cols ? src[j * k + p] : 0.f;
      }
    }
  }

  void runTile(float* y, int64_t g, int64_t q, int64_t tile) const {
    const int64_t mg = s_.oc / s_.group, k = s_.kGroup, nr = uk_.gemm.nr, mr = uk_.gemm.mr;
    const int64_t c0 = q * nr, n0 = tile * mr;
    const int cols = static_cast<int>(std::min(nr, mg - c0)), rows = static_cast<int>(std::min(mr, n_ - n0));
    const bool narrow = cols <= uk_.gemm.nrNarrow;
    const int64_t ch = g * mg + c0;
    float* c = y + ch * n_ + n0;
    (narrow ? uk_.gemm.tileTNarrow : uk_.gemm.tileT)(k, cols_.f32() + (g * posTiles_ + tile) * k * mr, rows,
                                                     packed_.f32() + (g * chPanels_ + q) * k * nr, c, n_, cols,
                                                     s_.bias ? s_.bias + ch : nullptr, s_.ep);
    if (s_.postAct) {
      for (int j = 0; j < cols; ++j)
        for (int i = 0; i < rows; ++i) c[j * n_ + i] = applyActivation(s_.p.act, c[j * n_ + i]);
    }
  }

  F32ConvSetup s_;
  const FastUkernels& uk_;
  int64_t n_ = 0, chPanels_ = 0, posTiles_ = 0;
  Tensor packed_, cols_;
  std::vector<float> bias_;
  F32PaddedInput padded_;
};

}  // namespace

double f32ConvTransposedCostRatio(const F32ConvSetup& s, const FastUkernels& uk) {
  const F32GemmUkernels& g = uk.gemm;
  const int64_t n = s.oh * s.ow, mg = s.oc / s.group, k = s.kGroup;
  // Plain: rows exact, columns padded to panels. Transposed: pixels exact, channels padded,
  // plus about half a k step per accumulator for the in-register transposes.
  const double plain = static_cast<double>(mg) * paddedExtent(n, g.nr, g.nrNarrow) * k;
  const double transposed = static_cast<double>(paddedExtent(mg, g.nr, g.nrNarrow)) * n * (k + 6);
  return transposed / plain;
}

Result<KernelPtr> makeF32Conv2dGemmT(const Node& node, const F32ConvSetup& setup, const FastUkernels& uk) {
  try {
    auto k = std::make_unique<F32Conv2dGemmT>(setup, uk);
    k->init();
    return KernelPtr(std::move(k));
  } catch (const std::bad_alloc&) {
    return internalError(nodeLabel(node) + ": out of memory packing the weights");
  }
}

}  // namespace eqw::kernels
