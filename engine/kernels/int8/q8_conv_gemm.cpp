// Integer convolution as a packed GEMM: weights packed once into kTileRows-channel panels of
// 4-deep k groups; per run the input is quantized (+128 when signed) and, where it has pads,
// framed by the pad value; each task unrolls (im2col) a block of kTilePixels-pixel panels of the
// same k groups straight from those planes and runs the ISA's tile for its channel tiles over
// them, each tile followed by its dequantization (and requantization on the int8 flow). Stride-1
// layers with channels in fours frame their input four channels deep where the ISA copies panels
// from such planes (AVX-512 VNNI: packC4), the weights' k reordered to match. Stride-2
// layers pack from planes split by column parity (or, 1x1 without pads, a compact input), and
// last row / pixel tiles run partial tiles where the ISA has them. Grouped convolutions are not
// covered (the reference runs them).
#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/parallel.h"
#include "kernels/int8/q8_depthwise.h"
#include "kernels/int8/q8_kernels.h"

namespace eqw::kernels::q8 {

namespace {

class Q8ConvGemm final : public OpKernel {
 public:
  Q8ConvGemm(Q8Layer l, Q8Tile tile, std::string name) : l_(std::move(l)), tile_(tile), name_(std::move(name)) {
    act_ = rowActivation(l_.act);
    kGroups_ = (l_.k + 3) / 4;
    pixels_ = l_.oh * l_.ow;
    rowTiles_ = (l_.oc + kTileRows - 1) / kTileRows;
    pixelTiles_ = (pixels_ + kTilePixels - 1) / kTilePixels;
    shift_ = l_.in_lo < 0.f ? 128 : 0;
    const ConvParams& p = l_.p;
    c4_ = tile_.packC4 && l_.c % 4 == 0 && p.stride_h == 1 && p.stride_w == 1 && p.kernel_h * p.kernel_w > 1;
    wpack_ = c4_ ? packWeightPanels(channelsInner(l_), kTileRows) : packWeightPanels(l_, kTileRows);
    corr_.resize(static_cast<size_t>(l_.oc));
    for (int64_t o = 0; o < l_.oc; ++o) corr_[static_cast<size_t>(o)] = shift_ * l_.wsum[static_cast<size_t>(o)];
    planFrame();
    planPhases();
  }

  const char* name() const override { return name_.c_str(); }
  // A residual layer may write over its shortcut (storeResidual reads each element of `other`
  // before it writes y at the same index).
  int inPlaceInput() const override { return l_.residual ? 1 : -1; }

  // Each task packs a block of pixel tiles' input panels (im2col and interleave in one step, into
  // a thread's L2-sized buffer) and runs a run of channel tiles over them while they are hot: no
  // unrolled matrix of K x pixels goes through memory. With several threads and few pixel tiles
  // (7x7 planes) the channel tiles are split into chunks, which share the panels packed once.
  Status run(const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out, const ExecContext& ctx) override {
    if (in.empty() || out.empty() || in[0]->numel() != l_.c * l_.h * l_.w || out[0]->numel() != l_.oc * pixels_ ||
        in[0]->dtype() != inputDType(l_) || out[0]->dtype() != outputDType(l_))
      return internalError(name_ + ": tensors do not match the shapes the kernel was built for");
    // A residual layer's second input: the output's shape in floats (Q8Layer::residual).
    const float* other = nullptr;
    if (l_.residual) {
      if (in.size() != 2 || !in[1] || in[1]->dtype() != DType::F32 || in[1]->numel() != out[0]->numel())
        return internalError(name_ + ": the residual input is missing or does not match the output");
      other = in[1]->f32();
    }
    uint8_t* twin = nullptr;  // the residual output's integer twin (Q8Layer::twin)
    if (l_.twin) {
      if (out.size() != 2 || !out[1] || out[1]->dtype() != twinDType(l_) || out[1]->numel() != out[0]->numel())
        return internalError(name_ + ": the integer twin output is missing or does not match the output");
      twin = out[1]->data<uint8_t>();
    }
    try {
      quantizeInput(*in[0], ctx);
      if (c4_) frameC4(ctx);
      else if (!pointwise_ && !direct_) frame(ctx);
      if (phased_) splitPhases(ctx);
      if (subsample_ && l_.in_q) subsample(ctx);
    } catch (const std::bad_alloc&) {
      return internalError(name_ + ": out of memory for the packed input");
    }
    // Tasks are blocks of pixel tiles whose panels fit a share of L2 (kBlockBytes), channel tiles
    // outer within a block: each output row gets a run of block * kTilePixels values at a time
    // (few write streams), and the weights are read once per block.
    // With several threads, a plane whose panels all fit one block (1x1 layers on 28x28 and
    // smaller planes) is split by channels only, where every task gets 4 or more channel tiles:
    // each task writes whole output rows, where pixel blocks of
    // 7x7 or 14x14 planes would put two threads' writes in the same cache lines (rows of 196
    // floats are not whole lines) and make each core write rows the other last wrote. resnet50's
    // residual 1x1 layers at 2 threads: res3 1.02 -> 0.67 ms, res4 1.24 -> 0.79 ms, res5 0.47 ->
    // 0.35 ms. With fewer channel tiles the repeated packing cost more than that saved
    // (squeezenet's 3x3 layers on 13x13 planes, 22 channel tiles, measured slower split so),
    // before the chunks shared their panels; squeezenet measured within this host's noise of
    // that with 4 tiles a thread, so the condition stays.
    constexpr int64_t kBlockBytes = 128 * 1024;
    const int threads = ctx.pool ? ctx.pool->threads() : 1;
    const int64_t panelBytes = kGroups_ * kTilePixels * 4;
    int64_t block = std::clamp<int64_t>(kBlockBytes / panelBytes, 1, pixelTiles_);
    // Splitting resnet50's res2 residual layers (22 channel tiles, 98 pixel tiles) by channels as
    // well made them faster at 2 threads (0.25 -> 0.20 ms each) but the 1x1 layer after each
    // slower by as much (it reads the twin by pixels, now written by the other core): the whole
    // network measured the same (8.94 ms both, eight alternating rounds), so it was taken out.
    const bool byChannels = threads > 1 && block == pixelTiles_ && rowTiles_ >= 16 * threads;
    if (threads > 1 && !byChannels) block = std::min<int64_t>(block, std::max<int64_t>(1, pixelTiles_ / (4 * threads)));
    const int64_t blocks = (pixelTiles_ + block - 1) / block;
    const int64_t chunks = threads <= 1 ? 1 : std::clamp<int64_t>((4 * threads + blocks - 1) / blocks, 1, rowTiles_);
    // Channel chunks of one block would each pack its panels again; where all the plane's panels
    // fit kSharedPanelBytes they are packed once, split between the threads, and shared. resnet50
    // at 2 threads, per-layer totals: 8.95 -> 8.41 ms (res4 3x3 layers 1.47 -> 1.31, res5 0.83 ->
    // 0.68 ms); 1 thread never has chunks.
    // With several pixel blocks, each shared panel is packed by the first task that needs it,
    // inside the GEMM's parallel region (panelState_), instead of in a region of its own before
    // it: one fork and join less per layer, and no core idle while the other packs a last odd
    // panel (7 panels on 14x14 planes, 2 on 7x7). With one block every task wants every panel
    // at once, so they are packed first, split between the threads.
    const bool sharePanels = chunks > 1 && pixelTiles_ * panelBytes <= kSharedPanelBytes;
    const bool packOnDemand = sharePanels && blocks > 1;
    if (sharePanels) {
      try {
        shared_.resize(static_cast<size_t>(pixelTiles_ * panelBytes));
        if (packOnDemand && !panelState_) panelState_ = std::make_unique<std::atomic<uint8_t>[]>(static_cast<size_t>(pixelTiles_));
      } catch (const std::bad_alloc&) {
        return internalError(name_ + ": out of memory for the packed input");
      }
      if (packOnDemand) {
        for (int64_t pt = 0; pt < pixelTiles_; ++pt) panelState_[pt].store(kPanelUnpacked, std::memory_order_relaxed);
      } else {
        parallelFor(ctx.pool, pixelTiles_, 1, [&](int64_t b, int64_t e) {
          for (int64_t pt = b; pt < e; ++pt) packPanel(pt, shared_.data() + pt * panelBytes);
        });
      }
    }
    void* y = out[0]->data<void>();
    std::atomic<bool> oom{false};
    parallelFor(ctx.pool, blocks * chunks, 1, [&](int64_t b, int64_t e) {
      thread_local std::vector<uint8_t> panels;
      try {
        if (!sharePanels) panels.resize(static_cast<size_t>(block * panelBytes));
      } catch (const std::bad_alloc&) {
        oom = true;
        return;
      }
      alignas(64) int32_t c[kTileRows * kTilePixels];
      for (int64_t t = b; t < e; ++t) {
        const int64_t pb = t / chunks, chunk = t % chunks;
        const int64_t p0 = pb * block, p1 = std::min(pixelTiles_, p0 + block);
        const uint8_t* base = sharePanels ? shared_.data() + p0 * panelBytes : panels.data();
        if (!sharePanels)
          for (int64_t pt = p0; pt < p1; ++pt) packPanel(pt, panels.data() + (pt - p0) * panelBytes);
        if (packOnDemand)
          for (int64_t pt = p0; pt < p1; ++pt) awaitPanel(pt, panelBytes);
        for (int64_t rt = chunk * rowTiles_ / chunks, re = (chunk + 1) * rowTiles_ / chunks; rt < re; ++rt)
          for (int64_t pt = p0; pt < p1; ++pt) {
            runTile(rt, pt, base + (pt - p0) * panelBytes, c);
            store(c, rt, pt, y, other, twin, threads > 1);
          }
      }
    });
    if (oom) return internalError(name_ + ": out of memory for the packed input");
    return Status::ok();
  }

 private:
  // Shared panel pt, packed by this thread if no other has claimed it, else waited for: the
  // thread that claimed it is packing it (a copy that waits on nothing), so the wait is short.
  void awaitPanel(int64_t pt, int64_t panelBytes) {
    std::atomic<uint8_t>& state = panelState_[pt];
    if (state.load(std::memory_order_acquire) == kPanelReady) return;
    uint8_t unpacked = kPanelUnpacked;
    if (state.compare_exchange_strong(unpacked, kPanelPacking, std::memory_order_acquire)) {
      packPanel(pt, shared_.data() + pt * panelBytes);
      state.store(kPanelReady, std::memory_order_release);
      return;
    }
    while (state.load(std::memory_order_acquire) != kPanelReady) {
#if defined(__SSE2__)
      _mm_pause();
#endif
    }
  }

  // One tile's sums into c: a partial tile for a last row tile of < 12 channels or a last pixel
  // tile of < 32 pixels where the ISA has one, else the 16-pixel tile for <= 16 pixels.
  void runTile(int64_t rt, int64_t pt, const uint8_t* panel, int32_t* c) const {
    const int8_t* w = wpack_.data() + rt * kGroups_ * kTileRows * 4;
    const int64_t count = std::min<int64_t>(kTilePixels, pixels_ - pt * kTilePixels);
    const int64_t rows = std::min<int64_t>(kTileRows, l_.oc - rt * kTileRows);
    if (tile_.part && (rows < kTileRows || count < kTilePixels))
      return tile_.part(static_cast<int>(rows), static_cast<int>(count), kGroups_, w, panel, c);
    const Q8GemmTileFn fn = tile_.fn16 && count <= 16 ? tile_.fn16 : tile_.fn;
    fn(kGroups_, w, panel, c);
  }

  // Whether the passes over the input (quantize, frame, subsample) split it by pixels, as run()
  // splits the output, instead of by channels: with several threads, each core then reads the
  // part of a plane that it wrote in the layer before (a residual sum, an int8 output), from its
  // own cache. Only for planes of 1024 pixels or more per thread: on 28x28 planes (resnet50's
  // res3, 392 per thread on 2 cores) the pixel split measured slower than the channel split.
  static bool byPixels(int64_t planePixels, const ExecContext& ctx) {
    return ctx.pool && ctx.pool->threads() > 1 && planePixels >= 1024 * ctx.pool->threads();
  }

  // src_: the input as bytes, shifted by rawShift_ more on their way into the panels. An integer
  // input (the int8 flow) is read in place: the shift (+128 on a signed grid) is applied where
  // the bytes are copied anyway (framing, interleaving), not in a pass of its own.
  void quantizeInput(const Tensor& in, const ExecContext& ctx) {
    const int64_t n = l_.c * l_.h * l_.w;
    if (l_.in_q) {
      src_ = in.data<uint8_t>();
      rawShift_ = static_cast<uint8_t>(shift_);
      return;
    }
    rawShift_ = 0;
    const float* x = in.f32();
    if (subsample_) {
      quantizeSubsampled(x, ctx);
      return;
    }
    xq_.resize(static_cast<size_t>(n));
    src_ = xq_.data();
    const int64_t hw = l_.h * l_.w;
    if (byPixels(hw, ctx)) {
      // Every channel's run of a task's pixels: about a quarter of a thread's share (the
      // quantizer's calls on short runs cost more than their values), at least 64 values.
      const int64_t grain = std::max<int64_t>(64, hw / (4 * ctx.pool->threads()) / 16 * 16);
      parallelFor(ctx.pool, hw, grain, [&](int64_t b, int64_t e) {
        for (int64_t c = 0; c < l_.c; ++c)
          tile_.quantize(x + c * hw + b, e - b, l_.in_scale, l_.in_lo, l_.in_hi, shift_, xq_.data() + c * hw + b);
      });
      return;
    }
    parallelFor(ctx.pool, n, 16384, [&](int64_t b, int64_t e) {
      tile_.quantize(x + b, e - b, l_.in_scale, l_.in_lo, l_.in_hi, shift_, xq_.data() + b);
    });
  }

  // The framed planes' geometry and every k's offset into them (channel, tap row, tap column), so
  // that input row k of output pixel (oy, ox) is framed_[koff_[k] + oy * sh * wp + ox * sw]. A
  // pointwise convolution's input already is the unrolled matrix (koff_[k] = k * pixels) and
  // needs no frame.
  void planFrame() {
    const ConvParams& p = l_.p;
    pointwise_ = p.kernel_h == 1 && p.kernel_w == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pads == Pads2d{};
    colStride_ = p.stride_w;
    // 1x1 at stride 2 without pads (the bottleneck shortcuts): the taps' pixels are gathered into
    // a compact input once per run, and the layer packs as a pointwise one.
    subsample_ = p.kernel_h == 1 && p.kernel_w == 1 && p.stride_w == 2 && p.pads == Pads2d{};
    pointwise_ = pointwise_ || subsample_;
    koff_.resize(static_cast<size_t>(l_.k));
    if (pointwise_) {
      for (int64_t k = 0; k < l_.k; ++k) koff_[static_cast<size_t>(k)] = k * pixels_;
      return;
    }
    hp_ = std::max(l_.h + p.pads.top + p.pads.bottom, (l_.oh - 1) * p.stride_h + (p.kernel_h - 1) * p.dilation_h + 1);
    wp_ = std::max(l_.w + p.pads.left + p.pads.right, (l_.ow - 1) * p.stride_w + (p.kernel_w - 1) * p.dilation_w + 1);
    // Without pads, and every tap inside the planes (1x1 stride 2), the input is read in place.
    direct_ = !c4_ && p.pads == Pads2d{} && hp_ == l_.h && wp_ == l_.w;
    const int64_t taps = static_cast<int64_t>(p.kernel_h) * p.kernel_w;
    if (c4_) {
      // k group g = block * taps + tap: the tap's offset in the block's framed plane.
      goff_.resize(static_cast<size_t>(kGroups_));
      for (int64_t g = 0; g < kGroups_; ++g) {
        const int64_t b = g / taps, ky = (g % taps) / p.kernel_w, kx = g % p.kernel_w;
        goff_[static_cast<size_t>(g)] = (b * hp_ * wp_ + ky * p.dilation_h * wp_ + kx * p.dilation_w) * 4;
      }
      return;
    }
    for (int64_t k = 0; k < l_.k; ++k) {
      const int64_t c = k / taps, ky = (k / p.kernel_w) % p.kernel_h, kx = k % p.kernel_w;
      koff_[static_cast<size_t>(k)] = c * hp_ * wp_ + ky * p.dilation_h * wp_ + kx * p.dilation_w;
    }
  }

  // The input framed by the pad value (and shifted), once per run, so that every tap's run of
  // output pixels is a plain (strided) copy with no bounds. kSlack bytes past the end cover the
  // vector copies' over-reads.
  static constexpr int64_t kSlack = 128;
  void frame(const ExecContext& ctx) {
    const ConvParams& p = l_.p;
    const uint8_t pad = static_cast<uint8_t>(l_.pad_q + shift_);
    framed_.resize(static_cast<size_t>(l_.c * hp_ * wp_ + kSlack));
    const int64_t right = wp_ - p.pads.left - l_.w;
    // Rows [y0, y1) of channel c, and the pad rows above (y0 = 0) and below (y1 = h): the pad
    // value only where no input byte goes. A row's copy may spill into the next row only when
    // this call writes that row afterwards.
    auto frameRows = [&](int64_t c, int64_t y0, int64_t y1) {
      uint8_t* dst = framed_.data() + c * hp_ * wp_;
      if (y0 == 0) std::memset(dst, pad, static_cast<size_t>(p.pads.top * wp_));
      for (int64_t y = y0; y < y1; ++y) {
        uint8_t* row = dst + (y + p.pads.top) * wp_;
        for (int64_t x = 0; x < p.pads.left; ++x) row[x] = pad;
        frameRow(src_ + (c * l_.h + y) * l_.w, y + 1 < y1, row + p.pads.left);
        for (int64_t x = 0; x < right; ++x) row[p.pads.left + l_.w + x] = pad;
      }
      if (y1 == l_.h) std::memset(dst + (p.pads.top + l_.h) * wp_, pad, static_cast<size_t>((hp_ - p.pads.top - l_.h) * wp_));
    };
    if (byPixels(l_.h * l_.w, ctx) && l_.w >= 8) {
      // By input rows, each channel's run of them in a task. Rows of 4 to 7 bytes keep the split
      // by channels: a task's last row could not spill and would go byte by byte.
      parallelFor(ctx.pool, l_.h, 1, [&](int64_t b, int64_t e) {
        for (int64_t c = 0; c < l_.c; ++c) frameRows(c, b, e);
      });
      return;
    }
    parallelFor(ctx.pool, l_.c, 1, [&](int64_t b, int64_t e) {
      for (int64_t c = b; c < e; ++c) frameRows(c, 0, l_.h);
    });
  }

  // One input row of w bytes (+ rawShift_) to out: whole vectors where the row allows it, the
  // last one overlapping the one before (rows of 8 or more bytes), or, for a row of 4 to 7 bytes
  // with another row after it, one 8-byte copy whose surplus lands on the pad and next row
  // bytes the caller writes afterwards (and reads no further than that next input row); the
  // rest byte by byte. Per-row overhead is what frame() costs on 7x7 and 14x14 planes.
  void frameRow(const uint8_t* x, bool more, uint8_t* out) const {
    const int64_t w = l_.w;
#if defined(__SSE2__)
    const __m128i s = _mm_set1_epi8(static_cast<char>(rawShift_));
    if (w >= 16) {
      for (int64_t i = 0;; i += 16) {
        const int64_t at = i + 16 <= w ? i : w - 16;
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + at), _mm_add_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + at)), s));
        if (at + 16 >= w) return;
      }
    }
    if (w >= 8 || (w >= 4 && more)) {
      auto copy8 = [&](int64_t at) {
        _mm_storel_epi64(reinterpret_cast<__m128i*>(out + at), _mm_add_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(x + at)), s));
      };
      copy8(0);
      if (w > 8) copy8(w - 8);
      return;
    }
#else
    (void)more;
#endif
    shiftInputBytes(x, w, rawShift_, out);
  }

  // The weights with k reordered for four-channel framed planes: k group (block, tap) holds
  // channels 4 * block .. + 3 at that tap (the sums are the same integers in another order).
  static Q8Layer channelsInner(const Q8Layer& l) {
    Q8Layer t;
    t.oc = l.oc;
    t.k = l.k;
    const int64_t taps = static_cast<int64_t>(l.p.kernel_h) * l.p.kernel_w;
    t.wq.resize(l.wq.size());
    for (int64_t o = 0; o < l.oc; ++o)
      for (int64_t c = 0; c < l.c; ++c)
        for (int64_t tap = 0; tap < taps; ++tap)
          t.wq[static_cast<size_t>(o * l.k + ((c / 4) * taps + tap) * 4 + c % 4)] = l.wq[static_cast<size_t>(o * l.k + c * taps + tap)];
    return t;
  }

  // Stride-1 layers with channels in fours: the input framed by the pad value (and shifted) into
  // planes four channels deep, once per run, so that a k group's 32 pixels in an output row are
  // 128 contiguous bytes and a panel is copies of them (Q8PackC4Fn) instead of 4 rows of 32
  // bytes gathered and interleaved per group. resnet50 3x3 layers: the panels cost ~1 ms of 13.8.
  void frameC4(const ExecContext& ctx) {
    const ConvParams& p = l_.p;
    const uint8_t pad = static_cast<uint8_t>(l_.pad_q + shift_);
    const int64_t plane = hp_ * wp_ * 4, right = wp_ - p.pads.left - l_.w;
    framed4_.resize(static_cast<size_t>(l_.c / 4 * plane));
    parallelFor(ctx.pool, l_.c / 4 * hp_, 16, [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) {
        const int64_t blk = r / hp_, y = r % hp_, iy = y - p.pads.top;
        uint8_t* out = framed4_.data() + blk * plane + y * wp_ * 4;
        if (iy < 0 || iy >= l_.h) {
          std::memset(out, pad, static_cast<size_t>(wp_ * 4));
          continue;
        }
        std::memset(out, pad, static_cast<size_t>(p.pads.left * 4));
        const uint8_t* rows[4];
        for (int q = 0; q < 4; ++q) rows[q] = src_ + ((blk * 4 + q) * l_.h + iy) * l_.w;
        interleaveRow(rows, l_.w, rawShift_, out + p.pads.left * 4);
        if (right > 0) std::memset(out + (p.pads.left + l_.w) * 4, pad, static_cast<size_t>(right * 4));
      }
    });
  }

  // out[j * 4 + q] = rows[q][j] + shift for n pixels (shift 0 or 128: + wraps as a flip): 16 a
  // step for rows of 16 or more, 8 for rows of 8 to 15, 4 for rows of 4 to 7, the last step
  // overlapping the one before (the same bytes again); byte by byte below that. Also the
  // interleave of a panel's k group (n = kTilePixels).
  static void interleaveRow(const uint8_t* const rows[4], int64_t n, uint8_t shift, uint8_t* out) {
    int64_t done = 0;
#if defined(__SSE2__)
    const __m128i s = _mm_set1_epi8(static_cast<char>(shift));
    for (int64_t i = 0; n >= 16; i = std::min(i + 16, n - 16)) {
      const __m128i a0 = _mm_add_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[0] + i)), s);
      const __m128i a1 = _mm_add_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[1] + i)), s);
      const __m128i a2 = _mm_add_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[2] + i)), s);
      const __m128i a3 = _mm_add_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[3] + i)), s);
      const __m128i lo01 = _mm_unpacklo_epi8(a0, a1), hi01 = _mm_unpackhi_epi8(a0, a1);
      const __m128i lo23 = _mm_unpacklo_epi8(a2, a3), hi23 = _mm_unpackhi_epi8(a2, a3);
      __m128i* o = reinterpret_cast<__m128i*>(out + i * 4);
      _mm_storeu_si128(o + 0, _mm_unpacklo_epi16(lo01, lo23));
      _mm_storeu_si128(o + 1, _mm_unpackhi_epi16(lo01, lo23));
      _mm_storeu_si128(o + 2, _mm_unpacklo_epi16(hi01, hi23));
      _mm_storeu_si128(o + 3, _mm_unpackhi_epi16(hi01, hi23));
      done = n;
      if (i + 16 >= n) break;
    }
    // Rows of 8 to 15 pixels (14x14 planes): two 8-pixel steps, the second overlapping.
    for (int64_t i = 0; n >= 8 && n < 16; i = n - 8) {
      const __m128i a0 = _mm_add_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(rows[0] + i)), s);
      const __m128i a1 = _mm_add_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(rows[1] + i)), s);
      const __m128i a2 = _mm_add_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(rows[2] + i)), s);
      const __m128i a3 = _mm_add_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(rows[3] + i)), s);
      const __m128i lo01 = _mm_unpacklo_epi8(a0, a1), lo23 = _mm_unpacklo_epi8(a2, a3);
      __m128i* o = reinterpret_cast<__m128i*>(out + i * 4);
      _mm_storeu_si128(o + 0, _mm_unpacklo_epi16(lo01, lo23));
      _mm_storeu_si128(o + 1, _mm_unpackhi_epi16(lo01, lo23));
      done = n;
      if (i == n - 8) break;
    }
    // Rows of 4 to 7 pixels (7x7 planes): two 4-pixel steps, the second overlapping.
    for (int64_t i = 0; n >= 4 && n < 8; i = n - 4) {
      __m128i a[4];
      for (int q = 0; q < 4; ++q) {
        int32_t four;
        std::memcpy(&four, rows[q] + i, 4);
        a[q] = _mm_add_epi8(_mm_cvtsi32_si128(four), s);
      }
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i * 4),
                       _mm_unpacklo_epi16(_mm_unpacklo_epi8(a[0], a[1]), _mm_unpacklo_epi8(a[2], a[3])));
      done = n;
      if (i == n - 4) break;
    }
#endif
    for (int64_t j = done; j < n; ++j)
      for (int q = 0; q < 4; ++q) out[j * 4 + q] = static_cast<uint8_t>(rows[q][j] + shift);
  }

  // Stride 2 across columns, with a frame: every framed plane row is split once per run into its
  // even columns then its odd ones, so that a tap's run of output
  // pixels is contiguous bytes and the panels pack as at stride 1 (one 32-byte load per row of k
  // where the tile stays in one output row) instead of 64-byte loads narrowed to their even bytes.
  // Column 2 * ox + kx * dw of a row is byte ox + (kx * dw) / 2 of the half its parity picks.
  void planPhases() {
    const ConvParams& p = l_.p;
    phased_ = !pointwise_ && !direct_ && tile_.pack && p.stride_w == 2;
    if (!phased_) return;
    colStride_ = 1;
    const int64_t taps = static_cast<int64_t>(p.kernel_h) * p.kernel_w, even = (wp_ + 1) / 2;
    for (int64_t k = 0; k < l_.k; ++k) {
      const int64_t c = k / taps, ky = (k / p.kernel_w) % p.kernel_h, col = (k % p.kernel_w) * p.dilation_w;
      koff_[static_cast<size_t>(k)] = c * hp_ * wp_ + ky * p.dilation_h * wp_ + (col & 1 ? even : 0) + col / 2;
    }
  }

  void splitPhases(const ExecContext& ctx) {
    const int64_t rows = l_.c * hp_, even = (wp_ + 1) / 2;
    split_.resize(static_cast<size_t>(rows * wp_ + kSlack));
    parallelFor(ctx.pool, rows, 64, [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) splitRow(framed_.data() + r * wp_, wp_, 0, split_.data() + r * wp_, split_.data() + r * wp_ + even);
    });
  }

  // A float input of a 1x1 stride 2 layer: only the pixels it reads are quantized, straight into
  // sub_ (the same bytes subsample() would pick from the whole quantized input).
  void quantizeSubsampled(const float* x, const ExecContext& ctx) {
    sub_.resize(static_cast<size_t>(l_.c * pixels_ + kSlack));
    std::vector<uint8_t>& sub = sub_;
    // Input row oy * stride_h's even floats of channel c, for output row oy, to d.
    auto gather = [&](int64_t c, int64_t oy, float* d) {
      const float* s = x + (c * l_.h + oy * l_.p.stride_h) * l_.w;
      int64_t i = 0;
#if defined(__SSE2__)
      for (; 2 * i + 8 <= l_.w && i + 4 <= l_.ow; i += 4)  // the even floats of 8
        _mm_storeu_ps(d + i, _mm_shuffle_ps(_mm_loadu_ps(s + 2 * i), _mm_loadu_ps(s + 2 * i + 4), _MM_SHUFFLE(2, 0, 2, 0)));
#endif
      for (; i < l_.ow; ++i) d[i] = s[2 * i];
    };
    // Rows gathered into one run of floats, 64 or more: the row quantizer's vector loop takes
    // 64 values a step, a single 28-pixel row would go to its scalar tail.
    if (byPixels(pixels_, ctx)) {
      // By output rows, each channel's run of them in a task (byPixels).
      parallelFor(ctx.pool, l_.oh, (64 + l_.ow - 1) / l_.ow, [&](int64_t b, int64_t e) {
        thread_local std::vector<float> rows;
        rows.resize(static_cast<size_t>((e - b) * l_.ow));
        for (int64_t c = 0; c < l_.c; ++c) {
          for (int64_t oy = b; oy < e; ++oy) gather(c, oy, rows.data() + (oy - b) * l_.ow);
          tile_.quantize(rows.data(), (e - b) * l_.ow, l_.in_scale, l_.in_lo, l_.in_hi, shift_, sub.data() + (c * l_.oh + b) * l_.ow);
        }
      });
    } else {
      parallelFor(ctx.pool, l_.c * l_.oh, 64, [&](int64_t b, int64_t e) {
        thread_local std::vector<float> rows;
        for (int64_t r0 = b; r0 < e; r0 += 64) {
          const int64_t r1 = std::min(e, r0 + 64);
          rows.resize(static_cast<size_t>((r1 - r0) * l_.ow));
          for (int64_t r = r0; r < r1; ++r) gather(r / l_.oh, r % l_.oh, rows.data() + (r - r0) * l_.ow);
          tile_.quantize(rows.data(), (r1 - r0) * l_.ow, l_.in_scale, l_.in_lo, l_.in_hi, shift_, sub.data() + r0 * l_.ow);
        }
      });
    }
    src_ = sub_.data();
  }

  // The input's pixels (oy * stride_h, ox * 2), shifted, as [c][oh * ow]: the source of a 1x1
  // stride 2 layer's panels from now on (src_, with nothing left to shift).
  void subsample(const ExecContext& ctx) {
    sub_.resize(static_cast<size_t>(l_.c * pixels_ + kSlack));
    std::vector<uint8_t>& sub = sub_;
    auto pick = [&](int64_t c, int64_t oy) {
      splitRow(src_ + (c * l_.h + oy * l_.p.stride_h) * l_.w, std::min(l_.w, 2 * l_.ow), rawShift_, sub.data() + (c * l_.oh + oy) * l_.ow,
               nullptr);
    };
    if (byPixels(pixels_, ctx)) {  // by output rows, each channel's run of them in a task
      parallelFor(ctx.pool, l_.oh, 1, [&](int64_t b, int64_t e) {
        for (int64_t c = 0; c < l_.c; ++c)
          for (int64_t oy = b; oy < e; ++oy) pick(c, oy);
      });
    } else {
      parallelFor(ctx.pool, l_.c * l_.oh, 64, [&](int64_t b, int64_t e) {
        for (int64_t r = b; r < e; ++r) pick(r / l_.oh, r % l_.oh);
      });
    }
    src_ = sub_.data();
    rawShift_ = 0;
  }

  // Bytes 0, 2, 4 ... of src (+ flip, wrapping) to even, bytes 1, 3 ... to odd (when not null).
  static void splitRow(const uint8_t* src, int64_t n, uint8_t flip, uint8_t* even, uint8_t* odd) {
    int64_t done = 0;
#if defined(__SSE2__)
    const __m128i s = _mm_set1_epi8(static_cast<char>(flip)), lo = _mm_set1_epi16(0x00ff);
    // 32 bytes a step at even offsets; the last step overlaps the one before (the same bytes
    // written again) rather than a byte loop; an odd row's last byte is left to the loop below.
    for (int64_t i = 0; n >= 32; i = std::min(i + 32, (n - 32) & ~int64_t{1})) {
      const __m128i a = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)), s);
      const __m128i b = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 16)), s);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(even + i / 2), _mm_packus_epi16(_mm_and_si128(a, lo), _mm_and_si128(b, lo)));
      if (odd) _mm_storeu_si128(reinterpret_cast<__m128i*>(odd + i / 2), _mm_packus_epi16(_mm_srli_epi16(a, 8), _mm_srli_epi16(b, 8)));
      done = i + 32;
      if (done >= n - 1) break;
    }
    // Rows of 16 to 31 bytes (28x28 planes), then of 8 to 15 (14x14): the same in 16- and 8-byte
    // steps (resnet50's res4a and res5a subsampled their rows byte by byte before).
    for (int width : {16, 8}) {
      if (done > 0 || n < width) continue;
      for (int64_t i = 0;; i = std::min<int64_t>(i + width, (n - width) & ~int64_t{1})) {
        const __m128i a = _mm_xor_si128(width == 16 ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i))
                                                    : _mm_loadl_epi64(reinterpret_cast<const __m128i*>(src + i)), s);
        const __m128i e = _mm_packus_epi16(_mm_and_si128(a, lo), _mm_setzero_si128());
        const __m128i o = _mm_packus_epi16(_mm_srli_epi16(a, 8), _mm_setzero_si128());
        if (width == 16) {
          _mm_storel_epi64(reinterpret_cast<__m128i*>(even + i / 2), e);
          if (odd) _mm_storel_epi64(reinterpret_cast<__m128i*>(odd + i / 2), o);
        } else {
          const int32_t e4 = _mm_cvtsi128_si32(e), o4 = _mm_cvtsi128_si32(o);
          std::memcpy(even + i / 2, &e4, 4);
          if (odd) std::memcpy(odd + i / 2, &o4, 4);
        }
        done = i + width;
        if (done >= n - 1) break;
      }
    }
#endif
    for (int64_t i = done; i < n; ++i) {
      if (!(i & 1)) even[i / 2] = static_cast<uint8_t>(src[i] ^ flip);
      else if (odd) odd[i / 2] = static_cast<uint8_t>(src[i] ^ flip);
    }
  }

  // One pixel tile's pixels as runs within output rows (Q8PixelRun): pixel j of a run, in tap
  // row k, is the byte at koff_[k] + delta + j * colStride_ of the planes (framed, split by
  // column parity, or the input).
  int pixelRuns(int64_t pt, Q8PixelRun* runs) const {
    const int64_t p0 = pt * kTilePixels, count = std::min<int64_t>(kTilePixels, pixels_ - p0);
    if (pointwise_) {
      runs[0] = {0, static_cast<int>(count), p0};
      return 1;
    }
    int n = 0;
    for (int64_t j = 0; j < count;) {
      const int64_t oy = (p0 + j) / l_.ow, ox = (p0 + j) % l_.ow, len = std::min(l_.ow - ox, count - j);
      runs[n++] = {static_cast<int>(j), static_cast<int>(len), oy * l_.p.stride_h * wp_ + (ox - j) * colStride_};
      j += len;
    }
    return n;
  }

  // Row k's bytes for the tile's pixels into out (kTilePixels + 16 bytes; pixels past the
  // layer's end keep whatever is there: their outputs are dropped). Copies go 16 bytes at a time
  // and may write past a run into the next one's place (written after it) or the slack.
  void gatherRow(const uint8_t* plane, const Q8PixelRun* runs, int n, uint8_t* out, const uint8_t* end) const {
    const int sw = l_.p.stride_w;
    for (int r = 0; r < n; ++r) {
      const uint8_t* s = plane + runs[r].delta + runs[r].j * sw;
      uint8_t* d = out + runs[r].j;
      const int len = runs[r].len;
#if defined(__SSE2__)
      // The vector copies read up to 32 bytes past the run's last byte: near the source's end
      // (the input itself, read in place) the scalar loop runs instead.
      const bool room = end - s >= static_cast<int64_t>(len) * sw + 32;
      if (sw == 1 && room) {
        for (int i = 0; i < len; i += 16)
          _mm_storeu_si128(reinterpret_cast<__m128i*>(d + i), _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i)));
        continue;
      }
      if (sw == 2 && room) {
        const __m128i even = _mm_set1_epi16(0x00ff);
        for (int i = 0; i < len; i += 16) {
          const __m128i a = _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 2 * i)), even);
          const __m128i b = _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 2 * i + 16)), even);
          _mm_storeu_si128(reinterpret_cast<__m128i*>(d + i), _mm_packus_epi16(a, b));
        }
        continue;
      }
#endif
      for (int i = 0; i < len; ++i) d[i] = s[i * sw];
    }
  }

  // The panel [kGroups][kTilePixels][4] of pixel tile pt: 4 rows of 32 bytes interleaved into
  // 128 per k group. Rows past K (zero weights) and pixels past the end (dropped outputs) may hold
  // any byte.
  void packPanel(int64_t pt, uint8_t* dst) const {
    const int64_t p0 = pt * kTilePixels;
    if (c4_) {
      Q8PixelRun runs[kTilePixels];
      const int n = pixelRuns(pt, runs);
      tile_.packC4(framed4_.data(), goff_.data(), kGroups_, runs, n, dst);
      return;
    }
    alignas(16) uint8_t blank[kTilePixels];
    std::memset(blank, shift_, sizeof blank);
    alignas(16) uint8_t rowsBuf[4][kTilePixels + 16];
    if (pointwise_ && tile_.pack) {
      Q8PixelRun run;
      pixelRuns(pt, &run);
      tile_.pack(src_, koff_.data(), l_.k, kGroups_, &run, 1, 1, rawShift_, dst);
      return;
    }
    if (pointwise_) {
      // The input rows in place (still to be shifted); the last tile's rows copied out.
      const bool full = p0 + kTilePixels <= pixels_;
      for (int64_t g = 0; g < kGroups_; ++g) {
        const uint8_t* rows[4];
        for (int q = 0; q < 4; ++q) {
          const int64_t k = g * 4 + q;
          if (k >= l_.k) {
            rows[q] = blank;
          } else if (full) {
            rows[q] = src_ + k * pixels_ + p0;
          } else {
            std::memset(rowsBuf[q], 0, kTilePixels);
            std::memcpy(rowsBuf[q], src_ + k * pixels_ + p0, static_cast<size_t>(pixels_ - p0));
            rows[q] = rowsBuf[q];
          }
        }
        interleaveRow(rows, kTilePixels, rawShift_, dst + g * kTilePixels * 4);
      }
      return;
    }
    Q8PixelRun runs[kTilePixels];
    const int n = pixelRuns(pt, runs);
    if (phased_) {
      tile_.pack(split_.data(), koff_.data(), l_.k, kGroups_, runs, n, 1, 0, dst);
      return;
    }
    const uint8_t* base = direct_ ? src_ : framed_.data();
    const uint8_t* end = direct_ ? src_ + l_.c * l_.h * l_.w : framed_.data() + framed_.size();
    if (tile_.pack && (l_.p.stride_w == 1 || l_.p.stride_w == 2)) {
      tile_.pack(base, koff_.data(), l_.k, kGroups_, runs, n, l_.p.stride_w, direct_ ? rawShift_ : 0, dst);
      return;
    }
    for (int64_t g = 0; g < kGroups_; ++g) {
      const uint8_t* rows[4];
      for (int q = 0; q < 4; ++q) {
        const int64_t k = g * 4 + q;
        if (k >= l_.k) {
          rows[q] = blank;
        } else {
          gatherRow(base + koff_[static_cast<size_t>(k)], runs, n, rowsBuf[q], end);
          rows[q] = rowsBuf[q];
        }
      }
      interleaveRow(rows, kTilePixels, direct_ ? rawShift_ : 0, dst + g * kTilePixels * 4);
    }
  }

  // The tile's rows dequantized into y (floats), or with the int8 flow into a float tile that is
  // requantized onto the consumers' grid by the same row quantizer they would use — in one call
  // over the whole tile when its rows are full, since the row quantizer's vector loop (64 bytes a
  // step on AVX-512) leaves a 32-pixel row to its scalar tail.
  void store(const int32_t* c, int64_t rt, int64_t pt, void* y, const float* other, uint8_t* twin, bool shared) const {
    const int64_t p0 = pt * kTilePixels, count = std::min<int64_t>(kTilePixels, pixels_ - p0);
    const int64_t rows = std::min<int64_t>(kTileRows, l_.oc - rt * kTileRows);
    if (other) {
      storeResidual(c, rt, p0, count, rows, static_cast<float*>(y), other, twin, shared);
      return;
    }
    if (l_.out_q && tile_.requantTile && act_ >= 0) {
      const int64_t o = rt * kTileRows;
      tile_.requantTile(c, static_cast<int>(rows), static_cast<int>(count), corr_.data() + o, l_.deq.data() + o, l_.bias.data() + o,
                        act_, l_.act.a, l_.act.b, l_.out_scale, l_.out_lo, l_.out_hi,
                        static_cast<uint8_t*>(y) + o * pixels_ + p0, pixels_);
      return;
    }
    alignas(64) float tile[kTileRows * kTilePixels];
    if (tile_.dequantTile && act_ >= 0) {
      const int64_t o = rt * kTileRows;
      float* yo = l_.out_q ? tile : static_cast<float*>(y) + o * pixels_ + p0;
      tile_.dequantTile(c, static_cast<int>(rows), static_cast<int>(count), corr_.data() + o, l_.deq.data() + o, l_.bias.data() + o,
                        act_, l_.act.a, l_.act.b, yo, l_.out_q ? kTilePixels : pixels_);
    } else {
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t o = rt * kTileRows + r;
        float* yo = l_.out_q ? tile + r * kTilePixels : static_cast<float*>(y) + o * pixels_ + p0;
        tile_.dequant(c + r * kTilePixels, count, corr_[static_cast<size_t>(o)], l_.deq[static_cast<size_t>(o)],
                      l_.bias[static_cast<size_t>(o)], act_ < 0 ? 0 : act_, l_.act.a, l_.act.b, yo);
        if (act_ < 0)
          for (int64_t j = 0; j < count; ++j) yo[j] = applyActivation(l_.act, yo[j]);
      }
    }
    if (!l_.out_q) return;
    uint8_t* out = static_cast<uint8_t*>(y) + rt * kTileRows * pixels_ + p0;
    if (count < kTilePixels) {
      for (int64_t r = 0; r < rows; ++r)
        tile_.quantize(tile + r * kTilePixels, count, l_.out_scale, l_.out_lo, l_.out_hi, 0, out + r * pixels_);
      return;
    }
    alignas(64) uint8_t bytes[kTileRows * kTilePixels];
    tile_.quantize(tile, rows * kTilePixels, l_.out_scale, l_.out_lo, l_.out_hi, 0, bytes);
    for (int64_t r = 0; r < rows; ++r) std::memcpy(out + r * pixels_, bytes + r * kTilePixels, kTilePixels);
  }

  // Residual fusion: the tile dequantized and `other` added (then the residual ReLU) while the
  // tile is hot — in the ISA's tile epilogue where it has one, else row by row right after the
  // rows are written; with a twin, the sums also quantized onto its grid (Q8Layer::twin).
  static constexpr int64_t kResidualAhead = 4;
  void storeResidual(const int32_t* c, int64_t rt, int64_t p0, int64_t count, int64_t rows, float* y, const float* other,
                     uint8_t* twin, bool shared) const {
    const int64_t o0 = rt * kTileRows, at = o0 * pixels_ + p0;
    const int relu = l_.res_relu ? 1 : 0;
    // `other` and y are read and written 12 rows at a time, 128 bytes per row from pages apart:
    // too many streams for the hardware prefetcher, so the rows of the tile kResidualAhead
    // pixel tiles on are fetched now (a run of tiles goes along the same rows).
    // Written in place (y is other) by several threads, the lines are fetched once, for writing:
    // the other core may hold them modified (it wrote this value), and a read prefetch would
    // take them shared, the store then needing them again, exclusive (measured slower at 2
    // threads; at 1 thread the read prefetch measured slightly faster).
    const int64_t ahead = p0 + kResidualAhead * kTilePixels;
    const bool writeOnly = shared && y == other;
    if (ahead < pixels_)
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t i = at + r * pixels_ + kResidualAhead * kTilePixels;
        if (!writeOnly) {
          __builtin_prefetch(other + i);
          __builtin_prefetch(other + i + 16);
        }
        __builtin_prefetch(y + i, 1);
        __builtin_prefetch(y + i + 16, 1);
        if (twin) __builtin_prefetch(twin + i, 1);  // 32 bytes a row: res2 residual layers 0.30 -> 0.28 ms
      }
    if (tile_.residualTile && act_ >= 0) {
      const Q8TwinOut t{twin ? twin + at : nullptr, l_.twin_scale, l_.twin_lo, l_.twin_hi};
      tile_.residualTile(c, static_cast<int>(rows), static_cast<int>(count), corr_.data() + o0, l_.deq.data() + o0,
                         l_.bias.data() + o0, act_, l_.act.a, l_.act.b, other + at, relu, y + at, pixels_, t);
      return;
    }
    // Row by row through a local row: y may be `other` itself (inPlaceInput).
    alignas(64) float row[kTilePixels];
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t o = o0 + r;
      float* yo = y + at + r * pixels_;
      const float* oo = other + at + r * pixels_;
      tile_.dequant(c + r * kTilePixels, count, corr_[static_cast<size_t>(o)], l_.deq[static_cast<size_t>(o)],
                    l_.bias[static_cast<size_t>(o)], act_ < 0 ? 0 : act_, l_.act.a, l_.act.b, row);
      if (act_ < 0)
        for (int64_t j = 0; j < count; ++j) row[j] = applyActivation(l_.act, row[j]);
      if (tile_.residualRow) {
        tile_.residualRow(row, oo, count, relu);
      } else {
        for (int64_t j = 0; j < count; ++j) row[j] = addResidual(l_, row[j], oo[j]);
      }
      std::memcpy(yo, row, static_cast<size_t>(count) * sizeof(float));
      if (twin) tile_.quantize(row, count, l_.twin_scale, l_.twin_lo, l_.twin_hi, 0, twin + at + r * pixels_);
    }
  }

  Q8Layer l_;
  Q8Tile tile_;
  std::string name_;
  int act_ = 0;  // the activation the row kernel fuses (-1: applied after it)
  int64_t kGroups_ = 0, pixels_ = 0, rowTiles_ = 0, pixelTiles_ = 0;
  int32_t shift_ = 128;
  std::vector<int8_t> wpack_;
  std::vector<int32_t> corr_;   // [oc]: the +128 shift's share of each sum, shift * sum(w)
  bool pointwise_ = false;
  bool direct_ = false;         // taps read the input in place (no pads to frame it with)
  int64_t hp_ = 0, wp_ = 0;     // the framed planes' height and width
  std::vector<int64_t> koff_;   // [k]: row k's offset into the framed planes
  std::vector<uint8_t> xq_, framed_;
  bool c4_ = false;             // stride 1, channels in fours: panels from framed4_ (frameC4)
  std::vector<int64_t> goff_;   // [k group]: its tap's byte offset into framed4_
  std::vector<uint8_t> framed4_;
  bool phased_ = false;         // stride 2: the panels pack from split_ (planPhases)
  int64_t colStride_ = 0;       // a run's step between pixels in the planes it packs from
  std::vector<uint8_t> split_;
  bool subsample_ = false;      // 1x1 stride 2 without pads: packed as pointwise from sub_
  std::vector<uint8_t> sub_;
  std::vector<uint8_t> shared_;   // every pixel tile's panel, when the channel chunks share them
  static constexpr uint8_t kPanelUnpacked = 0, kPanelPacking = 1, kPanelReady = 2;
  std::unique_ptr<std::atomic<uint8_t>[]> panelState_;  // [pixel tile], packed on demand (run)
  static constexpr int64_t kSharedPanelBytes = 768 * 1024;
  const uint8_t* src_ = nullptr;  // this run's input as bytes (xq_, or the input itself)
  uint8_t rawShift_ = 0;          // still to add to src_'s bytes (the int8 flow's signed input)
};

}  // namespace

void q8GemmTileScalar(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c) {
  std::fill(c, c + kTileRows * kTilePixels, 0);
  for (int64_t g = 0; g < kGroups; ++g)
    for (int r = 0; r < kTileRows; ++r)
      for (int j = 0; j < kTilePixels; ++j)
        for (int q = 0; q < 4; ++q)
          c[r * kTilePixels + j] += static_cast<int32_t>(x[(g * kTilePixels + j) * 4 + q]) * w[(g * kTileRows + r) * 4 + q];
}

Result<KernelPtr> makeQ8Fast(const Node& resolved, const std::vector<Shape>& in, const std::vector<Shape>& out, Isa isa) {
  // A residual layer (NodeQuant::residual_add) runs on the GEMM or, without one, the reference:
  // the depthwise and fully connected kernels do not read the residual input.
  if (!resolved.quant.residual_add && isDepthwise(resolved, in)) return makeQ8Depthwise(resolved, in, out, isa);
  if (resolved.kind == OpKind::InnerProduct) return makeQ8InnerProduct(resolved, in, out, isa);
  if (resolved.kind != OpKind::Convolution || resolved.p<ConvParams>().group != 1) return KernelPtr{};
  const Q8Tile tile = q8GemmTile(isa, resolved.quant.bits, resolved.quant.weight_qmax);
  if (!tile.fn) return KernelPtr{};
  if (in.empty() || out.empty()) return KernelPtr{};
  auto l = prepareLayer(resolved, in[0], out[0]);
  if (!l) return l.status();
  try {
    return KernelPtr(new Q8ConvGemm(std::move(l.value()), tile, "q8_conv2d_gemm_" + std::string(tile.isa)));
  } catch (const std::bad_alloc&) {
    return internalError("node '" + resolved.name + "': out of memory while packing its integer weights");
  }
}

#if defined(EQW_X86_KERNELS)
#define EQW_Q8_LEVEL(Suffix)                                                                                      \
  void q8QuantizeRow##Suffix(const float* x, int64_t n, float scale, float lo, float hi, int32_t shift, uint8_t* out); \
  void q8DequantRow##Suffix(const int32_t* acc, int64_t n, int32_t correction, float deq, float bias, int act, float a, \
                            float b, float* y);                                                                          \
  void q8DwPlane##Suffix(const int16_t* planes, int64_t wq, int64_t planeSize, const int8_t* w, int kh, int kw, int sh,  \
                         int sw, int dh, int dw, int64_t oh, int64_t ow, int32_t* acc, float deq, float bias, int act,    \
                         float a, float b, float* y);
EQW_Q8_LEVEL(Avx512Vnni)
EQW_Q8_LEVEL(AvxVnni)
EQW_Q8_LEVEL(Avx2)
EQW_Q8_LEVEL(Sse41)
#undef EQW_Q8_LEVEL
void q8GemmTileAvx512Vnni(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
void q8PackPanelAvx512Vnni(const uint8_t* base, const int64_t* koff, int64_t k, int64_t kGroups, const Q8PixelRun* runs,
                           int nRuns, int sw, uint8_t flip, uint8_t* dst);
void q8PackC4Avx512Vnni(const uint8_t* base, const int64_t* goff, int64_t kGroups, const Q8PixelRun* runs, int nRuns,
                        uint8_t* dst);
void q8GemmTile16Avx512Vnni(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
void q8GemmPartAvx512Vnni(int rows, int pixels, int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
void q8RequantTileAvx512Vnni(const int32_t* c, int rows, int count, const int32_t* corr, const float* deq, const float* bias,
                             int act, float a, float b, float scale, float lo, float hi, uint8_t* out, int64_t ostride);
void q8DequantTileAvx512Vnni(const int32_t* c, int rows, int count, const int32_t* corr, const float* deq, const float* bias,
                             int act, float a, float b, float* y, int64_t ystride);
void q8ResidualTileAvx512Vnni(const int32_t* c, int rows, int count, const int32_t* corr, const float* deq, const float* bias,
                              int act, float a, float b, const float* other, int relu, float* y, int64_t ystride,
                              const Q8TwinOut& twin);
void q8ResidualRowAvx512Vnni(float* y, const float* other, int64_t n, int relu);
void q8ResidualRowAvx2(float* y, const float* other, int64_t n, int relu);
void q8ResidualRowSse41(float* y, const float* other, int64_t n, int relu);
void q8GemmTileAvxVnni(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
void q8GemmTileAvx2U7(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
void q8GemmTileAvx2I8(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
void q8GemmTileSse41U7(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
void q8GemmTileSse41I8(int64_t kGroups, const int8_t* w, const uint8_t* x, int32_t* c);
#endif

namespace {
// The tile without its residual steps (filled in by q8GemmTile).
Q8Tile q8GemmTileBase(Isa isa, int inputBits, int weightQmax) {
#if defined(EQW_X86_KERNELS)
  const int level = static_cast<int>(isa);
  if (level >= static_cast<int>(Isa::Avx512Vnni) && isaSupported(Isa::Avx512Vnni)) return {q8GemmTileAvx512Vnni, "avx512vnni", q8QuantizeRowAvx512Vnni, q8DequantRowAvx512Vnni, q8PackPanelAvx512Vnni,
                                                                                                         q8DequantTileAvx512Vnni, q8GemmTile16Avx512Vnni,
                                                                                                         q8RequantTileAvx512Vnni};
  if (level >= static_cast<int>(Isa::AvxVnni) && isaSupported(Isa::AvxVnni)) return {q8GemmTileAvxVnni, "avxvnni", q8QuantizeRowAvxVnni, q8DequantRowAvxVnni};
  if (level >= static_cast<int>(Isa::Avx2) && isaSupported(Isa::Avx2) && inputBits <= 7 && weightQmax <= 63)
    return {q8GemmTileAvx2U7, "avx2", q8QuantizeRowAvx2, q8DequantRowAvx2};
  if (level >= static_cast<int>(Isa::Avx2) && isaSupported(Isa::Avx2))
    return {q8GemmTileAvx2I8, "avx2", q8QuantizeRowAvx2, q8DequantRowAvx2};
  if (level >= static_cast<int>(Isa::Sse41) && isaSupported(Isa::Sse41) && inputBits <= 7 && weightQmax <= 63)
    return {q8GemmTileSse41U7, "sse41", q8QuantizeRowSse41, q8DequantRowSse41};
  if (level >= static_cast<int>(Isa::Sse41) && isaSupported(Isa::Sse41))
    return {q8GemmTileSse41I8, "sse41", q8QuantizeRowSse41, q8DequantRowSse41};
#else
  (void)isa, (void)inputBits, (void)weightQmax;
#endif
  return {};
}
}  // namespace

Q8Tile q8GemmTile(Isa isa, int inputBits, int weightQmax) {
  Q8Tile t = q8GemmTileBase(isa, inputBits, weightQmax);
#if defined(EQW_X86_KERNELS)
  const std::string level = t.isa;
  if (level == "avx512vnni") {
    t.residualTile = q8ResidualTileAvx512Vnni;
    t.residualRow = q8ResidualRowAvx512Vnni;
    t.part = q8GemmPartAvx512Vnni;
    t.packC4 = q8PackC4Avx512Vnni;
  }
  if (level == "avxvnni") t.residualRow = q8ResidualRowAvx2;  // AVX-VNNI CPUs have AVX2
  if (level == "avx2") t.residualRow = q8ResidualRowAvx2;
  if (level == "sse41") t.residualRow = q8ResidualRowSse41;
#endif
  return t;
}

Q8Rows q8Rows(Isa isa) {
#if defined(EQW_X86_KERNELS)
  const int level = static_cast<int>(isa);
  if (level >= static_cast<int>(Isa::Avx512Vnni) && isaSupported(Isa::Avx512Vnni))
    return {"avx512vnni", q8QuantizeRowAvx512Vnni, q8DequantRowAvx512Vnni, q8DwPlaneAvx512Vnni};
  if (level >= static_cast<int>(Isa::AvxVnni) && isaSupported(Isa::AvxVnni))
    return {"avxvnni", q8QuantizeRowAvxVnni, q8DequantRowAvxVnni, q8DwPlaneAvxVnni};
  if (level >= static_cast<int>(Isa::Avx2) && isaSupported(Isa::Avx2)) return {"avx2", q8QuantizeRowAvx2, q8DequantRowAvx2, q8DwPlaneAvx2};
  if (level >= static_cast<int>(Isa::Sse41) && isaSupported(Isa::Sse41))
    return {"sse41", q8QuantizeRowSse41, q8DequantRowSse41, q8DwPlaneSse41};
#else
  (void)isa;
#endif
  return {};
}

}  // namespace eqw::kernels::q8
