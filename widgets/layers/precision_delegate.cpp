#include "layers/precision_delegate.h"

#include "layers/layer_table_model.h"

#include <QComboBox>

#include <algorithm>

namespace eqw::widgets {

QWidget* PrecisionDelegate::createEditor(QWidget* parent, const QStyleOptionViewItem&, const QModelIndex&) const {
  auto* combo = new QComboBox(parent);
  for (Precision p : LayerTableModel::editablePrecisions()) combo->addItem(LayerTableModel::precisionName(p));
  // Commit as soon as a value is picked, not only when focus leaves.
  connect(combo, &QComboBox::activated, this, [this, combo] {
    auto* self = const_cast<PrecisionDelegate*>(this);
    Q_EMIT self->commitData(combo);
    Q_EMIT self->closeEditor(combo);
  });
  return combo;
}

void PrecisionDelegate::setEditorData(QWidget* editor, const QModelIndex& index) const {
  auto* combo = static_cast<QComboBox*>(editor);
  combo->setCurrentIndex(std::max(0, combo->findText(index.data(Qt::EditRole).toString())));
}

void PrecisionDelegate::setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const {
  model->setData(index, static_cast<QComboBox*>(editor)->currentText(), Qt::EditRole);
}

}  // namespace eqw::widgets
