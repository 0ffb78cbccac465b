// Implicit im2col for the GEMM convolution, AVX-512: copies the input segments a B panel needs
// (one per output row the panel touches) with masked zmm loads; stride 2 picks the even lanes
// of two loads with one permute.
#include "kernels/conv/f32_conv_ukernel.h"
#include "kernels/gemm/x86/avx512/f32_epilogue_avx512.h"

#include <immintrin.h>

namespace eqw::kernels::avx512 {
namespace {

struct Segment {
  int dst;        // first panel column
  int len;        // columns
  int64_t src;    // offset of the first input element for ky = kx = 0, channel 0
};

int makeSegments(const F32ConvGeom& g, int64_t n0, int nc, Segment* segs) {
  int count = 0;
  int64_t oy = n0 / g.ow, ox = n0 % g.ow;
  for (int j = 0; j < nc;) {
    int64_t room = g.ow - ox;
    int len = static_cast<int>(room < nc - j ? room : nc - j);
    segs[count++] = Segment{j, len, oy * g.sh * g.iw + ox * g.sw};
    j += len;
    ox = 0;
    ++oy;
  }
  return count;
}

// Each copy also prefetches the 128 bytes that follow its segment: the next panel's columns of
// the same input row. Big planes otherwise miss to memory on every row of every panel (a 1x1
// convolution on 56x56 ran at half speed).
inline void prefetchNext(const float* p) {
  _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0);
  _mm_prefetch(reinterpret_cast<const char*>(p + 16), _MM_HINT_T0);
}

inline void copyStride1(const float* src, float* dst, int len) {
  prefetchNext(src + len);
  for (int t = 0; t < len; t += 16) {
    const __mmask16 m = tailMask(len - t);
    _mm512_mask_storeu_ps(dst + t, m, _mm512_maskz_loadu_ps(m, src + t));
  }
}

inline void copyStride2(const float* src, float* dst, int len) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  prefetchNext(src + 2 * len);
  prefetchNext(src + 2 * len + 32);
  for (int t = 0; t < len; t += 16) {
    const int lanes = len - t < 16 ? len - t : 16;
    const int need = 2 * lanes - 1;  // input elements read: src[2t .. 2t + need)
    const __m512 lo = _mm512_maskz_loadu_ps(tailMask(need), src + 2 * t);
    const __m512 hi = _mm512_maskz_loadu_ps(tailMask(need - 16), src + 2 * t + 16);
    _mm512_mask_storeu_ps(dst + t, tailMask(lanes), _mm512_permutex2var_ps(lo, even, hi));
  }
}

inline void copyStrided(const float* src, int stride, float* dst, int len) {
  for (int t = 0; t < len; ++t) dst[t] = src[t * stride];
}

}  // namespace

void f32_im2col_pack_avx512(const F32ConvGeom& g, const float* x, int64_t n0, int nc, int nw, float* out) {
  Segment segs[64];
  const int nseg = makeSegments(g, n0, nc, segs);
  const int64_t plane = g.ih * g.iw;
  float* dst = out;
  for (int64_t c = 0; c < g.channels; ++c) {
    for (int ky = 0; ky < g.kh; ++ky) {
      for (int kx = 0; kx < g.kw; ++kx) {
        const float* base = x + c * plane + ky * g.dh * g.iw + kx * g.dw;
        for (int s = 0; s < nseg; ++s) {
          const float* src = base + segs[s].src;
          if (g.sw == 1) copyStride1(src, dst + segs[s].dst, segs[s].len);
          else if (g.sw == 2) copyStride2(src, dst + segs[s].dst, segs[s].len);
          else copyStrided(src, g.sw, dst + segs[s].dst, segs[s].len);
        }
        for (int j = nc; j < nw; j += 16) _mm512_mask_storeu_ps(dst + j, tailMask(nw - j), _mm512_setzero_ps());
        dst += nw;
      }
    }
  }
}

}  // namespace eqw::kernels::avx512
