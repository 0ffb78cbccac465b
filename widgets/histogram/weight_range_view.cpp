#include "histogram/weight_range_view.h"

#include "common/plot_export.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

namespace eqw::widgets {

WeightRangeView::WeightRangeView(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  setMinimumSize(200, 100);
  plot_->setInteractions(QCP::iRangeZoom | QCP::iRangeDrag);
  plot_->axisRect()->setRangeZoom(Qt::Horizontal);
  plot_->axisRect()->setRangeDrag(Qt::Horizontal);
  addSavePlotMenu(plot_);
  clear(tr("Select a convolution or fully connected layer to see its weight ranges"));
}

void WeightRangeView::clear(const QString& message) {
  data_.reset();
  message_ = message;
  plot_->clearPlottables();
  plot_->clearItems();
  plot_->legend->setVisible(false);
  plot_->xAxis->setLabel(QString());
  plot_->yAxis->setLabel(QString());
  if (!message.isEmpty()) {
    auto* text = new QCPItemText(plot_);
    text->position->setType(QCPItemPosition::ptAxisRectRatio);
    text->position->setCoords(0.5, 0.5);
    text->setText(message);
  }
  plot_->replot();
}

void WeightRangeView::setData(const WeightRangeData& data) {
  clear(QString());
  data_ = data;
  const int n = data.channels();
  // The key sits in the axis label: a legend box would hide bars in a plot this small.
  const QString layer = QString::fromStdString(data.layer());
  plot_->xAxis->setLabel(data.thresholds().empty()
                             ? tr("output channel of %1 — bars: weight min … max").arg(layer)
                             : tr("output channel of %1 — bars: weight min … max, +: ±T (%2, %3)")
                                   .arg(layer, QString::fromStdString(data.method()),
                                        QString::fromLatin1(toString(data.granularity()))));
  plot_->yAxis->setLabel(tr("weight"));
  // A bar from min to max: an invisible centre point with asymmetric error bars.
  QVector<double> x(n), mid(n), down(n), up(n);
  for (int c = 0; c < n; ++c) {
    x[c] = c;
    mid[c] = 0.5 * (static_cast<double>(data.mins()[c]) + data.maxs()[c]);
    down[c] = mid[c] - data.mins()[c];
    up[c] = data.maxs()[c] - mid[c];
  }
  QCPGraph* centre = plot_->addGraph();
  centre->setLineStyle(QCPGraph::lsNone);
  centre->setData(x, mid, true);
  auto* bars = new QCPErrorBars(plot_->xAxis, plot_->yAxis);
  bars->setDataPlottable(centre);
  bars->setData(down, up);
  bars->setPen(QPen(QColor(31, 119, 180), n > 200 ? 1 : 3));
  bars->setWhiskerWidth(n > 60 ? 0 : 6);
  double lo = *std::min_element(data.mins().begin(), data.mins().end());
  double hi = *std::max_element(data.maxs().begin(), data.maxs().end());
  if (!data.thresholds().empty()) {
    QVector<double> plus(n), minus(n);
    for (int c = 0; c < n; ++c) plus[c] = data.thresholds()[c], minus[c] = -plus[c];
    for (int sign : {1, -1}) {
      QCPGraph* t = plot_->addGraph();
      t->setLineStyle(QCPGraph::lsNone);
      t->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssPlus, QColor(214, 39, 40), n > 200 ? 3 : 7));
      t->setData(x, sign > 0 ? plus : minus, true);
    }
    for (float t : data.thresholds()) lo = std::min(lo, -double(t)), hi = std::max(hi, double(t));
  }
  plot_->xAxis->setRange(-1.0, n);
  const double pad = 0.05 * (hi - lo) + 1e-6;
  plot_->yAxis->setRange(lo - pad, hi + pad);
  plot_->replot();
}

}  // namespace eqw::widgets
