// The EasyQuant objective (mean cosine) versus input scale of the selected layer's last
// activation search, the chosen point marked; an explanatory text when EasyQuant has not run.
#pragma once

#include "histogram/easyquant_curve_data.h"

#include <QWidget>

#include <optional>

class QCustomPlot;

namespace eqw::widgets {

class EasyQuantCurveView : public QWidget {
  Q_OBJECT

 public:
  explicit EasyQuantCurveView(QWidget* parent = nullptr);
  void setData(const EasyQuantCurveData& data);
  void clear(const QString& message);
  bool hasData() const { return data_.has_value(); }
  const QString& message() const { return message_; }
  QCustomPlot* plot() const { return plot_; }

 private:
  QCustomPlot* plot_;
  std::optional<EasyQuantCurveData> data_;
  QString message_;
};

}  // namespace eqw::widgets
