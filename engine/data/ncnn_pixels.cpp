#include "data/ncnn_pixels.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <vector>

namespace eqw::data {

namespace {

constexpr int kCoefBits = 11;
constexpr float kCoefScale = 1 << kCoefBits;

// ncnn's SATURATE_CAST_SHORT: round half away from zero, then clamp to short.
int16_t saturateShort(float x) {
  const int v = static_cast<int>(x + (x >= 0.f ? 0.5f : -0.5f));
  return static_cast<int16_t>(std::min(std::max(v, SHRT_MIN), SHRT_MAX));
}

// Source index and the two 11-bit weights of every output coordinate along one axis: the sample
// point (o + 0.5) * src / dst - 0.5 in float, its floor, and the edges clamped (weight 0 or 1 on
// the first / last pixel pair).
struct Axis {
  std::vector<int> index;
  std::vector<int16_t> w0, w1;
};

Axis axis(int src, int dst) {
  Axis a;
  a.index.resize(static_cast<size_t>(dst));
  a.w0.resize(static_cast<size_t>(dst));
  a.w1.resize(static_cast<size_t>(dst));
  const double scale = static_cast<double>(src) / dst;
  for (int o = 0; o < dst; ++o) {
    float f = static_cast<float>((o + 0.5) * scale - 0.5);
    int i = static_cast<int>(std::floor(f));
    f -= static_cast<float>(i);
    if (i < 0) {
      i = 0;
      f = 0.f;
    }
    if (i >= src - 1) {
      i = src - 2;
      f = 1.f;
    }
    a.index[static_cast<size_t>(o)] = i;
    a.w0[static_cast<size_t>(o)] = saturateShort((1.f - f) * kCoefScale);
    a.w1[static_cast<size_t>(o)] = saturateShort(f * kCoefScale);
  }
  return a;
}

}  // namespace

void resizeBilinearNcnn(const uint8_t* src, int srcw, int srch, int channels, uint8_t* dst, int w, int h) {
  const Axis ax = axis(srcw, w), ay = axis(srch, h);
  const int64_t rowLen = static_cast<int64_t>(w) * channels, srcStride = static_cast<int64_t>(srcw) * channels;
  // Horizontal pass of one source row: (s0 * a0 + s1 * a1) >> 4 per channel, kept as short.
  auto hresize = [&](int sy, int16_t* rows) {
    const uint8_t* s = src + sy * srcStride;
    for (int x = 0; x < w; ++x) {
      const uint8_t* p = s + static_cast<int64_t>(ax.index[static_cast<size_t>(x)]) * channels;
      const int a0 = ax.w0[static_cast<size_t>(x)], a1 = ax.w1[static_cast<size_t>(x)];
      for (int c = 0; c < channels; ++c) rows[x * channels + c] = static_cast<int16_t>((p[c] * a0 + p[c + channels] * a1) >> 4);
    }
  };
  std::vector<int16_t> rows0(static_cast<size_t>(rowLen)), rows1(static_cast<size_t>(rowLen));
  int have = -2;  // rows0 / rows1 hold source rows have, have + 1
  for (int y = 0; y < h; ++y) {
    const int sy = ay.index[static_cast<size_t>(y)];
    if (sy == have + 1) {
      rows0.swap(rows1);
      hresize(sy + 1, rows1.data());
    } else if (sy != have) {
      hresize(sy, rows0.data());
      hresize(sy + 1, rows1.data());
    }
    have = sy;
    // Vertical pass: each product shifted down 16 bits and cut to short, then (sum + 2) >> 2.
    const int b0 = ay.w0[static_cast<size_t>(y)], b1 = ay.w1[static_cast<size_t>(y)];
    uint8_t* d = dst + y * rowLen;
    for (int64_t i = 0; i < rowLen; ++i) {
      const int16_t top = static_cast<int16_t>((b0 * rows0[static_cast<size_t>(i)]) >> 16);
      const int16_t bottom = static_cast<int16_t>((b1 * rows1[static_cast<size_t>(i)]) >> 16);
      d[i] = static_cast<uint8_t>((top + bottom + 2) >> 2);
    }
  }
}

void bgrToGrayNcnn(const uint8_t* bgr, int64_t n, uint8_t* gray) {
  for (int64_t i = 0; i < n; ++i, bgr += 3) gray[i] = static_cast<uint8_t>((bgr[2] * 77 + bgr[1] * 150 + bgr[0] * 29) >> 8);
}

}  // namespace eqw::data
