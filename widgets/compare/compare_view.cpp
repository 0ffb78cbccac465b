#include "compare/compare_view.h"

#include "common/plot_export.h"

#include <qcustomplot.h>

#include <QHeaderView>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace eqw::widgets {

namespace {

// FP32 grey, then the variants (Tableau 10 blue, orange, green...).
QColor columnColor(int column) {
  static const QColor colors[] = {QColor(127, 127, 127), QColor(31, 119, 180), QColor(255, 127, 14),
                                  QColor(44, 160, 44), QColor(214, 39, 40), QColor(148, 103, 189)};
  return colors[static_cast<size_t>(column) % (sizeof(colors) / sizeof(colors[0]))];
}

// The legend in its own column right of the axis rect: the bars and curves reach 1 and the
// legend would hide them inside.
void legendOutside(QCustomPlot* plot) {
  plot->axisRect()->insetLayout()->take(plot->legend);
  auto* column = new QCPLayoutGrid;
  plot->plotLayout()->addElement(0, 1, column);
  column->addElement(0, 0, plot->legend);
  column->addElement(1, 0, new QCPLayoutElement(plot));
  column->setRowStretchFactor(1, 10.0);
  column->setMargins(QMargins(0, 8, 6, 0));
  plot->plotLayout()->setColumnStretchFactor(1, 0.001);
}

}  // namespace

CompareView::CompareView(QWidget* parent)
    : QWidget(parent), model_(new CompareModel(this)), table_(new QTableView(this)), bars_(new QCustomPlot(this)),
      latency_(new QCustomPlot(this)), curves_(new QCustomPlot(this)) {
  table_->setModel(model_);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->setSelectionMode(QAbstractItemView::NoSelection);
  // Four rows, always all visible: a fixed height from the font (high DPI), no scroll bars.
  table_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  table_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  const int rowHeight = std::max(table_->verticalHeader()->defaultSectionSize(), fontMetrics().height() + 8);
  table_->setFixedHeight(table_->horizontalHeader()->sizeHint().height() + CompareModel::RowCount * rowHeight +
                         2 * table_->frameWidth() + 2);
  bars_->setMinimumHeight(160);
  latency_->setMinimumHeight(120);
  curves_->setMinimumHeight(200);
  legendOutside(bars_);
  legendOutside(curves_);
  addSavePlotMenu(bars_);
  addSavePlotMenu(latency_);
  addSavePlotMenu(curves_);
  connect(curves_, &QCustomPlot::plottableClick, this, &CompareView::onPlottableClick);
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(table_);
  split->addWidget(bars_);
  split->addWidget(latency_);
  split->addWidget(curves_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(split);
  setReport(std::nullopt);
}

void CompareView::setReport(const std::optional<EvalReport>& report) {
  model_->setReport(report);
  bars_->clearPlottables();
  curves_->clearPlottables();
  curveGraphs_.clear();
  curveLayers_.clear();
  if (report) {
    fillBars(*report);
    fillCurves(*report);
  }
  bars_->replot();
  curves_->replot();
  fillLatency();  // the columns may have changed
}

void CompareView::setLatency(const std::vector<CompareModel::LatencyEntry>& latency) {
  model_->setLatency(latency);
  const std::optional<EvalReport> report = model_->report();  // bars follow the new columns
  setReport(report);
}

void CompareView::fillLatency() {
  // One horizontal bar per measured column, in milliseconds (shorter is better).
  latency_->clearPlottables();
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  double hi = 0.0;
  int bar = 0;
  for (int c = 0; c < model_->columnCount(); ++c) {
    const std::optional<double> ms = model_->value(CompareModel::Latency, c);
    if (!ms) continue;
    auto* b = new QCPBars(latency_->yAxis, latency_->xAxis);
    b->setName(model_->columnName(c));
    b->setBrush(columnColor(c));
    b->setPen(Qt::NoPen);
    b->setWidth(0.7);
    b->addData(static_cast<double>(bar), *ms);
    ticker->addTick(static_cast<double>(bar), model_->columnName(c));
    hi = std::max(hi, *ms);
    ++bar;
  }
  latency_->yAxis->setTicker(ticker);
  latency_->yAxis->setRange(-0.6, std::max(1, bar) - 0.4);
  latency_->yAxis->setRangeReversed(true);
  latency_->xAxis->setLabel(bar ? tr("Median latency (ms)") : tr("Latency not measured: run Benchmark"));
  latency_->xAxis->setRange(0.0, hi > 0 ? hi * 1.1 : 1.0);
  latency_->replot();
}

void CompareView::fillBars(const EvalReport& report) {
  // Groups of bars per measure: top-1 (when labelled), agreement, output cosine.
  std::vector<CompareModel::Row> rows;
  if (report.fp32_top1) rows.push_back(CompareModel::Top1);
  rows.push_back(CompareModel::Agreement);
  rows.push_back(CompareModel::OutputCosine);
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  for (size_t i = 0; i < rows.size(); ++i)
    ticker->addTick(static_cast<double>(i), model_->headerData(rows[i], Qt::Vertical).toString());
  bars_->xAxis->setTicker(ticker);
  auto* group = new QCPBarsGroup(bars_);
  double lo = 1.0;
  for (int c = 0; c < model_->columnCount(); ++c) {
    auto* b = new QCPBars(bars_->xAxis, bars_->yAxis);
    b->setName(model_->columnName(c));
    b->setBrush(columnColor(c));
    b->setPen(Qt::NoPen);
    b->setWidth(0.8 / model_->columnCount());
    b->setBarsGroup(group);
    for (size_t i = 0; i < rows.size(); ++i) {
      const double v = model_->value(rows[i], c).value_or(0.0);
      b->addData(static_cast<double>(i), v);
      lo = std::min(lo, v);
    }
  }
  bars_->legend->setVisible(true);
  bars_->xAxis->setRange(-0.6, static_cast<double>(rows.size()) - 0.4);
  // The differences sit near 1: start the axis a little below the lowest bar.
  bars_->yAxis->setRange(std::max(0.0, lo - 0.1 * (1.0 - lo) - 0.01), 1.0 + 0.02);
}

void CompareView::fillCurves(const EvalReport& report) {
  int maxLayers = 0;
  double lo = 1.0;
  for (size_t v = 0; v < report.variants.size(); ++v) {
    const VariantEval& ve = report.variants[v];
    auto* g = curves_->addGraph();
    g->setName(QString::fromStdString(ve.name).toUpper());
    g->setPen(QPen(columnColor(static_cast<int>(v) + 1), 1.5));
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    std::vector<QString> names;
    for (size_t i = 0; i < ve.layers.size(); ++i) {
      g->addData(static_cast<double>(i), ve.layers[i].cumulative.cosine);
      names.push_back(QString::fromStdString(ve.layers[i].layer));
      lo = std::min(lo, ve.layers[i].cumulative.cosine);
    }
    maxLayers = std::max(maxLayers, static_cast<int>(names.size()));
    curveGraphs_.push_back(g);
    curveLayers_.push_back(std::move(names));
  }
  curves_->xAxis->setLabel(tr("Quantizable layer (graph order)"));
  curves_->yAxis->setLabel(tr("Cumulative cosine"));
  curves_->legend->setVisible(!curveGraphs_.empty());
  curves_->xAxis->setRange(-0.5, std::max(1, maxLayers) - 0.5);
  curves_->yAxis->setRange(lo - 0.05 * (1.0 - lo) - 1e-4, 1.0 + 0.05 * (1.0 - lo) + 1e-4);
}

QCPGraph* CompareView::curve(int variant) const {
  return variant >= 0 && variant < curveCount() ? curveGraphs_[static_cast<size_t>(variant)] : nullptr;
}

const std::vector<QString>& CompareView::curveLayers(int variant) const {
  static const std::vector<QString> none;
  return variant >= 0 && variant < curveCount() ? curveLayers_[static_cast<size_t>(variant)] : none;
}

QPoint CompareView::pointPixel(int variant, int index) const {
  QCPGraph* g = curve(variant);
  if (!g || index < 0 || index >= g->dataCount()) return {};
  const auto it = g->data()->at(index);
  return QPoint(qRound(curves_->xAxis->coordToPixel(it->key)), qRound(curves_->yAxis->coordToPixel(it->value)));
}

void CompareView::onPlottableClick(QCPAbstractPlottable* plottable, int dataIndex, QMouseEvent*) {
  for (int v = 0; v < curveCount(); ++v) {
    if (curveGraphs_[static_cast<size_t>(v)] != plottable) continue;
    const std::vector<QString>& names = curveLayers_[static_cast<size_t>(v)];
    if (dataIndex >= 0 && dataIndex < static_cast<int>(names.size())) Q_EMIT layerSelected(names[static_cast<size_t>(dataIndex)]);
    return;
  }
}

}  // namespace eqw::widgets
