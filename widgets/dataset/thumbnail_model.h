// The calibration set's images as a list model for a QListView in icon mode: the files come from
// eqw::openDataset, each thumbnail is the engine's own decode (eqw::loadImageTensor, so a file the
// model cannot read shows up here exactly as it would during calibration). Thumbnails load on a
// worker thread in batches and appear progressively; a folder of thousands of images never blocks
// the GUI thread. Files that fail to load are kept with the engine's message.
#pragma once

#include <eqw/data.h>

#include <QAbstractListModel>
#include <QImage>
#include <QPixmap>
#include <QThreadPool>

#include <atomic>
#include <memory>
#include <vector>

namespace eqw::widgets {

struct UnreadableImage {
  int row = -1;
  QString path;
  QString message;  // loadImageTensor's Status message
};

class ThumbnailModel : public QAbstractListModel {
  Q_OBJECT

 public:
  static constexpr int kThumbSize = 64;  // pixels, square (shorter side, then center crop)
  static constexpr int kBatch = 24;      // thumbnails handed to the GUI thread at once
  enum Role { PathRole = Qt::UserRole + 1, LoadedRole, ErrorRole };

  explicit ThumbnailModel(QObject* parent = nullptr);
  ~ThumbnailModel() override;

  // Opens the folder or list file (eqw::openDataset) and starts loading thumbnails. On error
  // (NotFound for a folder without images) the model is empty and the Status says why.
  Status setSource(const QString& dirOrList);
  void clear();
  const Dataset& dataset() const { return dataset_; }
  QString path(int row) const;

  int loadedCount() const { return loaded_; }  // thumbnails tried so far (read or failed)
  bool loading() const { return loaded_ < rowCount(); }
  const std::vector<UnreadableImage>& unreadable() const { return unreadable_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;

 Q_SIGNALS:
  void progress(int loaded, int total);
  void unreadableFound(int row, const QString& path, const QString& message);
  void finished();

 private:
  struct Batch {
    int first = 0;
    std::vector<QImage> images;     // null where the file failed
    std::vector<QString> errors;    // empty where it loaded
  };
  void stop();
  void startLoading();
  void onBatch(quint64 generation, const Batch& batch);

  Dataset dataset_;
  std::vector<QPixmap> thumbs_;
  std::vector<QString> errors_;
  std::vector<UnreadableImage> unreadable_;
  int loaded_ = 0;
  quint64 generation_ = 0;
  std::shared_ptr<std::atomic<bool>> cancel_;
  QPixmap pending_, failed_;
  QThreadPool pool_;  // last member: destroyed (and waited for) first
};

// A tensor [1, 3, H, W] of 0..255 RGB values as an image (the thumbnail's decode).
QImage rgbTensorToImage(const Tensor& t);

}  // namespace eqw::widgets
