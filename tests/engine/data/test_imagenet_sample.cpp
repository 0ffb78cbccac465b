// Real photographs (/work/shared/images/imagenet-sample): every one loads, and chosen pixels
// match a hand computation (cv::imread + bilinear sampling by hand + the mean/norm formula).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "eqw/data.h"

namespace eqw {
namespace {

std::string sampleDir() { return std::string(EQW_SHARED_DIR) + "/images/imagenet-sample"; }

#define SKIP_WITHOUT_SAMPLE()                                                      \
  if (!std::filesystem::is_directory(sampleDir()))                                 \
  GTEST_SKIP() << sampleDir() << " is absent (shared ImageNet sample photographs)"

// ncnn's usual ImageNet constants, RGB order
Preprocess imagenet(ResizeMode mode) {
  Result<Preprocess> p = parsePreprocess(
      "shape=[224,224,3] pixel=RGB mean=[123.675,116.28,103.53] norm=[0.01712475,0.017507,0.01742919]");
  EXPECT_TRUE(p.isOk());
  p->mode = mode;
  p->resizeShorter = 256;
  return *p;
}

// OpenCV's INTER_LINEAR sampling rule (pixel centres at +0.5, edges clamped), by hand, for
// output pixel (ox, oy) of a dstW x dstH resize of channel ch.
double bilinear(const cv::Mat& img, int ch, int dstW, int dstH, int ox, int oy) {
  auto coord = [](int o, int src, int dst, int& i0, double& f) {
    const double s = (o + 0.5) * src / dst - 0.5;
    i0 = static_cast<int>(std::floor(s));
    f = s - i0;
    if (i0 < 0) i0 = 0, f = 0;
    if (i0 >= src - 1) i0 = src - 1, f = 0;
  };
  int x0, y0;
  double fx, fy;
  coord(ox, img.cols, dstW, x0, fx);
  coord(oy, img.rows, dstH, y0, fy);
  const int x1 = std::min(x0 + 1, img.cols - 1), y1 = std::min(y0 + 1, img.rows - 1);
  auto px = [&](int x, int y) { return static_cast<double>(img.ptr<uchar>(y)[x * img.channels() + ch]); };
  return (1 - fy) * ((1 - fx) * px(x0, y0) + fx * px(x1, y0)) + fy * ((1 - fx) * px(x0, y1) + fx * px(x1, y1));
}

float at(const Tensor& t, int c, int y, int x) { return t.f32()[(c * t.dim(2) + y) * t.dim(3) + x]; }

const int kProbes[][2] = {{0, 0}, {223, 223}, {17, 150}, {111, 112}, {200, 3}};

TEST(ImagenetSample, EveryPhotoLoadsToTheModelShape) {
  SKIP_WITHOUT_SAMPLE();
  Result<Dataset> ds = openDataset(sampleDir());
  ASSERT_TRUE(ds.isOk()) << ds.status().toString();
  EXPECT_EQ(ds->layout, DatasetLayout::Folder);
  EXPECT_EQ(ds->samples.size(), 200u);  // README.md is not an image
  const Preprocess p = imagenet(ResizeMode::ShorterSideThenCenterCrop);
  size_t loaded = 0;
  Diagnostics diags;
  Status st = forEachSample(*ds, p, [&](size_t, const Sample& s, const Tensor& t) {
    EXPECT_EQ(t.shape(), (Shape{1, 3, 224, 224})) << s.path;
    for (int c = 0; c < 3; ++c) {
      const float lo = (0.f - p.mean[c]) * p.norm[c], hi = (255.f - p.mean[c]) * p.norm[c];
      const float* plane = t.f32() + c * 224 * 224;
      const auto [mn, mx] = std::minmax_element(plane, plane + 224 * 224);
      EXPECT_GE(*mn, lo - 1e-5f) << s.path;
      EXPECT_LE(*mx, hi + 1e-5f) << s.path;
    }
    ++loaded;
    return true;
  }, diags);
  EXPECT_TRUE(st.isOk()) << st.toString();
  EXPECT_EQ(loaded, 200u);
  for (const Diagnostic& d : diags) ADD_FAILURE() << d.message;
}

TEST(ImagenetSample, ColourPhotoPixelsMatchHandComputation) {
  SKIP_WITHOUT_SAMPLE();
  const std::string path = sampleDir() + "/n01440764_tench.JPEG";
  const cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
  ASSERT_FALSE(bgr.empty());
  const Preprocess p = imagenet(ResizeMode::Exact);
  Result<Tensor> t = loadImageTensor(path, p);
  ASSERT_TRUE(t.isOk()) << t.status().toString();
  for (const auto& probe : kProbes)
    for (int c = 0; c < 3; ++c) {
      const int bgrChannel = 2 - c;  // tensor is RGB
      const double x = bilinear(bgr, bgrChannel, 224, 224, probe[0], probe[1]);
      const double expected = (x - p.mean[c]) * p.norm[c];
      // 8-bit fixed-point resizing may round one level off
      EXPECT_NEAR(at(*t, c, probe[1], probe[0]), expected, 1.01 * p.norm[c])
          << "channel " << c << " at (" << probe[0] << ", " << probe[1] << ")";
    }
}

TEST(ImagenetSample, CenterCropPixelsMatchHandComputation) {
  SKIP_WITHOUT_SAMPLE();
  const std::string path = sampleDir() + "/n01530575_brambling.JPEG";
  const cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
  ASSERT_FALSE(bgr.empty());
  const Preprocess p = imagenet(ResizeMode::ShorterSideThenCenterCrop);
  // shorter side -> 256, longer side scaled alike, then a centred 224 x 224 window
  const double scale = 256.0 / std::min(bgr.cols, bgr.rows);
  const int w = bgr.cols <= bgr.rows ? 256 : static_cast<int>(std::lround(bgr.cols * scale));
  const int h = bgr.cols <= bgr.rows ? static_cast<int>(std::lround(bgr.rows * scale)) : 256;
  const int x0 = (w - 224) / 2, y0 = (h - 224) / 2;
  Result<Tensor> t = loadImageTensor(path, p);
  ASSERT_TRUE(t.isOk()) << t.status().toString();
  for (const auto& probe : kProbes)
    for (int c = 0; c < 3; ++c) {
      const double x = bilinear(bgr, 2 - c, w, h, probe[0] + x0, probe[1] + y0);
      EXPECT_NEAR(at(*t, c, probe[1], probe[0]), (x - p.mean[c]) * p.norm[c], 1.01 * p.norm[c])
          << "channel " << c << " at (" << probe[0] << ", " << probe[1] << ")";
    }
}

TEST(ImagenetSample, GrayscalePhotoIsReplicatedOrKeptGray) {
  SKIP_WITHOUT_SAMPLE();
  const std::string path = sampleDir() + "/n02692877_airship.JPEG";  // a one-component JPEG
  const cv::Mat gray = cv::imread(path, cv::IMREAD_GRAYSCALE | cv::IMREAD_IGNORE_ORIENTATION);
  ASSERT_FALSE(gray.empty());
  Result<Tensor> rgb = loadImageTensor(path, imagenet(ResizeMode::Exact));
  ASSERT_TRUE(rgb.isOk()) << rgb.status().toString();
  Result<Preprocess> g = parsePreprocess("shape=[224,224,1] mean=[128] norm=[0.0078125]");
  ASSERT_TRUE(g.isOk());
  Result<Tensor> one = loadImageTensor(path, *g);
  ASSERT_TRUE(one.isOk()) << one.status().toString();
  ASSERT_EQ(one->shape(), (Shape{1, 1, 224, 224}));
  const Preprocess p = imagenet(ResizeMode::Exact);
  for (const auto& probe : kProbes) {
    const double x = bilinear(gray, 0, 224, 224, probe[0], probe[1]);
    EXPECT_NEAR(at(*one, 0, probe[1], probe[0]), (x - 128.0) * 0.0078125, 1.01 * 0.0078125);
    for (int c = 0; c < 3; ++c)
      EXPECT_NEAR(at(*rgb, c, probe[1], probe[0]), (x - p.mean[c]) * p.norm[c], 1.01 * p.norm[c]);
  }
}

}  // namespace
}  // namespace eqw
