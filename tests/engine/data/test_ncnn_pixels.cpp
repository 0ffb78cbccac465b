// ncnn's pixel arithmetic (data/ncnn_pixels.h): values worked out by hand from its rules, the
// error bound against exact bilinear sampling, and the gray conversion's coefficients.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <tuple>
#include <vector>

#include "data/ncnn_pixels.h"

namespace eqw::data {
namespace {

// 4 x 2 -> 3 x 2, one channel. Columns sample at 0.1667, 1.5, 2.8333: weights (1707, 341),
// (1024, 1024), (341, 1707) of 2048. Row 0 [0 100 200 255]: horizontal sums >> 4 = 2131,
// 19200, 31467; the first output row takes source row 0 whole (b0 = 2048):
// ((2048 * 2131) >> 16 + 2) >> 2 = 17, (600 + 2) >> 2 = 150, (983 + 2) >> 2 = 246. The second
// output row samples past the last source row: row 1 whole (b1 = 2048).
TEST(NcnnPixels, ResizeFollowsNcnnsFixedPointSteps) {
  const uint8_t src[] = {0, 100, 200, 255, 40, 40, 40, 40};
  uint8_t dst[6] = {};
  resizeBilinearNcnn(src, 4, 2, 1, dst, 3, 2);
  EXPECT_EQ(dst[0], 17);
  EXPECT_EQ(dst[1], 150);
  EXPECT_EQ(dst[2], 246);
  for (int x = 0; x < 3; ++x) EXPECT_EQ(dst[3 + x], 40) << x;
}

// 2 x 3 -> 2 x 2: rows sample at 0.25 and 1.75 (weights 1536 / 512 and 512 / 1536); column
// values 10, 50, 251 become 128 times themselves in the horizontal pass. Output (0, 0):
// ((1536 * 1280) >> 16) + ((512 * 6400) >> 16) = 30 + 50, (80 + 2) >> 2 = 20; output (0, 1):
// 50 + ((1536 * 32128) >> 16 = 753), (803 + 2) >> 2 = 201. Three channels, each its own.
TEST(NcnnPixels, VerticalStepAndChannelsInterleaved) {
  const uint8_t src[] = {10, 0, 7, 10, 0, 7, 50, 0, 7, 50, 0, 7, 251, 0, 7, 251, 0, 7};
  uint8_t dst[12] = {};
  resizeBilinearNcnn(src, 2, 3, 3, dst, 2, 2);
  for (int x = 0; x < 2; ++x) {
    EXPECT_EQ(dst[x * 3 + 0], 20) << x;
    EXPECT_EQ(dst[6 + x * 3 + 0], 201) << x;
    for (int y = 0; y < 2; ++y) {
      EXPECT_EQ(dst[y * 6 + x * 3 + 1], 0);
      EXPECT_EQ(dst[y * 6 + x * 3 + 2], 7);
    }
  }
}

// Down- and upscaling random images: every output within one level of exact bilinear sampling
// (same sample points, edges clamped); the truncations make some differ from its rounding.
TEST(NcnnPixels, WithinOneLevelOfExactBilinear) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> byte(0, 255);
  int differ = 0;
  for (auto [sw, sh, w, h] : {std::tuple{37, 23, 16, 11}, std::tuple{9, 7, 31, 20}, std::tuple{500, 375, 224, 224}}) {
    std::vector<uint8_t> src(static_cast<size_t>(sw * sh * 3)), dst(static_cast<size_t>(w * h * 3));
    for (auto& v : src) v = static_cast<uint8_t>(byte(rng));
    resizeBilinearNcnn(src.data(), sw, sh, 3, dst.data(), w, h);
    auto coord = [](int o, int s, int d, int& i, double& f) {
      const double p = (o + 0.5) * s / d - 0.5;
      i = static_cast<int>(std::floor(p));
      f = p - i;
      if (i < 0) i = 0, f = 0;
      if (i >= s - 1) i = s - 2, f = 1;
    };
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        int x0, y0;
        double fx, fy;
        coord(x, sw, w, x0, fx);
        coord(y, sh, h, y0, fy);
        for (int c = 0; c < 3; ++c) {
          auto px = [&](int xx, int yy) { return static_cast<double>(src[static_cast<size_t>((yy * sw + xx) * 3 + c)]); };
          const double exact = (1 - fy) * ((1 - fx) * px(x0, y0) + fx * px(x0 + 1, y0)) +
                               fy * ((1 - fx) * px(x0, y0 + 1) + fx * px(x0 + 1, y0 + 1));
          const int got = dst[static_cast<size_t>((y * w + x) * 3 + c)];
          ASSERT_LE(std::abs(got - exact), 1.0) << sw << "x" << sh << " -> " << w << "x" << h << " at " << x << "," << y;
          differ += got != static_cast<int>(std::lround(exact));
        }
      }
  }
  EXPECT_GT(differ, 0);
}

// (77 R + 150 G + 29 B) >> 8, truncated: pure green is 149 (OpenCV's BGR2GRAY rounds to 150).
TEST(NcnnPixels, GrayCoefficients) {
  const uint8_t bgr[] = {0, 255, 0, 0, 0, 255, 255, 0, 0, 255, 255, 255, 10, 20, 30};
  uint8_t gray[5] = {};
  bgrToGrayNcnn(bgr, 5, gray);
  EXPECT_EQ(gray[0], 149);
  EXPECT_EQ(gray[1], 76);
  EXPECT_EQ(gray[2], 28);
  EXPECT_EQ(gray[3], 255);
  EXPECT_EQ(gray[4], (30 * 77 + 20 * 150 + 10 * 29) >> 8);
}

}  // namespace
}  // namespace eqw::data
