#include "dataset/dataset_panel.h"

#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

namespace eqw::widgets {

DatasetPanel::DatasetPanel(QWidget* parent)
    : QWidget(parent),
      model_(this),
      header_(new QLabel(this)),
      view_(new QListView(this)),
      unreadable_(new QListWidget(this)),
      form_(new PreprocessForm(this)),
      applyButton_(new QPushButton(tr("Apply"), this)),
      revertButton_(new QPushButton(tr("Revert"), this)),
      preview_(new TensorPreviewView(this)) {
  view_->setModel(&model_);
  view_->setViewMode(QListView::IconMode);
  view_->setIconSize(QSize(ThumbnailModel::kThumbSize, ThumbnailModel::kThumbSize));
  view_->setGridSize(QSize(ThumbnailModel::kThumbSize + 24, ThumbnailModel::kThumbSize + 28));
  view_->setResizeMode(QListView::Adjust);
  view_->setMovement(QListView::Static);
  view_->setUniformItemSizes(true);  // no per-item size queries over thousands of files
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  header_->setWordWrap(true);
  unreadable_->setMaximumHeight(90);
  unreadable_->hide();

  auto* top = new QWidget(this);
  auto* topLayout = new QVBoxLayout(top);
  topLayout->setContentsMargins(0, 0, 0, 0);
  topLayout->addWidget(header_);
  topLayout->addWidget(view_, 1);
  topLayout->addWidget(unreadable_);

  auto* formBox = new QGroupBox(tr("Preprocessing"), this);
  auto* formLayout = new QVBoxLayout(formBox);
  formLayout->addWidget(form_);
  auto* buttons = new QHBoxLayout;
  buttons->addStretch(1);
  buttons->addWidget(revertButton_);
  buttons->addWidget(applyButton_);
  formLayout->addLayout(buttons);
  auto* previewBox = new QGroupBox(tr("Model input preview"), this);
  auto* previewLayout = new QVBoxLayout(previewBox);
  previewLayout->addWidget(preview_);
  previewLayout->addStretch(1);
  auto* bottom = new QWidget(this);
  auto* bottomLayout = new QHBoxLayout(bottom);
  bottomLayout->setContentsMargins(0, 0, 0, 0);
  bottomLayout->addWidget(formBox);
  bottomLayout->addWidget(previewBox, 1);

  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(top);
  splitter->addWidget(bottom);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(splitter);

  connect(&model_, &ThumbnailModel::progress, this, &DatasetPanel::updateSummary);
  connect(&model_, &ThumbnailModel::unreadableFound, this, &DatasetPanel::onUnreadable);
  connect(view_->selectionModel(), &QItemSelectionModel::currentChanged, this, &DatasetPanel::requestPreview);
  connect(form_, &PreprocessForm::edited, this, &DatasetPanel::requestPreview);
  connect(applyButton_, &QPushButton::clicked, this, [this] { (void)apply(); });
  connect(revertButton_, &QPushButton::clicked, this, &DatasetPanel::revert);
  clear(tr("No calibration set: drop an image folder on the window or use Calibrate › Choose calibration folder"));
}

void DatasetPanel::setDataset(const QString& source, const Preprocess& applied) {
  if (source != source_ || (!openError_.isEmpty())) {
    source_ = source;
    unreadable_->clear();
    unreadable_->hide();
    preview_->clear(tr("Select an image to preview the model's input"));
    Status s = model_.setSource(source);
    openError_ = s.isOk() ? QString() : QString::fromStdString(s.message());
    if (model_.rowCount() > 0) selectRow(0);
  }
  if (!applied_ || toString(*applied_) != toString(applied)) {
    applied_ = applied;
    form_->setPreprocess(applied);
    requestPreview();
  }
  applyButton_->setEnabled(true);
  revertButton_->setEnabled(true);
  updateSummary();
}

void DatasetPanel::clear(const QString& message) {
  model_.clear();
  source_.clear();
  openError_ = message;
  applied_.reset();
  unreadable_->clear();
  unreadable_->hide();
  preview_->clear(message);
  applyButton_->setEnabled(false);
  revertButton_->setEnabled(false);
  updateSummary();
}

Status DatasetPanel::apply() {
  Result<Preprocess> p = form_->preprocess();
  if (!p) return p.status();
  if (source_.isEmpty() || !apply_) return invalidArgument(tr("no calibration set to apply the preprocessing to").toStdString());
  Status s = apply_(*p);
  if (!s.isOk()) return form_->showError(QString::fromStdString(s.message())), s;
  applied_ = *p;
  return s;
}

void DatasetPanel::revert() {
  if (applied_) form_->setPreprocess(*applied_);
  requestPreview();
}

void DatasetPanel::setEditable(bool editable) {
  form_->setEnabled(editable);
  applyButton_->setEnabled(editable && !source_.isEmpty());
  revertButton_->setEnabled(editable && !source_.isEmpty());
}

void DatasetPanel::selectRow(int row) {
  view_->setCurrentIndex(model_.index(row));
}

QString DatasetPanel::summary() const { return header_->text(); }

void DatasetPanel::updateSummary() {
  if (!openError_.isEmpty()) return header_->setText(openError_);
  const int n = model_.rowCount();
  QString text = tr("%n image(s) in %1", nullptr, n).arg(QFileInfo(source_).fileName());
  if (model_.loading()) text += tr(" — loading thumbnails %1 / %2").arg(model_.loadedCount()).arg(n);
  if (!model_.unreadable().empty()) text += tr(" — %n unreadable", nullptr, static_cast<int>(model_.unreadable().size()));
  header_->setText(text);
}

void DatasetPanel::requestPreview() {
  const QString path = model_.path(view_->currentIndex().row());
  if (path.isEmpty()) return;
  Result<Preprocess> p = form_->preprocess();
  if (!p) return preview_->clear(form_->errorText());
  preview_->request(path, *p);
}

void DatasetPanel::onUnreadable(int, const QString& path, const QString& message) {
  auto* item = new QListWidgetItem(tr("%1: %2").arg(QFileInfo(path).fileName(), message), unreadable_);
  item->setToolTip(path);
  unreadable_->show();
  updateSummary();
  Q_EMIT unreadableFound(path, message);
}

}  // namespace eqw::widgets
