#include "compare/compare_model.h"

namespace eqw::widgets {

CompareModel::CompareModel(QObject* parent) : QAbstractTableModel(parent) { rebuildColumns(); }

void CompareModel::setReport(const std::optional<EvalReport>& report) {
  beginResetModel();
  report_ = report;
  rebuildColumns();
  endResetModel();
}

void CompareModel::setLatency(const std::vector<LatencyEntry>& latency) {
  beginResetModel();
  latency_ = latency;
  rebuildColumns();
  endResetModel();
}

void CompareModel::rebuildColumns() {
  columns_ = QStringList{QStringLiteral("FP32")};
  if (report_)
    for (const VariantEval& v : report_->variants) columns_.push_back(QString::fromStdString(v.name).toUpper());
  for (const LatencyEntry& l : latency_)
    if (!columns_.contains(l.column)) columns_.push_back(l.column);
}

const CompareModel::LatencyEntry* CompareModel::latencyAt(int column) const {
  if (column < 0 || column >= columns_.size()) return nullptr;
  for (const LatencyEntry& l : latency_)
    if (l.column == columns_[column]) return &l;
  return nullptr;
}

std::optional<double> CompareModel::value(Row row, int column) const {
  if (column < 0 || column >= columnCount()) return std::nullopt;
  if (row == Latency) {
    const LatencyEntry* l = latencyAt(column);
    return l ? std::optional<double>(l->median_ms) : std::nullopt;
  }
  // Accuracy rows: FP32 and the report's variants (columns past them are latency-only).
  if (!report_ || column > static_cast<int>(report_->variants.size())) return std::nullopt;
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

QString CompareModel::columnName(int column) const { return column >= 0 && column < columns_.size() ? columns_[column] : QString(); }

int CompareModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : RowCount; }

int CompareModel::columnCount(const QModelIndex& parent) const {
  if (parent.isValid()) return 0;
  return static_cast<int>(columns_.size());
}

QVariant CompareModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  const Row row = static_cast<Row>(index.row());
  if (role == Qt::TextAlignmentRole) return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
  if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
  const std::optional<double> v = value(row, index.column());
  if (!v) {
    if (role == Qt::ToolTipRole) {
      if (row == Latency) return tr("Not measured: run Benchmark");
      return report_ ? tr("The evaluation images have no labels") : tr("Not evaluated: run Evaluate");
    }
    return tr("—");
  }
  if (row == Latency) {
    const LatencyEntry* l = latencyAt(index.column());
    if (role == Qt::ToolTipRole)
      return tr("Median of %1 runs, %2 thread(s), %3 kernels").arg(l->runs).arg(l->threads).arg(l->isa);
    return QString::number(*v, 'f', 3) + QStringLiteral(" ms");
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
