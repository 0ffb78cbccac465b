// The layer table with a filter line: sortable columns (numeric sort through
// LayerTableModel::SortRole), the Precision column edited through a combo box. Selecting a row
// emits layerSelected with the layer's name; selectLayer() does the reverse for other panels.
#pragma once

#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace eqw::widgets {

class LayerTableModel;

class LayerTableView : public QWidget {
  Q_OBJECT

 public:
  explicit LayerTableView(LayerTableModel* model, QWidget* parent = nullptr);

  QTableView* table() const { return table_; }
  QSortFilterProxyModel* proxy() const { return proxy_; }
  QLineEdit* filterEdit() const { return filter_; }
  // Selects and shows the layer's row (clearing the filter if it hides it); false when absent.
  bool selectLayer(const QString& layer);
  QString selectedLayer() const;
  // Sizes the columns to their contents (long layer names elided on the left, where they repeat).
  void fitColumns();

 Q_SIGNALS:
  void layerSelected(const QString& layer);

 private:
  void onCurrentChanged();

  LayerTableModel* model_;
  QSortFilterProxyModel* proxy_;
  QTableView* table_;
  QLineEdit* filter_;
  QString last_;
};

}  // namespace eqw::widgets
