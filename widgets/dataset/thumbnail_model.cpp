#include "dataset/thumbnail_model.h"

#include <QColor>
#include <QFileInfo>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace eqw::widgets {

namespace {

// The thumbnail's preprocessing: the engine's decode, RGB, shorter side then a square crop,
// raw 0..255 values.
Preprocess thumbnailPreprocess() {
  Preprocess p;
  p.width = p.height = p.resizeShorter = ThumbnailModel::kThumbSize;
  p.mode = ResizeMode::ShorterSideThenCenterCrop;
  p.pixel = PixelOrder::RGB;
  return p;
}

QPixmap placeholder(const QColor& fill, const QColor& mark) {
  QPixmap pm(ThumbnailModel::kThumbSize, ThumbnailModel::kThumbSize);
  pm.fill(fill);
  QPainter painter(&pm);
  painter.setPen(QPen(mark, 3));
  if (mark.isValid()) painter.drawLine(8, 8, pm.width() - 8, pm.height() - 8);
  if (mark.isValid()) painter.drawLine(pm.width() - 8, 8, 8, pm.height() - 8);
  return pm;
}

}  // namespace

QImage rgbTensorToImage(const Tensor& t) {
  if (t.rank() != 4 || t.dim(1) != 3 || t.dtype() != DType::F32) return {};
  const int h = static_cast<int>(t.dim(2)), w = static_cast<int>(t.dim(3));
  QImage image(w, h, QImage::Format_RGB888);
  const float* plane[3] = {t.f32(), t.f32() + int64_t(h) * w, t.f32() + 2 * int64_t(h) * w};
  for (int y = 0; y < h; ++y) {
    uchar* line = image.scanLine(y);
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c)
        line[3 * x + c] = static_cast<uchar>(std::clamp(std::lround(plane[c][int64_t(y) * w + x]), 0L, 255L));
  }
  return image;
}

ThumbnailModel::ThumbnailModel(QObject* parent)
    : QAbstractListModel(parent),
      pending_(placeholder(QColor(225, 225, 225), QColor())),
      failed_(placeholder(QColor(250, 225, 225), QColor(200, 40, 40))) {
  pool_.setMaxThreadCount(1);  // one loader: the machine's cores belong to the jobs
}

ThumbnailModel::~ThumbnailModel() { stop(); }

void ThumbnailModel::stop() {
  if (cancel_) cancel_->store(true);
  pool_.waitForDone();
  cancel_.reset();
  ++generation_;  // batches already posted are dropped
}

void ThumbnailModel::clear() {
  stop();
  beginResetModel();
  dataset_ = Dataset{};
  thumbs_.clear();
  errors_.clear();
  unreadable_.clear();
  loaded_ = 0;
  endResetModel();
}

Status ThumbnailModel::setSource(const QString& dirOrList) {
  clear();
  Result<Dataset> opened = openDataset(dirOrList.toStdString());
  if (!opened) return opened.status();
  beginResetModel();
  dataset_ = std::move(opened.value());
  thumbs_.assign(dataset_.samples.size(), QPixmap());
  errors_.assign(dataset_.samples.size(), QString());
  endResetModel();
  startLoading();
  return Status::ok();
}

void ThumbnailModel::startLoading() {
  cancel_ = std::make_shared<std::atomic<bool>>(false);
  std::vector<std::string> paths;
  for (const Sample& s : dataset_.samples) paths.push_back(s.path);
  const quint64 generation = generation_;
  pool_.start([this, paths = std::move(paths), cancel = cancel_, generation] {
    const Preprocess p = thumbnailPreprocess();
    for (size_t first = 0; first < paths.size() && !cancel->load(); first += kBatch) {
      Batch batch;
      batch.first = static_cast<int>(first);
      for (size_t i = first; i < std::min(paths.size(), first + kBatch) && !cancel->load(); ++i) {
        Result<Tensor> t = loadImageTensor(paths[i], p);
        batch.images.push_back(t ? rgbTensorToImage(*t) : QImage());
        batch.errors.push_back(t ? QString() : QString::fromStdString(t.status().message()));
      }
      if (cancel->load()) return;
      // The destructor waits for this task, so `this` outlives the post; a batch still queued
      // when the model dies is dropped by Qt with it.
      QMetaObject::invokeMethod(this, [this, generation, batch = std::move(batch)] { onBatch(generation, batch); },
                                Qt::QueuedConnection);
    }
  });
}

void ThumbnailModel::onBatch(quint64 generation, const Batch& batch) {
  if (generation != generation_) return;
  const int n = static_cast<int>(batch.images.size());
  for (int i = 0; i < n; ++i) {
    const int row = batch.first + i;
    if (!batch.errors[i].isEmpty()) {
      errors_[row] = batch.errors[i];
      UnreadableImage u{row, path(row), batch.errors[i]};
      unreadable_.push_back(u);
      Q_EMIT unreadableFound(row, u.path, u.message);
    } else {
      thumbs_[row] = QPixmap::fromImage(batch.images[i]);
    }
  }
  loaded_ = batch.first + n;
  if (n > 0) Q_EMIT dataChanged(index(batch.first), index(batch.first + n - 1), {Qt::DecorationRole, LoadedRole});
  Q_EMIT progress(loaded_, rowCount());
  if (loaded_ >= rowCount()) Q_EMIT finished();
}

QString ThumbnailModel::path(int row) const {
  if (row < 0 || row >= rowCount()) return {};
  return QString::fromStdString(dataset_.samples[row].path);
}

int ThumbnailModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(dataset_.samples.size());
}

QVariant ThumbnailModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const int row = index.row();
  switch (role) {
    case Qt::DisplayRole: return QFileInfo(path(row)).fileName();
    case Qt::ToolTipRole: return errors_[row].isEmpty() ? path(row) : errors_[row];
    case Qt::DecorationRole:
      if (!errors_[row].isEmpty()) return failed_;
      return thumbs_[row].isNull() ? pending_ : thumbs_[row];
    case PathRole: return path(row);
    case LoadedRole: return !thumbs_[row].isNull() || !errors_[row].isEmpty();
    case ErrorRole: return errors_[row];
    default: return {};
  }
}

}  // namespace eqw::widgets
