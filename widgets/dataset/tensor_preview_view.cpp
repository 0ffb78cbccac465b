#include "dataset/tensor_preview_view.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPixmap>
#include <QVBoxLayout>

namespace eqw::widgets {

TensorPreviewView::TensorPreviewView(QWidget* parent)
    : QWidget(parent), status_(new QLabel(this)), row_(nullptr), rowWidget_(new QWidget(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  row_ = new QHBoxLayout(rowWidget_);
  row_->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(rowWidget_);
  status_->setWordWrap(true);
  layout->addWidget(status_);
  debounce_.setSingleShot(true);
  debounce_.setInterval(kDebounceMs);
  connect(&debounce_, &QTimer::timeout, this, &TensorPreviewView::load);
  pool_.setMaxThreadCount(1);
  clear(tr("Select an image to preview the model's input"));
}

TensorPreviewView::~TensorPreviewView() {
  ++generation_;
  pool_.waitForDone();
}

void TensorPreviewView::request(const QString& path, const Preprocess& p) {
  path_ = path;
  preprocess_ = p;
  debounce_.start();
}

void TensorPreviewView::clear(const QString& message) {
  debounce_.stop();
  ++generation_;
  path_.clear();
  channels_.clear();
  message_ = message;
  while (QLayoutItem* item = row_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  status_->setText(message);
}

void TensorPreviewView::load() {
  if (path_.isEmpty()) return;
  const quint64 generation = ++generation_;
  // Decoding a large photo takes longer than a keystroke: off the GUI thread.
  pool_.start([this, generation, path = path_, p = preprocess_] {
    Result<Tensor> t = loadImageTensor(path.toStdString(), p);
    QMetaObject::invokeMethod(this, [this, generation, path, t = std::move(t), order = p.pixel] { show(generation, path, t, order); },
                              Qt::QueuedConnection);
  });
}

void TensorPreviewView::show(quint64 generation, const QString& path, const Result<Tensor>& tensor, PixelOrder order) {
  if (generation != generation_) return;
  const QString keep = path;
  clear();
  path_ = keep;
  if (!tensor) {
    message_ = QString::fromStdString(tensor.status().message());
    status_->setText(message_);
    Q_EMIT updated();
    return;
  }
  channels_ = makeChannelPreviews(*tensor, order);
  for (const ChannelPreview& c : channels_) {
    auto* cell = new QWidget(rowWidget_);
    auto* v = new QVBoxLayout(cell);
    v->setContentsMargins(0, 0, 0, 0);
    auto* image = new QLabel(cell);
    // Nearest neighbour: a 28 x 28 input should look like its pixels, not a blur.
    image->setPixmap(QPixmap::fromImage(c.image).scaled(kDisplaySide, kDisplaySide, Qt::KeepAspectRatio, Qt::FastTransformation));
    auto* range = new QLabel(tr("%1: %2 … %3").arg(c.name).arg(c.min, 0, 'g', 5).arg(c.max, 0, 'g', 5), cell);
    range->setAlignment(Qt::AlignHCenter);
    v->addWidget(image);
    v->addWidget(range);
    row_->addWidget(cell);
  }
  row_->addStretch(1);
  const Shape& s = tensor->shape();
  message_ = tr("%1 → tensor [1, %2, %3, %4]").arg(QFileInfo(path).fileName()).arg(s[1]).arg(s[2]).arg(s[3]);
  status_->setText(message_);
  Q_EMIT updated();
}

}  // namespace eqw::widgets
