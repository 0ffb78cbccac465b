#include "histogram/histogram_view.h"

#include "common/plot_export.h"

#include <eqw/quant.h>

#include <qcustomplot.h>

#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>

namespace eqw::widgets {

namespace {

// Distinct colours for the method lines (Tableau 10).
QColor methodColor(size_t i) {
  static const QColor colors[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
                                  QColor(214, 39, 40),  QColor(148, 103, 189), QColor(140, 86, 75),
                                  QColor(227, 119, 194), QColor(127, 127, 127), QColor(188, 189, 34),
                                  QColor(23, 190, 207)};
  return colors[i % (sizeof(colors) / sizeof(colors[0]))];
}

}  // namespace

HistogramView::HistogramView(QWidget* parent)
    : QWidget(parent), plot_(new QCustomPlot(this)), caption_(new QLabel(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  caption_->setObjectName(QStringLiteral("histogramCaption"));
  caption_->setStyleSheet(QStringLiteral("QLabel { color: #b35900; font-weight: bold; padding: 2px 6px; }"));
  caption_->hide();
  layout->addWidget(caption_);
  layout->addWidget(plot_, 1);
  setMinimumSize(320, 260);
  plot_->setInteractions(QCP::iRangeZoom);
  // Redrawn several times a second while a calibration runs: polylines without the slow path.
  plot_->setPlottingHint(QCP::phFastPolylines, true);
  plot_->axisRect()->setRangeZoom(Qt::Horizontal);
  connect(plot_, &QCustomPlot::mousePress, this, &HistogramView::onPress);
  connect(plot_, &QCustomPlot::mouseMove, this, &HistogramView::onMove);
  connect(plot_, &QCustomPlot::mouseRelease, this, &HistogramView::onRelease);
  addSavePlotMenu(plot_);
  clear(tr("Select a layer after calibration to see its histogram"));
}

void HistogramView::setCaption(const QString& caption) {
  caption_->setText(caption);
  caption_->setVisible(!caption.isEmpty());
}

QString HistogramView::caption() const { return caption_->text(); }

void HistogramView::clear(const QString& message) {
  data_.reset();
  dragging_ = false;
  plot_->clearPlottables();
  plot_->clearItems();
  manualLine_ = nullptr;
  curveMark_ = nullptr;
  clipped_ = nullptr;
  grid_ = nullptr;
  label_ = nullptr;
  if (curveRect_) {
    plot_->plotLayout()->remove(curveRect_);
    plot_->plotLayout()->simplify();
    curveRect_ = nullptr;
  }
  plot_->legend->setVisible(false);
  plot_->xAxis->setLabel(QString());
  plot_->yAxis->setLabel(QString());
  if (!message.isEmpty()) {
    auto* text = new QCPItemText(plot_);
    text->position->setType(QCPItemPosition::ptAxisRectRatio);
    text->position->setCoords(0.5, 0.5);
    text->setText(message);
  }
  // Queued: setData() clears first and replots once at the end.
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void HistogramView::setData(const HistogramData& data, std::optional<float> current, const QString& method) {
  clear();
  data_ = data;
  plot_->xAxis->setLabel(tr("|x| of %1").arg(QString::fromStdString(data.tensor())));
  plot_->yAxis->setLabel(tr("log10(1 + count)"));

  QCPGraph* bars = plot_->addGraph();
  bars->setName(tr("histogram"));
  bars->setLineStyle(QCPGraph::lsStepCenter);
  bars->setPen(QPen(QColor(70, 70, 70)));
  // Steps are horizontal and vertical: antialiasing their 4096-point outline buys nothing.
  bars->setAntialiased(false);
  const auto& xs = data.binCenters();
  const auto& ys = data.logCounts();
  bars->setData(QVector<double>(xs.begin(), xs.end()), QVector<double>(ys.begin(), ys.end()), true);
  const double ymax = std::max(1.0, *std::max_element(ys.begin(), ys.end())) * 1.1;
  // The area under the steps as one rectangle per bin: the graph's own fill of a 4096-point
  // step polygon took the raster engine 100-300 ms per replot, the rectangles a few ms (the
  // live histogram redraws several times a second during a calibration).
  auto* fill = new QCPBars(plot_->xAxis, plot_->yAxis);
  fill->setName(tr("histogram"));
  fill->removeFromLegend();
  fill->setPen(Qt::NoPen);
  fill->setBrush(QBrush(QColor(160, 180, 210, 160)));
  fill->setAntialiased(false);
  fill->setAntialiasedFill(false);
  fill->setWidth(data.binWidth());
  fill->setData(QVector<double>(xs.begin(), xs.end()), QVector<double>(ys.begin(), ys.end()), true);

  for (size_t i = 0; i < data.thresholds().size(); ++i) {
    const MethodThreshold& t = data.thresholds()[i];
    QCPGraph* line = plot_->addGraph();
    line->setName(QStringLiteral("%1 (%2)").arg(QString::fromStdString(t.method)).arg(t.value, 0, 'g', 4));
    line->setPen(QPen(methodColor(i), 1.5));
    line->setAntialiased(false);  // vertical
    line->setData(QVector<double>{t.value, t.value}, QVector<double>{0.0, ymax}, true);
  }
  double xmax = data.range();
  for (const MethodThreshold& t : data.thresholds()) xmax = std::max(xmax, static_cast<double>(t.value));
  plot_->xAxis->setRange(0.0, xmax * 1.02);
  plot_->yAxis->setRange(0.0, ymax);
  bars->removeFromLegend();  // the legend names the methods
  plot_->legend->setVisible(true);
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);

  grid_ = plot_->addGraph();
  grid_->removeFromLegend();
  grid_->setLineStyle(QCPGraph::lsImpulse);
  grid_->setPen(QPen(QColor(40, 40, 40, 150), 1));
  connect(plot_->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this] { updateGrid(); });

  clipped_ = new QCPItemRect(plot_);
  clipped_->setPen(Qt::NoPen);
  clipped_->setBrush(QBrush(QColor(220, 50, 40, 50)));
  manualLine_ = new QCPItemStraightLine(plot_);
  manualLine_->setPen(QPen(Qt::black, 2, Qt::DashLine));
  label_ = new QCPItemText(plot_);
  label_->position->setType(QCPItemPosition::ptAxisRectRatio);
  label_->position->setCoords(0.02, 0.05);
  label_->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);

  float start = current.value_or(data.threshold("kl").value_or(static_cast<float>(data.range())));
  manual_ = start > 0.f ? start : static_cast<float>(data.range());
  buildCurve(method);
  placeManualLine();
}

void HistogramView::buildCurve(const QString& method) {
  std::optional<ThresholdCurve> curve = data_->curve(method.toStdString());
  if (!curve) curve = data_->curve("kl");
  if (!curve || curve->thresholds.empty()) return;
  curveRect_ = new QCPAxisRect(plot_);
  plot_->plotLayout()->addElement(1, 0, curveRect_);
  plot_->plotLayout()->setRowStretchFactor(1, 0.45);
  curveRect_->setRangeZoom(Qt::Horizontal);
  curveRect_->axis(QCPAxis::atBottom)->setLabel(tr("threshold"));
  curveRect_->axis(QCPAxis::atLeft)->setLabel(QString::fromStdString(curve->quantity));
  // Both plots share one x range, so a threshold lines up with its criterion value.
  connect(plot_->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), curveRect_->axis(QCPAxis::atBottom),
          qOverload<const QCPRange&>(&QCPAxis::setRange));
  QCPGraph* g = plot_->addGraph(curveRect_->axis(QCPAxis::atBottom), curveRect_->axis(QCPAxis::atLeft));
  g->setName(QString::fromStdString(curve->quantity));
  g->removeFromLegend();
  g->setPen(QPen(QColor(31, 119, 180), 1.5));
  g->setData(QVector<double>(curve->thresholds.begin(), curve->thresholds.end()),
             QVector<double>(curve->values.begin(), curve->values.end()), true);
  g->rescaleValueAxis();
  curveRect_->axis(QCPAxis::atBottom)->setRange(plot_->xAxis->range());
  curveMark_ = new QCPItemStraightLine(plot_);
  curveMark_->setClipAxisRect(curveRect_);
  for (QCPItemPosition* p : {curveMark_->point1, curveMark_->point2})
    p->setAxes(curveRect_->axis(QCPAxis::atBottom), curveRect_->axis(QCPAxis::atLeft));
  curveMark_->setPen(QPen(Qt::black, 1.5, Qt::DashLine));
}

void HistogramView::placeManualLine() {
  if (!data_ || !manualLine_) return;
  manualLine_->point1->setCoords(manual_, 0.0);
  manualLine_->point2->setCoords(manual_, 1.0);
  if (curveMark_) {
    curveMark_->point1->setCoords(manual_, 0.0);
    curveMark_->point2->setCoords(manual_, 1.0);
  }
  const double top = plot_->yAxis->range().upper;
  clipped_->topLeft->setCoords(manual_, top);
  clipped_->bottomRight->setCoords(std::max<double>(manual_, plot_->xAxis->range().upper), 0.0);
  label_->setText(tr("threshold %1, clipped %2 %")
                      .arg(manual_, 0, 'g', 5)
                      .arg(100.0 * data_->clippedFraction(manual_), 0, 'g', 3));
  updateGrid();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void HistogramView::setManualThreshold(float threshold) {
  if (!(threshold > 0.f)) return;
  manual_ = threshold;
  placeManualLine();
}

void HistogramView::updateGrid() {
  if (!grid_ || !data_) return;
  const QCPRange r = plot_->xAxis->range();
  const double step = manual_ / std::max(1, qmax(data_->bits()));
  QVector<double> xs, ys;
  if (step > 0.0 && r.size() / step <= kGridMaxVisible) {
    const double tick = plot_->yAxis->range().upper * 0.12;
    for (double x : HistogramData::gridPoints(manual_, data_->bits()))
      if (x >= r.lower && x <= r.upper) xs.push_back(x), ys.push_back(tick);
  }
  grid_->setData(xs, ys, true);
}

int HistogramView::visibleGridPoints() const { return grid_ ? grid_->dataCount() : 0; }

QRect HistogramView::histogramRect() const { return plot_->axisRect(0)->rect(); }

std::pair<double, double> HistogramView::xRange() const {
  return {plot_->xAxis->range().lower, plot_->xAxis->range().upper};
}

float HistogramView::thresholdAt(double pixelX) const {
  const QCPRange r = plot_->xAxis->range();
  const double smallest = data_->binWidth() > 0.0 ? data_->binWidth() : 1e-6;
  const double lo = std::max(r.lower, smallest);
  return static_cast<float>(std::clamp(plot_->xAxis->pixelToCoord(pixelX), lo, std::max(lo, r.upper)));
}

void HistogramView::onPress(QMouseEvent* event) {
  if (!data_ || event->button() != Qt::LeftButton || !histogramRect().contains(event->pos())) return;
  dragging_ = true;
  manual_ = thresholdAt(event->pos().x());
  placeManualLine();
  Q_EMIT manualThresholdChanged(manual_);
}

void HistogramView::onMove(QMouseEvent* event) {
  if (!dragging_) return;
  manual_ = thresholdAt(event->pos().x());
  placeManualLine();
  Q_EMIT manualThresholdChanged(manual_);
}

void HistogramView::onRelease(QMouseEvent* event) {
  if (!dragging_) return;
  dragging_ = false;
  manual_ = thresholdAt(event->pos().x());
  placeManualLine();
  Q_EMIT manualThresholdCommitted(manual_);
}

}  // namespace eqw::widgets
