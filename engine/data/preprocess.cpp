// Image -> input tensor: resize / crop, channel order, x * norm - mean * norm into NCHW float32,
// with ncnn's pixel arithmetic (ncnn2table's tensors).
#include <algorithm>
#include <cmath>
#include <exception>
#include <new>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "data/image_decode.h"
#include "data/ncnn_pixels.h"
#include "eqw/data.h"

namespace eqw {

namespace {

constexpr int kMaxSide = 16384;

bool sideOk(int v) { return v > 0 && v <= kMaxSide; }

// img is BGR (decodeImage8). Gray is made after resizing, from the resized BGR pixels, with
// ncnn's conversion (as from_pixels_resize with PIXEL_BGR2GRAY; a gray file's three equal
// channels give its value back exactly); the RGB swap is exact.
cv::Mat toPixelOrder(const cv::Mat& img, PixelOrder order) {
  cv::Mat out;
  if (order == PixelOrder::GRAY) {
    const cv::Mat bgr = img.isContinuous() ? img : img.clone();
    out.create(bgr.rows, bgr.cols, CV_8UC1);
    data::bgrToGrayNcnn(bgr.ptr<uchar>(), static_cast<int64_t>(bgr.total()), out.ptr<uchar>());
    return out;
  }
  if (order == PixelOrder::RGB) cv::cvtColor(img, out, cv::COLOR_BGR2RGB);
  else out = img;
  return out;
}

// ncnn's bilinear resize (data/ncnn_pixels.h), the arithmetic ncnn2table's images go through;
// OpenCV's INTER_LINEAR only for an image one pixel wide or high, which ncnn cannot resize.
cv::Mat resizeTo(const cv::Mat& img, int w, int h) {
  if (img.cols == w && img.rows == h) return img;
  cv::Mat out;
  if (img.cols < 2 || img.rows < 2) {
    cv::resize(img, out, cv::Size(w, h), 0, 0, cv::INTER_LINEAR);
    return out;
  }
  const cv::Mat src = img.isContinuous() ? img : img.clone();
  out.create(h, w, src.type());
  data::resizeBilinearNcnn(src.ptr<uchar>(), src.cols, src.rows, src.channels(), out.ptr<uchar>(), w, h);
  return out;
}

cv::Mat resizeAndCrop(const cv::Mat& img, const Preprocess& p) {
  if (p.mode == ResizeMode::Exact) return resizeTo(img, p.width, p.height);
  // Shorter side to resizeShorter, the longer one scaled alike; validate() ensures the crop fits.
  const double scale = static_cast<double>(p.resizeShorter) / std::min(img.cols, img.rows);
  // A freak aspect ratio (1 x 100000) must not ask for gigabytes: the longer side is capped,
  // which only stretches the part that the center crop throws away anyway.
  const int longer = static_cast<int>(
      std::min<double>(kMaxSide, std::lround(std::max(img.cols, img.rows) * scale)));
  const bool portrait = img.cols <= img.rows;
  const int w = portrait ? p.resizeShorter : std::max(p.width, longer);
  const int h = portrait ? std::max(p.height, longer) : p.resizeShorter;
  const cv::Mat resized = resizeTo(img, w, h);
  const cv::Rect crop((resized.cols - p.width) / 2, (resized.rows - p.height) / 2, p.width, p.height);
  return resized(crop);
}

// img is CV_8UC1 or CV_8UC3 of exactly the tensor's size.
Tensor toTensor(const cv::Mat& img, const Preprocess& p) {
  const int c = img.channels();
  Tensor t({1, c, p.height, p.width});
  float* out = t.f32();
  const size_t plane = static_cast<size_t>(p.height) * p.width;
  for (int y = 0; y < p.height; ++y) {
    const uchar* row = img.ptr<uchar>(y);
    for (int ch = 0; ch < c; ++ch) {
      float* dst = out + ch * plane + static_cast<size_t>(y) * p.width;
      // ncnn's substract_mean_normalize: a Scale layer, x * norm + (-mean * norm), fused.
      const float norm = p.norm[ch], bias = -p.mean[ch] * p.norm[ch];
      for (int x = 0; x < p.width; ++x) dst[x] = std::fma(static_cast<float>(row[x * c + ch]), norm, bias);
    }
  }
  return t;
}

}  // namespace

const char* toString(ResizeMode mode) {
  return mode == ResizeMode::Exact ? "exact" : "crop";
}

const char* toString(PixelOrder order) {
  switch (order) {
    case PixelOrder::RGB: return "RGB";
    case PixelOrder::BGR: return "BGR";
    case PixelOrder::GRAY: return "GRAY";
  }
  return "?";
}

Status validate(const Preprocess& p) {
  if (!sideOk(p.width) || !sideOk(p.height))
    return invalidArgument("preprocess: size " + std::to_string(p.width) + "x" + std::to_string(p.height) +
                           " must be 1.." + std::to_string(kMaxSide));
  if (p.mode == ResizeMode::ShorterSideThenCenterCrop &&
      (!sideOk(p.resizeShorter) || p.resizeShorter < std::max(p.width, p.height)))
    return invalidArgument("preprocess: resize_shorter=" + std::to_string(p.resizeShorter) +
                           " must be at least the crop size " + std::to_string(std::max(p.width, p.height)) +
                           " and at most " + std::to_string(kMaxSide));
  for (int c = 0; c < p.channels(); ++c)
    if (!std::isfinite(p.mean[c]) || !std::isfinite(p.norm[c]))
      return invalidArgument("preprocess: mean and norm must be finite numbers (channel " + std::to_string(c) + ")");
  return Status::ok();
}

Result<Tensor> loadImageTensor(const std::string& path, const Preprocess& p) {
  EQW_RETURN_IF_ERROR(validate(p));
  try {
    Result<cv::Mat> img = decodeImage8(path);
    if (!img) return img.status();
    const cv::Mat sized = resizeAndCrop(*img, p);
    return toTensor(toPixelOrder(sized, p.pixel), p);
  } catch (const cv::Exception& e) {
    return ioError(path + ": cannot preprocess image: " + e.err);
  } catch (const std::bad_alloc&) {
    return ioError(path + ": cannot preprocess image: out of memory");
  } catch (const std::exception& e) {
    return ioError(path + ": cannot preprocess image: " + e.what());
  }
}

}  // namespace eqw
