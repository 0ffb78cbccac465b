// The Compare panel's table: one row per measure (top-1, agreement with FP32, output cosine,
// median latency) and one column per network (FP32, then each variant of an eqw::EvalReport:
// INT8, INT7). FP32 agrees with itself and has cosine 1 by definition. Latency needs a
// Session-level benchmark call that does not exist yet: its cells show "—".
#pragma once

#include <eqw/eval.h>

#include <QAbstractTableModel>

#include <optional>

namespace eqw::widgets {

class CompareModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Row { Top1, Agreement, OutputCosine, Latency, RowCount };

  explicit CompareModel(QObject* parent = nullptr);

  void setReport(const std::optional<EvalReport>& report);
  bool hasReport() const { return report_.has_value(); }

  // The number behind a cell (column 0: FP32, then the report's variants); nullopt when the
  // measure does not exist there (no labels, latency).
  std::optional<double> value(Row row, int column) const;
  QString columnName(int column) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  std::optional<EvalReport> report_;
};

}  // namespace eqw::widgets
