// Per output channel of the selected layer: a bar from the weights' min to their max, and the
// spec's weight clipping thresholds as +-T markers.
#pragma once

#include "histogram/weight_range_data.h"

#include <QWidget>

#include <optional>

class QCustomPlot;

namespace eqw::widgets {

class WeightRangeView : public QWidget {
  Q_OBJECT

 public:
  explicit WeightRangeView(QWidget* parent = nullptr);
  void setData(const WeightRangeData& data);
  void clear(const QString& message);
  bool hasData() const { return data_.has_value(); }
  const QString& message() const { return message_; }
  QCustomPlot* plot() const { return plot_; }

 private:
  QCustomPlot* plot_;
  std::optional<WeightRangeData> data_;
  QString message_;
};

}  // namespace eqw::widgets
