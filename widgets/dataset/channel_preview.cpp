#include "dataset/channel_preview.h"

#include <algorithm>
#include <cmath>

namespace eqw::widgets {

QString channelName(PixelOrder order, int c) {
  static const char* rgb[] = {"R", "G", "B"};
  static const char* bgr[] = {"B", "G", "R"};
  if (order == PixelOrder::GRAY) return QStringLiteral("GRAY");
  if (c < 0 || c > 2) return QString::number(c);
  return QString::fromLatin1(order == PixelOrder::RGB ? rgb[c] : bgr[c]);
}

std::vector<ChannelPreview> makeChannelPreviews(const Tensor& t, PixelOrder order) {
  std::vector<ChannelPreview> out;
  if (t.empty() || t.rank() != 4 || t.dim(0) != 1 || t.dtype() != DType::F32) return out;
  const int channels = static_cast<int>(t.dim(1)), h = static_cast<int>(t.dim(2)), w = static_cast<int>(t.dim(3));
  const int64_t plane = int64_t(h) * w;
  for (int c = 0; c < channels; ++c) {
    const float* v = t.f32() + c * plane;
    ChannelPreview p;
    p.name = channelName(order, c);
    const auto [lo, hi] = std::minmax_element(v, v + plane);
    p.min = plane > 0 ? *lo : 0.f;
    p.max = plane > 0 ? *hi : 0.f;
    p.image = QImage(w, h, QImage::Format_Grayscale8);
    const double span = static_cast<double>(p.max) - p.min;
    for (int y = 0; y < h; ++y) {
      uchar* line = p.image.scanLine(y);
      for (int x = 0; x < w; ++x) {
        const double g = span > 0.0 ? (v[int64_t(y) * w + x] - p.min) / span * 255.0 : 0.0;
        line[x] = static_cast<uchar>(std::clamp(std::lround(g), 0L, 255L));
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace eqw::widgets
