// Live preview of one image as the model receives it: loadImageTensor with the preprocessing being
// edited (not yet applied), each channel shown as a grayscale image scaled to its own range with
// the range printed under it. Requests are debounced (kDebounceMs) and loaded on a worker thread;
// a result that a newer request superseded is dropped.
#pragma once

#include "dataset/channel_preview.h"

#include <QThreadPool>
#include <QTimer>
#include <QWidget>

class QHBoxLayout;
class QLabel;

namespace eqw::widgets {

class TensorPreviewView : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kDebounceMs = 100;
  static constexpr int kDisplaySide = 128;  // pixels on screen for the longer side of a channel

  explicit TensorPreviewView(QWidget* parent = nullptr);
  ~TensorPreviewView() override;

  // Shows `path` under `p` once no other request came for kDebounceMs.
  void request(const QString& path, const Preprocess& p);
  void clear(const QString& message = {});
  const std::vector<ChannelPreview>& channels() const { return channels_; }
  const QString& message() const { return message_; }
  const QString& path() const { return path_; }

 Q_SIGNALS:
  // A request was shown (channels() or message() changed).
  void updated();

 private:
  void load();
  void show(quint64 generation, const QString& path, const Result<Tensor>& tensor, PixelOrder order);

  QTimer debounce_;
  QString path_;
  Preprocess preprocess_;
  quint64 generation_ = 0;
  std::vector<ChannelPreview> channels_;
  QString message_;
  QLabel* status_;
  QHBoxLayout* row_;
  QWidget* rowWidget_;
  QThreadPool pool_;  // last member: destroyed (and waited for) first
};

}  // namespace eqw::widgets
