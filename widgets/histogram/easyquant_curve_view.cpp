#include "histogram/easyquant_curve_view.h"

#include "common/plot_export.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

namespace eqw::widgets {

namespace {

void centredText(QCustomPlot* plot, const QString& message) {
  auto* text = new QCPItemText(plot);
  text->position->setType(QCPItemPosition::ptAxisRectRatio);
  text->position->setCoords(0.5, 0.5);
  text->setText(message);
}

}  // namespace

EasyQuantCurveView::EasyQuantCurveView(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  setMinimumSize(200, 100);
  plot_->setInteractions(QCP::iRangeZoom | QCP::iRangeDrag);
  plot_->axisRect()->setRangeZoom(Qt::Horizontal);
  plot_->axisRect()->setRangeDrag(Qt::Horizontal);
  addSavePlotMenu(plot_);
  clear(tr("EasyQuant has not run yet: calibrate, then run EasyQuant"));
}

void EasyQuantCurveView::clear(const QString& message) {
  data_.reset();
  message_ = message;
  plot_->clearGraphs();
  plot_->clearItems();
  plot_->xAxis->setLabel(QString());
  plot_->yAxis->setLabel(QString());
  if (!message.isEmpty()) centredText(plot_, message);
  plot_->replot();
}

void EasyQuantCurveView::setData(const EasyQuantCurveData& data) {
  clear(QString());
  data_ = data;
  plot_->xAxis->setLabel(tr("input scale of %1 (INT%2)").arg(QString::fromStdString(data.layer())).arg(data.bits()));
  plot_->yAxis->setLabel(tr("mean cosine"));
  QCPGraph* curve = plot_->addGraph();
  curve->setPen(QPen(QColor(44, 160, 44), 1.5));
  curve->setData(QVector<double>(data.scales().begin(), data.scales().end()),
                 QVector<double>(data.objective().begin(), data.objective().end()), true);
  QCPGraph* chosen = plot_->addGraph();
  chosen->setLineStyle(QCPGraph::lsNone);
  chosen->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 1.5), QBrush(QColor(214, 39, 40)), 9));
  chosen->setData(QVector<double>{data.scales()[static_cast<size_t>(data.chosenIndex())]},
                  QVector<double>{data.chosenObjective()});
  plot_->rescaleAxes();
  const QCPRange y = plot_->yAxis->range();
  plot_->yAxis->setRange(y.lower - 0.05 * y.size() - 1e-6, y.upper + 0.1 * y.size() + 1e-6);
  auto* label = new QCPItemText(plot_);
  label->position->setType(QCPItemPosition::ptAxisRectRatio);
  // Bottom left: the curve is highest around the start scale, at the top.
  label->position->setCoords(0.02, 0.95);
  label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
  label->setText(tr("chosen scale %1 (T = %2), objective %3 → %4 in %n round(s)", nullptr,
                    static_cast<int>(data.rounds().size()))
                     .arg(data.chosenScale(), 0, 'g', 5)
                     .arg(data.chosenThreshold(), 0, 'g', 5)
                     .arg(data.before(), 0, 'f', 5)
                     .arg(data.after(), 0, 'f', 5));
  plot_->replot();
}

}  // namespace eqw::widgets
