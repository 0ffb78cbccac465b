#include "layers/layer_table_view.h"

#include "layers/layer_table_model.h"
#include "layers/precision_delegate.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace eqw::widgets {

LayerTableView::LayerTableView(LayerTableModel* model, QWidget* parent)
    : QWidget(parent), model_(model), proxy_(new QSortFilterProxyModel(this)), table_(new QTableView(this)),
      filter_(new QLineEdit(this)) {
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(LayerTableModel::SortRole);
  proxy_->setFilterKeyColumn(-1);
  proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  filter_->setPlaceholderText(tr("Filter layers (name, type, method…)"));
  filter_->setClearButtonEnabled(true);
  connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);

  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(-1, Qt::AscendingOrder);  // graph order until the user sorts
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::SelectedClicked);
  table_->setItemDelegateForColumn(LayerTableModel::PrecisionColumn, new PrecisionDelegate(table_));
  table_->verticalHeader()->hide();
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 8);
  table_->setWordWrap(false);
  table_->setTextElideMode(Qt::ElideLeft);
  table_->horizontalHeader()->setStretchLastSection(true);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &LayerTableView::onCurrentChanged);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(filter_);
  layout->addWidget(table_);
}

void LayerTableView::fitColumns() {
  table_->resizeColumnsToContents();
  const int maxName = 26 * table_->fontMetrics().averageCharWidth();
  if (table_->columnWidth(LayerTableModel::Name) > maxName) table_->setColumnWidth(LayerTableModel::Name, maxName);
}

QString LayerTableView::selectedLayer() const {
  return table_->currentIndex().data(LayerTableModel::LayerNameRole).toString();
}

void LayerTableView::onCurrentChanged() {
  const QString layer = selectedLayer();
  if (layer.isEmpty() || layer == last_) return;
  last_ = layer;
  Q_EMIT layerSelected(layer);
}

bool LayerTableView::selectLayer(const QString& layer) {
  const int row = model_->rowOf(layer);
  if (row < 0) return false;
  QModelIndex index = proxy_->mapFromSource(model_->index(row, 0));
  if (!index.isValid()) {
    filter_->clear();
    index = proxy_->mapFromSource(model_->index(row, 0));
  }
  table_->setCurrentIndex(index);
  table_->selectRow(index.row());
  table_->scrollTo(index);
  return true;
}

}  // namespace eqw::widgets
