// The Compare panel: the CompareModel table (FP32 | INT8 | INT7), a bar chart of its top-1,
// agreement and output-cosine rows, a bar chart of the median latencies (Session::benchmark), and the per-layer cumulative-cosine curve of every variant in
// one plot; clicking a point of a curve emits layerSelected with that layer's name. Every number
// comes from the eqw::EvalReport it is given (Session::evaluate).
#pragma once

#include <eqw/eval.h>

#include "compare/compare_model.h"

#include <QWidget>

#include <optional>
#include <vector>

class QCPAbstractPlottable;
class QCPGraph;
class QCustomPlot;
class QMouseEvent;
class QTableView;

namespace eqw::widgets {

class CompareView : public QWidget {
  Q_OBJECT

 public:
  explicit CompareView(QWidget* parent = nullptr);

  void setReport(const std::optional<EvalReport>& report);
  void setLatency(const std::vector<CompareModel::LatencyEntry>& latency);
  CompareModel* model() const { return model_; }
  QCustomPlot* latencyPlot() const { return latency_; }
  QTableView* table() const { return table_; }
  QCustomPlot* barPlot() const { return bars_; }
  QCustomPlot* curvePlot() const { return curves_; }
  // One curve per variant, in report order; the layers each curve's points stand for.
  int curveCount() const { return static_cast<int>(curveGraphs_.size()); }
  QCPGraph* curve(int variant) const;
  const std::vector<QString>& curveLayers(int variant) const;
  // Where a curve's point is drawn, in curvePlot() pixels (tests click there).
  QPoint pointPixel(int variant, int index) const;

 Q_SIGNALS:
  void layerSelected(const QString& layer);

 private:
  void fillBars(const EvalReport& report);
  void fillLatency();
  void fillCurves(const EvalReport& report);
  void onPlottableClick(QCPAbstractPlottable* plottable, int dataIndex, QMouseEvent* event);

  CompareModel* model_;
  QTableView* table_;
  QCustomPlot* bars_;
  QCustomPlot* latency_;
  QCustomPlot* curves_;
  std::vector<QCPGraph*> curveGraphs_;
  std::vector<std::vector<QString>> curveLayers_;
};

}  // namespace eqw::widgets
