// loadImageTensor on the fixtures, whose pixel values make_fixtures.py wrote by construction.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/data/fixtures.h"
#include "eqw/data.h"

namespace eqw {
namespace {

using test::contains;
using test::imageFixture;

Preprocess exact(int w, int h, PixelOrder order) {
  Preprocess p;
  p.width = w;
  p.height = h;
  p.pixel = order;
  return p;
}

// Element (c, y, x) of a [1, C, H, W] tensor.
float at(const Tensor& t, int c, int y, int x) {
  return t.f32()[(c * t.dim(2) + y) * t.dim(3) + x];
}

Tensor load(const std::string& rel, const Preprocess& p) {
  Result<Tensor> t = loadImageTensor(imageFixture(rel), p);
  EXPECT_TRUE(t.isOk()) << t.status().toString();
  return t.isOk() ? *t : Tensor(p.tensorShape());
}

TEST(LoadImage, GrayPngIsExact) {
  const Tensor t = load("decode/gray.png", exact(6, 4, PixelOrder::GRAY));
  ASSERT_EQ(t.shape(), (Shape{1, 1, 4, 6}));
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 6; ++x) EXPECT_EQ(at(t, 0, y, x), 10.f * x + 40.f * y) << x << "," << y;
}

TEST(LoadImage, GrayIsReplicatedForAColourModel) {
  const Tensor t = load("decode/gray.png", exact(6, 4, PixelOrder::RGB));
  ASSERT_EQ(t.shape(), (Shape{1, 3, 4, 6}));
  for (int c = 0; c < 3; ++c) EXPECT_EQ(at(t, c, 3, 5), 170.f);
}

TEST(LoadImage, MeanAndNormApplyPerChannelAfterReorder) {
  Preprocess p = exact(4, 4, PixelOrder::RGB);
  p.mean = {1.f, 2.f, 3.f};
  p.norm = {0.5f, 0.25f, 2.f};
  const Tensor t = load("decode/rgba.png", p);  // R = 60x, G = 60y, B = 200
  EXPECT_FLOAT_EQ(at(t, 0, 1, 2), (120.f - 1.f) * 0.5f);
  EXPECT_FLOAT_EQ(at(t, 1, 1, 2), (60.f - 2.f) * 0.25f);
  EXPECT_FLOAT_EQ(at(t, 2, 1, 2), (200.f - 3.f) * 2.f);
  p.pixel = PixelOrder::BGR;  // now channel 0 is blue
  const Tensor b = load("decode/rgba.png", p);
  EXPECT_FLOAT_EQ(at(b, 0, 1, 2), (200.f - 1.f) * 0.5f);
  EXPECT_FLOAT_EQ(at(b, 2, 1, 2), (120.f - 3.f) * 2.f);
}

TEST(LoadImage, AlphaIsDroppedNotComposited) {
  // alpha falls to 15 at x = 3; the colour must stay as stored
  const Tensor t = load("decode/rgba.png", exact(4, 4, PixelOrder::RGB));
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) {
      EXPECT_EQ(at(t, 0, y, x), 60.f * x);
      EXPECT_EQ(at(t, 1, y, x), 60.f * y);
      EXPECT_EQ(at(t, 2, y, x), 200.f);
    }
}

TEST(LoadImage, GrayWithAlphaKeepsTheGrayPlane) {
  const Tensor g = load("decode/gray_alpha.png", exact(3, 2, PixelOrder::GRAY));
  const Tensor c = load("decode/gray_alpha.png", exact(3, 2, PixelOrder::BGR));
  for (int x = 0; x < 3; ++x) {
    EXPECT_EQ(at(g, 0, 1, x), 100.f + 50.f * x);
    for (int ch = 0; ch < 3; ++ch) EXPECT_EQ(at(c, ch, 1, x), 100.f + 50.f * x);
  }
}

TEST(LoadImage, SixteenBitKeepsTheHighByte) {
  const Tensor t = load("decode/rgb16.png", exact(2, 2, PixelOrder::RGB));
  // The high bytes, as cv::imread(path, IMREAD_COLOR) gives them to ncnn2table: (0x12FF, 0xFFFF,
  // 0) is (18, 255, 0), where a rounding scale by 1/257 would give 19; (0x8080, 0x4000, 0x0101)
  // is (128, 64, 1).
  EXPECT_EQ(at(t, 0, 0, 0), 18.f);
  EXPECT_EQ(at(t, 1, 0, 0), 255.f);
  EXPECT_EQ(at(t, 2, 0, 0), 0.f);
  EXPECT_EQ(at(t, 0, 1, 1), 128.f);
  EXPECT_EQ(at(t, 1, 1, 1), 64.f);
  EXPECT_EQ(at(t, 2, 1, 1), 1.f);
}

TEST(LoadImage, BmpChannelOrder) {
  const Tensor t = load("decode/rgb.bmp", exact(3, 2, PixelOrder::BGR));
  EXPECT_EQ(at(t, 0, 0, 0), 1.f);  // top-left RGB = (255, 128, 1): blue first
  EXPECT_EQ(at(t, 1, 0, 0), 128.f);
  EXPECT_EQ(at(t, 2, 0, 0), 255.f);
  EXPECT_EQ(at(t, 2, 1, 2), 70.f);  // bottom-right RGB = (70, 80, 90)
}

TEST(LoadImage, CmykJpegDecodesToRedAndBlue) {
  // Adobe (inverted) CMYK: left block stored (255, 0, 0, 255) is red, right (0, 0, 255, 255) blue.
  const Tensor t = load("decode/cmyk.jpg", exact(16, 8, PixelOrder::RGB));
  ASSERT_EQ(t.shape(), (Shape{1, 3, 8, 16}));
  for (int y : {0, 7})
    for (int x : {0, 7}) {
      EXPECT_NEAR(at(t, 0, y, x), 255.f, 3.f);
      EXPECT_NEAR(at(t, 1, y, x), 1.f, 3.f);
      EXPECT_NEAR(at(t, 2, y, x), 1.f, 3.f);
      EXPECT_NEAR(at(t, 0, y, x + 8), 1.f, 3.f);
      EXPECT_NEAR(at(t, 2, y, x + 8), 255.f, 3.f);
    }
}

TEST(LoadImage, UppercaseExtensionBaselineJpeg) {
  const Tensor t = load("decode/nested/deep/GRAY.JPEG", exact(8, 8, PixelOrder::GRAY));
  EXPECT_NEAR(at(t, 0, 4, 4), 77.f, 1.f);
}

// ncnn2table reads with cv::imread(path, 1), which turns a JPEG by its EXIF orientation: 16x8
// stored with 40 on the left, orientation 6, is 8 wide and 16 high with 40 on top.
TEST(LoadImage, JpegExifOrientationIsApplied) {
  const Tensor t = load("exif/rotated.jpg", exact(8, 16, PixelOrder::GRAY));
  ASSERT_EQ(t.shape(), (Shape{1, 1, 16, 8}));
  for (int x : {0, 7}) {
    EXPECT_NEAR(at(t, 0, 0, x), 40.f, 2.f) << x;
    EXPECT_NEAR(at(t, 0, 7, x), 40.f, 2.f) << x;
    EXPECT_NEAR(at(t, 0, 8, x), 200.f, 2.f) << x;
    EXPECT_NEAR(at(t, 0, 15, x), 200.f, 2.f) << x;
  }
}

// An EXIF segment that points outside itself is not followed: the image loads unturned.
TEST(LoadImage, GarbageExifDoesNotStopTheImage) {
  const Tensor t = load("exif/garbage.jpg", exact(8, 8, PixelOrder::GRAY));
  EXPECT_NEAR(at(t, 0, 4, 4), 90.f, 2.f);
}

TEST(LoadImage, ExactResizeHalvesByAveraging) {
  // 6x4 -> 3x2 samples between source pixels: each output is the mean of a 2x2 block,
  // 10 * (2x + 0.5) + 40 * (2y + 0.5)
  const Tensor t = load("decode/gray.png", exact(3, 2, PixelOrder::GRAY));
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 3; ++x) EXPECT_EQ(at(t, 0, y, x), 20.f * x + 80.f * y + 25.f) << x << "," << y;
}

TEST(LoadImage, ShorterSideThenCenterCrop) {
  // 6x4 with shorter side 4: no scaling; the 4x4 crop starts at x = 1
  Preprocess p = exact(4, 4, PixelOrder::GRAY);
  p.mode = ResizeMode::ShorterSideThenCenterCrop;
  p.resizeShorter = 4;
  const Tensor t = load("decode/gray.png", p);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) EXPECT_EQ(at(t, 0, y, x), 10.f * (x + 1) + 40.f * y);
  // shorter side 8 doubles the image to 12x8; a 2x2 center crop sits at (5, 3)
  p.width = p.height = 2;
  p.resizeShorter = 8;
  const Tensor u = load("decode/gray.png", p);
  ASSERT_EQ(u.shape(), (Shape{1, 1, 2, 2}));
  // upsampled pixel (5, 3) maps to source (2.25, 1.25): bilinear 10 * 2.25 + 40 * 1.25
  EXPECT_NEAR(at(u, 0, 0, 0), 72.5f, 1.f);
}

void expectIoError(const std::string& rel, const std::string& why) {
  Result<Tensor> t = loadImageTensor(imageFixture(rel), exact(8, 8, PixelOrder::BGR));
  ASSERT_FALSE(t.isOk()) << rel;
  EXPECT_EQ(t.status().code(), StatusCode::IoError);
  const std::string& m = t.status().message();
  EXPECT_TRUE(contains(m, imageFixture(rel) + ": cannot load image: " + why)) << m;
}

TEST(LoadImage, BrokenFilesAreIoErrorsNamingFileAndReason) {
  expectIoError("broken/broken.jpg", "corrupt or truncated JPEG data");
  expectIoError("broken/truncated.png", "corrupt or truncated PNG data");
  expectIoError("broken/text.jpg", "not an image in a supported format (first bytes 54 68 69 73)");
  expectIoError("broken/empty.png", "the file is empty");
  expectIoError("broken/missing.png", "no such file");
  expectIoError("broken", "not a regular file");
}

TEST(LoadImage, BadPreprocessIsInvalidArgument) {
  Preprocess p = exact(0, 4, PixelOrder::GRAY);
  EXPECT_EQ(loadImageTensor(imageFixture("decode/gray.png"), p).status().code(), StatusCode::InvalidArgument);
  p = exact(4, 4, PixelOrder::GRAY);
  p.mode = ResizeMode::ShorterSideThenCenterCrop;
  p.resizeShorter = 3;  // smaller than the crop
  EXPECT_EQ(loadImageTensor(imageFixture("decode/gray.png"), p).status().code(), StatusCode::InvalidArgument);
  p = exact(4, 4, PixelOrder::GRAY);
  p.norm[0] = std::nanf("");
  EXPECT_EQ(validate(p).code(), StatusCode::InvalidArgument);
}

}  // namespace
}  // namespace eqw
