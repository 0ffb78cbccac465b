// The calibration set panel: the folder's images as thumbnails with a count, the files that do not
// load listed with the engine's message, the preprocessing editor and a live preview of the
// selected image exactly as the model receives it with the edited (not yet applied) settings.
// "Apply" hands the settings to the owner's apply function (the workbench pushes an undoable
// command that sets them on the Session); the panel itself never touches a Session.
#pragma once

#include "dataset/preprocess_form.h"
#include "dataset/tensor_preview_view.h"
#include "dataset/thumbnail_model.h"

#include <QWidget>

#include <functional>
#include <optional>

class QLabel;
class QListView;
class QListWidget;
class QPushButton;

namespace eqw::widgets {

class DatasetPanel : public QWidget {
  Q_OBJECT

 public:
  using Apply = std::function<Status(const Preprocess& p)>;

  explicit DatasetPanel(QWidget* parent = nullptr);

  void setApplyFunction(Apply apply) { apply_ = std::move(apply); }
  // Shows `source` (reloading the thumbnails only when it changed) with `applied`, the settings
  // the Session has; the form is reset to them when they differ from the last ones shown.
  void setDataset(const QString& source, const Preprocess& applied);
  // No calibration set: empties everything and shows `message`.
  void clear(const QString& message);
  // Applies the form's settings through the apply function. The form's (the engine's) error when
  // they are invalid, or the apply function's; nothing is applied on error.
  Status apply();
  // Puts the form back to the applied settings.
  void revert();
  void setEditable(bool editable);
  void selectRow(int row);

  ThumbnailModel* model() { return &model_; }
  PreprocessForm* form() const { return form_; }
  TensorPreviewView* preview() const { return preview_; }
  QListView* view() const { return view_; }
  QListWidget* unreadableList() const { return unreadable_; }
  // The header: the image count or why there are none.
  QString summary() const;
  const QString& source() const { return source_; }

 Q_SIGNALS:
  // A file failed to load (also listed in the panel), with the engine's message.
  void unreadableFound(const QString& path, const QString& message);

 private:
  void updateSummary();
  void requestPreview();
  void onUnreadable(int row, const QString& path, const QString& message);

  ThumbnailModel model_;
  Apply apply_;
  QString source_;
  QString openError_;
  std::optional<Preprocess> applied_;
  QLabel* header_;
  QListView* view_;
  QListWidget* unreadable_;
  PreprocessForm* form_;
  QPushButton* applyButton_;
  QPushButton* revertButton_;
  TensorPreviewView* preview_;
};

}  // namespace eqw::widgets
