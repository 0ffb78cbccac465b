#include "layers/layer_table_model.h"

#include <QBrush>
#include <QColor>

namespace eqw::widgets {

namespace {

QString number(double v, int digits = 4) { return QString::number(v, 'g', digits); }

QString macsText(int64_t macs) {
  if (macs >= 1000000) return QString::number(macs / 1e6, 'f', 2) + QStringLiteral(" M");
  if (macs >= 1000) return QString::number(macs / 1e3, 'f', 1) + QStringLiteral(" K");
  return QString::number(macs);
}

bool sameLayers(const std::vector<LayerRow>& a, const std::vector<LayerRow>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name) return false;
  return true;
}

}  // namespace

LayerTableModel::LayerTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void LayerTableModel::setSession(const Session* session) {
  session_ = session;
  report_.reset();
  beginResetModel();
  rows_ = session_ ? buildLayerRows(*session_) : std::vector<LayerRow>{};
  endResetModel();
}

void LayerTableModel::refresh() {
  std::vector<LayerRow> rows = session_ ? buildLayerRows(*session_) : std::vector<LayerRow>{};
  if (report_) applyEvalReport(rows, *report_, variant_, kWorstHighlighted);
  if (sameLayers(rows, rows_)) {
    rows_ = std::move(rows);
    if (!rows_.empty()) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    return;
  }
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
}

void LayerTableModel::setEvalReport(std::optional<EvalReport> report, size_t variant) {
  report_ = std::move(report);
  variant_ = variant;
  refresh();
}

int LayerTableModel::rowOf(const QString& layer) const {
  const std::string name = layer.toStdString();
  for (size_t i = 0; i < rows_.size(); ++i)
    if (rows_[i].name == name) return static_cast<int>(i);
  return -1;
}

int LayerTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int LayerTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

const std::vector<Precision>& LayerTableModel::editablePrecisions() {
  static const std::vector<Precision> list = {Precision::Fp32, Precision::Int8, Precision::Int7};
  return list;
}

QString LayerTableModel::precisionName(Precision p) { return QString::fromLatin1(toString(p)).toUpper(); }

QVariant LayerTableModel::display(const LayerRow& r, int column) const {
  switch (column) {
    case Name: return QString::fromStdString(r.name);
    case Type: return QString::fromStdString(r.type);
    case OutputShape: return QString::fromStdString(r.output_shape);
    case Macs: return macsText(r.macs);
    case PrecisionColumn: return precisionName(r.precision) + (r.precision_overridden ? QStringLiteral(" *") : QString());
    case InputThreshold: return r.input_threshold ? number(*r.input_threshold) : QVariant();
    case InputScale: return r.input_scale ? number(*r.input_scale) : QVariant();
    case Method: return QString::fromStdString(r.method);
    case WeightThresholds:
      if (!r.weight_min) return {};
      return number(*r.weight_min) + QStringLiteral(" .. ") + number(*r.weight_max);
    case IsolatedCosine: return r.isolated ? QString::number(r.isolated->cosine, 'f', 5) : QVariant();
    case CumulativeCosine: return r.cumulative ? QString::number(r.cumulative->cosine, 'f', 5) : QVariant();
    case Sqnr: return r.cumulative ? QString::number(r.cumulative->sqnr_db, 'f', 2) : QVariant();
    default: return {};
  }
}

QVariant LayerTableModel::sortValue(const LayerRow& r, int column) const {
  switch (column) {
    case Macs: return static_cast<qlonglong>(r.macs);
    case InputThreshold: return r.input_threshold ? QVariant(*r.input_threshold) : QVariant(-1.0);
    case InputScale: return r.input_scale ? QVariant(*r.input_scale) : QVariant(-1.0);
    case WeightThresholds: return r.weight_max ? QVariant(*r.weight_max) : QVariant(-1.0);
    case IsolatedCosine: return r.isolated ? QVariant(r.isolated->cosine) : QVariant(2.0);
    case CumulativeCosine: return r.cumulative ? QVariant(r.cumulative->cosine) : QVariant(2.0);
    case Sqnr: return r.cumulative ? QVariant(r.cumulative->sqnr_db) : QVariant(1e9);
    default: return display(r, column);
  }
}

QVariant LayerTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const LayerRow& r = rows_[index.row()];
  switch (role) {
    case Qt::DisplayRole: return display(r, index.column());
    case Qt::EditRole:
      return index.column() == PrecisionColumn ? precisionName(r.precision) : display(r, index.column());
    case SortRole: return sortValue(r, index.column());
    case LayerNameRole: return QString::fromStdString(r.name);
    case Qt::BackgroundRole:
      return r.worst ? QVariant(QBrush(QColor(255, 205, 195))) : QVariant();
    case Qt::ToolTipRole:
      if (r.worst) return tr("One of the %1 layers with the lowest isolated cosine").arg(kWorstHighlighted);
      if (index.column() == PrecisionColumn && r.precision_overridden) return tr("Precision set by hand");
      return {};
    case Qt::TextAlignmentRole:
      return index.column() >= Macs && index.column() != PrecisionColumn && index.column() != Method
                 ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    default: return {};
  }
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, orientation, role);
  switch (section) {
    case Name: return tr("Layer");
    case Type: return tr("Type");
    case OutputShape: return tr("Output shape");
    case Macs: return tr("MACs");
    case PrecisionColumn: return tr("Precision");
    case InputThreshold: return tr("Input threshold");
    case InputScale: return tr("Input scale");
    case Method: return tr("Method");
    case WeightThresholds: return tr("Weight thresholds");
    case IsolatedCosine: return tr("Isolated cosine");
    case CumulativeCosine: return tr("Cumulative cosine");
    case Sqnr: return tr("SQNR (dB)");
    default: return {};
  }
}

Qt::ItemFlags LayerTableModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractTableModel::flags(index);
  if (index.isValid() && index.column() == PrecisionColumn) f |= Qt::ItemIsEditable;
  return f;
}

bool LayerTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!index.isValid() || role != Qt::EditRole || index.column() != PrecisionColumn || index.row() >= rowCount())
    return false;
  auto p = parsePrecision(value.toString().trimmed().toLower().toStdString());
  if (!p) return false;
  const LayerRow& r = rows_[index.row()];
  if (*p == r.precision) return false;
  // The owner applies it (undoably) and calls refresh().
  Q_EMIT precisionEditRequested(QString::fromStdString(r.name), *p);
  return true;
}

}  // namespace eqw::widgets
