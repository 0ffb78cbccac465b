// The Issues dock: the Document's diagnostics (importer warnings, skipped images, calibration
// warnings), newest last; clicking one that concerns a layer asks to select that layer.
#pragma once

#include <QListWidget>

namespace eqw::gui {

class Document;

class IssuesPanel : public QListWidget {
  Q_OBJECT

 public:
  explicit IssuesPanel(const Document* doc, QWidget* parent = nullptr);
  void refresh();
  // The item's layer (empty when the diagnostic names none).
  static QString layerOf(const QListWidgetItem* item);

 Q_SIGNALS:
  void layerActivated(const QString& layer);

 private:
  const Document* doc_;
};

}  // namespace eqw::gui
