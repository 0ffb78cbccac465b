// Implicit im2col for the GEMM convolution, AVX2: copies the input segments a B panel needs
// (one per output row the panel touches) 8 floats at a time; stride 2 by shuffles.
#include "kernels/conv/f32_conv_ukernel.h"
#include "kernels/conv/x86/avx2/f32_conv_load_avx2.h"

#include <immintrin.h>

namespace eqw::kernels::avx2 {
namespace {

struct Segment {
  int dst;
  int len;
  int64_t src;
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

// Also prefetches what follows the segment: the next panel's columns of the same input row
// (big planes otherwise miss to memory on every row of every panel).
template <int SW>
inline void copySegment(const float* src, float* dst, int len) {
  for (int b = 0; b < SW * 32; b += 16) _mm_prefetch(reinterpret_cast<const char*>(src + SW * len + b), _MM_HINT_T0);
  for (int t = 0; t < len; t += 8) {
    const int lanes = len - t < 8 ? len - t : 8;
    storeLanes(dst + t, loadStrided<SW>(src + SW * t, lanes), lanes);
  }
}

}  // namespace

void f32_im2col_pack_avx2(const F32ConvGeom& g, const float* x, int64_t n0, int nc, int nw, float* out) {
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
          float* d = dst + segs[s].dst;
          if (g.sw == 1) copySegment<1>(src, d, segs[s].len);
          else if (g.sw == 2) copySegment<2>(src, d, segs[s].len);
          else for (int t = 0; t < segs[s].len; ++t) d[t] = src[t * g.sw];
        }
        for (int j = nc; j < nw; ++j) dst[j] = 0.f;
        dst += nw;
      }
    }
  }
}

}  // namespace eqw::kernels::avx2
