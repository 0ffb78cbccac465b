// The exact tensor the model receives, made visible: one grayscale image per channel of a
// [1, C, H, W] tensor, each scaled to its own min..max, with that range. Plain data, no widget,
// so tests check it against loadImageTensor without pixels on screen.
#pragma once

#include <eqw/data.h>
#include <eqw/tensor.h>

#include <QImage>
#include <QString>

#include <vector>

namespace eqw::widgets {

struct ChannelPreview {
  QString name;     // "R", "G", "B" in tensor order, or "GRAY"
  float min = 0.f;  // the channel's value range in the tensor
  float max = 0.f;
  QImage image;     // Grayscale8, W x H: min -> 0, max -> 255 (a constant channel is all 0)
};

// The name of tensor channel `c` under `order` (mean[0] is R for RGB, B for BGR).
QString channelName(PixelOrder order, int c);
// One preview per channel; empty for a tensor that is not float [1, C, H, W].
std::vector<ChannelPreview> makeChannelPreviews(const Tensor& t, PixelOrder order);

}  // namespace eqw::widgets
