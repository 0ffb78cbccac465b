// A layer's input histogram (log counts over |x|) with a vertical line per calibration method,
// the clipped mass shaded above the current threshold, a manual threshold line the user drags
// (manualThresholdChanged while dragging, manualThresholdCommitted on release), and below it the
// criterion curve (KL divergence / expected MSE) of the layer's method, or of KL. Pressing the
// left button anywhere on the histogram grabs the manual line; the wheel zooms horizontally. Once
// zoomed in far enough to tell them apart (kGridMaxVisible points or fewer in view), the points
// of the quantization grid at the manual threshold are drawn as ticks. A caption line above the
// plot says where the data comes from while it is not final ("live: 40 / 200 images").
#pragma once

#include "histogram/histogram_data.h"

#include <QWidget>

#include <optional>

class QCPAxisRect;
class QCPItemRect;
class QCPItemStraightLine;
class QCPItemText;
class QCPGraph;
class QCustomPlot;
class QLabel;
class QMouseEvent;

namespace eqw::widgets {

class HistogramView : public QWidget {
  Q_OBJECT

 public:
  explicit HistogramView(QWidget* parent = nullptr);
  static constexpr int kGridMaxVisible = 64;

  // Shows `data`; `current` is the layer's threshold in the spec (where the manual line starts)
  // and `method` the spec's method for it (whose curve is shown when it has one).
  void setData(const HistogramData& data, std::optional<float> current, const QString& method);
  void clear(const QString& message = {});
  bool hasData() const { return data_.has_value(); }
  // The data shown (nullptr when cleared).
  const HistogramData* data() const { return data_ ? &*data_ : nullptr; }
  // The caption above the plot; empty hides it. Kept across setData() and clear().
  void setCaption(const QString& caption);
  QString caption() const;
  // Moves the manual line without emitting signals.
  void setManualThreshold(float threshold);
  float manualThreshold() const { return manual_; }
  QCustomPlot* plot() const { return plot_; }
  // The histogram's axis rectangle in plot pixels (where a drag starts).
  QRect histogramRect() const;
  // The x range shown (|x|, the threshold axis).
  std::pair<double, double> xRange() const;
  // Grid points drawn now (0 when zoomed out).
  int visibleGridPoints() const;

 Q_SIGNALS:
  void manualThresholdChanged(float threshold);
  void manualThresholdCommitted(float threshold);

 private:
  void onPress(QMouseEvent* event);
  void onMove(QMouseEvent* event);
  void onRelease(QMouseEvent* event);
  float thresholdAt(double pixelX) const;
  void placeManualLine();
  void buildCurve(const QString& method);
  void updateGrid();

  QCustomPlot* plot_;
  QLabel* caption_;
  QCPAxisRect* curveRect_ = nullptr;
  QCPItemStraightLine* manualLine_ = nullptr;
  QCPItemStraightLine* curveMark_ = nullptr;  // the manual threshold on the criterion curve
  QCPItemRect* clipped_ = nullptr;
  QCPItemText* label_ = nullptr;
  QCPGraph* grid_ = nullptr;
  std::optional<HistogramData> data_;
  float manual_ = 0.f;
  bool dragging_ = false;
};

}  // namespace eqw::widgets
