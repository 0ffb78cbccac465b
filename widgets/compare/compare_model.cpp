#include "compare/compare_model.h"

namespace eqw::widgets {

CompareModel::CompareModel(QObject* parent) : QAbstractTableModel(parent) {}

void CompareModel::setReport(const std::optional<EvalReport>& report) {
  beginResetModel();
  report_ = report;
  endResetModel();
}

std::optional<double> CompareModel::value(Row row, int column) const {
  if (!report_ || column < 0 || column >= columnCount()) return std::nullopt;
  if (column == 0) {
    switch (row) {
      case Top1: return report_->fp32_top1;
      case Agreement: return 1.0;
      case OutputCosine: return 1.0;
      default: return std::nullopt;
    }
  }
  const VariantEval& v = report_->variants[static_cast<size_t>(column - 1)];
  switch (row) {
    case Top1: return v.top1;
    case Agreement: return v.agreement;
    case OutputCosine: return v.output.cosine;
    default: return std::nullopt;
  }
}

QString CompareModel::columnName(int column) const {
  if (column == 0) return QStringLiteral("FP32");
  if (!report_ || column < 0 || column >= columnCount()) return {};
  return QString::fromStdString(report_->variants[static_cast<size_t>(column - 1)].name).toUpper();
}

int CompareModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : RowCount; }

int CompareModel::columnCount(const QModelIndex& parent) const {
  if (parent.isValid()) return 0;
  return report_ ? 1 + static_cast<int>(report_->variants.size()) : 1;
}

QVariant CompareModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  const Row row = static_cast<Row>(index.row());
  if (role == Qt::TextAlignmentRole) return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
  if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
  if (!report_) return index.column() == 0 ? QVariant(tr("—")) : QVariant();
  const std::optional<double> v = value(row, index.column());
  if (!v) {
    if (role == Qt::ToolTipRole)
      return row == Latency ? tr("Not measured: the workbench has no latency benchmark yet")
                            : tr("The evaluation images have no labels");
    return tr("—");
  }
  switch (row) {
    case Top1:
    case Agreement: return QString::number(100.0 * *v, 'f', 2) + QStringLiteral(" %");
    default: return QString::number(*v, 'f', 6);
  }
}

QVariant CompareModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (role != Qt::DisplayRole) return {};
  if (orientation == Qt::Horizontal) return columnName(section);
  switch (section) {
    case Top1: return tr("Top-1");
    case Agreement: return tr("Agreement with FP32");
    case OutputCosine: return tr("Output cosine");
    case Latency: return tr("Median latency");
    default: return {};
  }
}

}  // namespace eqw::widgets
