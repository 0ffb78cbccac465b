// The Compare panel's table: one row per measure (top-1, agreement with FP32, output cosine,
// median latency) and one column per network (FP32, then each variant of an eqw::EvalReport:
// INT8, INT7). FP32 agrees with itself and has cosine 1 by definition. Latency comes from
// Session::benchmark (setLatency) and may exist without a report, or the other way round.
#pragma once

#include <eqw/eval.h>

#include <QAbstractTableModel>

#include <QStringList>

#include <optional>
#include <vector>

namespace eqw::widgets {

class CompareModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Row { Top1, Agreement, OutputCosine, Latency, RowCount };

  explicit CompareModel(QObject* parent = nullptr);

  // One measured latency: the column it belongs to ("FP32", "INT8", "INT7") and how it was taken.
  struct LatencyEntry {
    QString column;
    double median_ms = 0.0;
    int runs = 0;
    int threads = 1;
    QString isa;
  };

  void setReport(const std::optional<EvalReport>& report);
  bool hasReport() const { return report_.has_value(); }
  const std::optional<EvalReport>& report() const { return report_; }
  // Replaces the latency row (empty: not measured).
  void setLatency(const std::vector<LatencyEntry>& latency);
  bool hasLatency() const { return !latency_.empty(); }

  // The number behind a cell (column 0: FP32, then the report's variants); nullopt when the
  // measure does not exist there (no labels, latency).
  std::optional<double> value(Row row, int column) const;
  QString columnName(int column) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  void rebuildColumns();
  const LatencyEntry* latencyAt(int column) const;

  std::optional<EvalReport> report_;
  std::vector<LatencyEntry> latency_;
  QStringList columns_;  // FP32, the report's variants, then latency-only columns
};

}  // namespace eqw::widgets
