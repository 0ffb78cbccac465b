// The selected layer's isolated metrics at the dragged threshold beside those at the spec's
// threshold: a small table (cosine, SQNR, MSE, max |error|) that follows the manual line of the
// HistogramView. It only shows numbers it is given (eqw::LayerProbe computes them).
#pragma once

#include <eqw/eval.h>

#include <QWidget>

class QLabel;
class QTableWidget;

namespace eqw::widgets {

class ProbeMetricsView : public QWidget {
  Q_OBJECT

 public:
  enum Row { Cosine, Sqnr, Mse, MaxAbs, RowCount };
  enum Column { AtThreshold, AtSpec, ColumnCount };

  explicit ProbeMetricsView(QWidget* parent = nullptr);

  // `at`: the metrics with the input clipped at `threshold`; `spec`: at the spec's `specThreshold`.
  void setMetrics(float threshold, const ErrorMetrics& at, float specThreshold, const ErrorMetrics& spec, int64_t images);
  // Empties the table and shows `message` (computing, no layer, an error).
  void clear(const QString& message = {});
  bool hasMetrics() const { return has_; }
  float threshold() const { return threshold_; }
  // The numbers shown (tests): row x column as set, NaN when empty.
  double value(Row row, Column column) const;
  QString message() const;
  QTableWidget* table() const { return table_; }

 private:
  QLabel* caption_;
  QTableWidget* table_;
  double values_[RowCount][ColumnCount];
  float threshold_ = 0.f;
  bool has_ = false;
};

}  // namespace eqw::widgets
