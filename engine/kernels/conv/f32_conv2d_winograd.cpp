#include "kernels/conv/f32_conv2d_winograd.h"

#include "core/parallel.h"
#include "kernels/fast_kernel.h"

#include <algorithm>
#include <new>
#include <string>

namespace eqw::kernels {
namespace {

// G (6x3) of F(4, 3): u = G g G^T.
constexpr double kG[6][3] = {{1.0 / 4, 0, 0},
                             {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                             {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                             {1.0 / 24, 1.0 / 12, 1.0 / 6},
                             {1.0 / 24, -1.0 / 12, 1.0 / 6},
                             {0, 0, 1}};

int64_t roundUp(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

F32WinogradGeom makeGeom(const F32ConvSetup& s, int vec) {
  F32WinogradGeom g;
  g.c = s.c, g.h = s.h, g.w = s.w, g.oc = s.oc, g.oh = s.oh, g.ow = s.ow;
  g.cPad = roundUp(s.c, vec), g.ocPad = roundUp(s.oc, vec);
  g.tilesY = (s.oh + 3) / 4, g.tilesX = (s.ow + 3) / 4;
  g.hp = 4 * g.tilesY + 2, g.wp = 4 * g.tilesX + 2;
  g.padTop = s.p.pads.top, g.padLeft = s.p.pads.left;
  return g;
}

class F32Conv2dWinograd final : public FastKernel {
 public:
  F32Conv2dWinograd(const F32ConvSetup& s, const FastUkernels& uk)
      : FastKernel(std::string("f32_conv2d_winograd43_") + uk.isaName, {{1, s.c, s.h, s.w}}, {{1, s.oc, s.oh, s.ow}}),
        s_(s),
        uk_(uk),
        g_(makeGeom(s, uk.vectorFloats)) {}

  void init() {
    tiles_ = g_.tilesY * g_.tilesX;
    panels_ = (g_.ocPad + uk_.gemm.nr - 1) / uk_.gemm.nr;
    transformWeights();
    if (s_.bias) bias_.assign(s_.bias, s_.bias + s_.oc);
    s_.weights = s_.bias = nullptr;
    makeBlockedInput();
    v_ = Tensor({36 * tiles_ * g_.cPad});
    m_ = Tensor({36 * tiles_ * g_.ocPad});
  }

 protected:
  Status compute(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    const float* x = in[0]->f32();
    float* y = out[0]->f32();
    const WinogradFns& w = uk_.winograd;
    float* xb = xb_.f32();
    parallelFor(ctx.pool, g_.h, taskGrain(ctx, g_.h, 2),
                [&](int64_t b, int64_t e) { w.packInput(g_, x, xb, b, e); });
    parallelFor(ctx.pool, tiles_, taskGrain(ctx, tiles_),
                [&](int64_t b, int64_t e) { w.inputTransform(g_, xb, v_.f32(), b, e); });
    const int64_t mr = uk_.gemm.mr, rowBlocks = (tiles_ + mr - 1) / mr;
    // xi outermost, then the weight panel: it stays in cache while the tile rows sweep it.
    const int64_t tasks = 36 * panels_ * rowBlocks;
    parallelFor(ctx.pool, tasks, taskGrain(ctx, tasks), [&](int64_t b, int64_t e) {
      for (int64_t t = b; t < e; ++t) gemmTile(t / (panels_ * rowBlocks), (t / rowBlocks) % panels_, t % rowBlocks);
    });
    const float* bias = bias_.empty() ? nullptr : bias_.data();
    parallelFor(ctx.pool, g_.tilesY, 1, [&](int64_t b, int64_t e) {
      w.outputTransform(g_, m_.f32(), bias, s_.ep, y, b, e);
      if (s_.postAct) {
        for (int64_t oc = 0; oc < g_.oc; ++oc)
          for (int64_t oy = 4 * b; oy < std::min(g_.oh, 4 * e); ++oy)
            for (int64_t ox = 0; ox < g_.ow; ++ox) {
              float& v = y[(oc * g_.oh + oy) * g_.ow + ox];
              v = applyActivation(s_.p.act, v);
            }
      }
    });
    return Status::ok();
  }

 private:
  void gemmTile(int64_t xi, int64_t q, int64_t rb) {
    const int64_t nr = uk_.gemm.nr, mr = uk_.gemm.mr;
    const int64_t c0 = q * nr, t0 = rb * mr;
    const int cols = static_cast<int>(std::min(nr, g_.ocPad - c0)), rows = static_cast<int>(std::min(mr, tiles_ - t0));
    const float* a = v_.f32() + (xi * tiles_ + t0) * g_.cPad;
    const float* b = u_.f32() + (xi * panels_ + q) * g_.cPad * nr;
    float* c = m_.f32() + (xi * tiles_ + t0) * g_.ocPad + c0;
    (cols <= uk_.gemm.nrNarrow ? uk_.winograd.gemmRowsNarrow : uk_.winograd.gemmRows)(g_.cPad, a, g_.cPad, rows, b, c,
                                                                                      g_.ocPad, cols);
  }

  // u[xi][panel][c][width]: G g G^T per (oc, c), in double, packed as GEMM B panels over the
  // output channels (zero for padded channels).
  void transformWeights() {
    const int64_t nr = uk_.gemm.nr, k = g_.cPad;
    u_ = Tensor({36 * panels_ * k * nr});
    float* u = u_.f32();
    for (int64_t oc = 0; oc < s_.oc; ++oc) {
      const int64_t q = oc / nr, j = oc % nr;
      const int64_t width = std::min(nr, g_.ocPad - q * nr) <= uk_.gemm.nrNarrow ? uk_.gemm.nrNarrow : nr;
      for (int64_t c = 0; c < s_.c; ++c) {
        const float* w = s_.weights + (oc * s_.c + c) * 9;
        double gg[6][3];  // G g
        for (int i = 0; i < 6; ++i)
          for (int col = 0; col < 3; ++col)
            gg[i][col] = kG[i][0] * w[0 * 3 + col] + kG[i][1] * w[1 * 3 + col] + kG[i][2] * w[2 * 3 + col];
        for (int i = 0; i < 6; ++i)
          for (int r = 0; r < 6; ++r) {
            const double v = gg[i][0] * kG[r][0] + gg[i][1] * kG[r][1] + gg[i][2] * kG[r][2];
            u[((i * 6 + r) * panels_ + q) * k * nr + c * width + j] = static_cast<float>(v);
          }
      }
    }
  }

  // The blocked input: pad_value over the convolution's padding, zero beyond it (the parts of
  // edge tiles past the padded input, and the padded channels).
  void makeBlockedInput() {
    const int vec = uk_.vectorFloats;
    xb_ = Tensor({g_.cPad * g_.hp * g_.wp});
    const int64_t ih = s_.h + s_.p.pads.top + s_.p.pads.bottom, iw = s_.w + s_.p.pads.left + s_.p.pads.right;
    float* xb = xb_.f32();
    for (int64_t cb = 0; cb < g_.cPad / vec; ++cb)
      for (int64_t yy = 0; yy < std::min(ih, g_.hp); ++yy)
        for (int64_t xx = 0; xx < std::min(iw, g_.wp); ++xx)
          for (int l = 0; l < vec; ++l)
            if (cb * vec + l < s_.c) xb[((cb * g_.hp + yy) * g_.wp + xx) * vec + l] = s_.p.pad_value;
  }

  F32ConvSetup s_;
  const FastUkernels& uk_;
  F32WinogradGeom g_;
  int64_t tiles_ = 0, panels_ = 0;
  Tensor u_, xb_, v_, m_;
  std::vector<float> bias_;
};

}  // namespace

bool preferF32Winograd(const F32ConvSetup& s, const FastUkernels& uk) {
  const ConvParams& p = s.p;
  if (!uk.winograd.packInput || s.group != 1 || p.kernel_h != 3 || p.kernel_w != 3 || p.stride_h != 1 ||
      p.stride_w != 1 || p.dilation_h != 1 || p.dilation_w != 1)
    return false;
  const F32WinogradGeom g = makeGeom(s, uk.vectorFloats);
  const int64_t tiles = g.tilesY * g.tilesX;
  // Each transformed weight is used once per tile: with fewer than 16 tiles the 36 / 9 times
  // larger weights are read for too little work (resnet's 7x7 stage).
  if (tiles < 16 || s.c < 8 || s.oc < 8) return false;
  // Lane MACs: direct GEMM against Winograd GEMMs plus transforms (~14 and ~12 vector
  // operations per tile and channel, and per tile and output channel).
  const double direct = 9.0 * s.c * s.oc * s.oh * s.ow;
  const double wino = 36.0 * tiles * g.cPad * g.ocPad + 16.0 * tiles * (14.0 * g.cPad + 12.0 * g.ocPad);
  const double bytes = 4.0 * (36.0 * g.cPad * g.ocPad + 36.0 * tiles * (g.cPad + g.ocPad));
  return wino < 0.7 * direct && bytes < 256e6;
}

Result<KernelPtr> makeF32Conv2dWinograd(const Node& node, const F32ConvSetup& setup, const FastUkernels& uk) {
  try {
    auto k = std::make_unique<F32Conv2dWinograd>(setup, uk);
    k->init();
    return KernelPtr(std::move(k));
  } catch (const std::bad_alloc&) {
    return internalError(nodeLabel(node) + ": out of memory transforming the weights");
  }
}

}  // namespace eqw::kernels
