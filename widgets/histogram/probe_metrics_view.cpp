#include "histogram/probe_metrics_view.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace eqw::widgets {

namespace {

QString format(ProbeMetricsView::Row row, double v) {
  if (std::isinf(v)) return v > 0 ? QStringLiteral("∞") : QStringLiteral("-∞");
  switch (row) {
    case ProbeMetricsView::Cosine: return QString::number(v, 'f', 6);
    case ProbeMetricsView::Sqnr: return QString::number(v, 'f', 2);
    default: return QString::number(v, 'g', 4);
  }
}

}  // namespace

ProbeMetricsView::ProbeMetricsView(QWidget* parent) : QWidget(parent) {
  caption_ = new QLabel(this);
  caption_->setWordWrap(true);
  table_ = new QTableWidget(RowCount, ColumnCount, this);
  table_->setObjectName(QStringLiteral("ProbeMetricsTable"));
  table_->setHorizontalHeaderLabels({tr("At threshold"), tr("At spec")});
  table_->setVerticalHeaderLabels({tr("Cosine"), tr("SQNR (dB)"), tr("MSE"), tr("Max |error|")});
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionMode(QAbstractItemView::NoSelection);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  // Four rows: no scrolling; the height follows the font (high DPI).
  table_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  table_->setMaximumHeight(table_->horizontalHeader()->sizeHint().height() + RowCount * (fontMetrics().height() + 10));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(caption_);
  layout->addWidget(table_);
  clear();
}

void ProbeMetricsView::setMetrics(float threshold, const ErrorMetrics& at, float specThreshold, const ErrorMetrics& spec,
                                  int64_t images) {
  const ErrorMetrics* cols[ColumnCount] = {&at, &spec};
  for (int c = 0; c < ColumnCount; ++c) {
    values_[Cosine][c] = cols[c]->cosine;
    values_[Sqnr][c] = cols[c]->sqnr_db;
    values_[Mse][c] = cols[c]->mse;
    values_[MaxAbs][c] = cols[c]->max_abs;
    for (int r = 0; r < RowCount; ++r) {
      auto* item = new QTableWidgetItem(format(static_cast<Row>(r), values_[r][c]));
      item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      table_->setItem(r, c, item);
    }
  }
  table_->setHorizontalHeaderLabels({tr("T = %1").arg(threshold, 0, 'g', 5), tr("Spec T = %1").arg(specThreshold, 0, 'g', 5)});
  caption_->setText(tr("Isolated metrics of this layer over %n image(s)", nullptr, static_cast<int>(images)));
  threshold_ = threshold;
  has_ = true;
}

void ProbeMetricsView::clear(const QString& message) {
  for (auto& row : values_)
    for (double& v : row) v = std::numeric_limits<double>::quiet_NaN();
  table_->clearContents();
  table_->setHorizontalHeaderLabels({tr("At threshold"), tr("At spec")});
  caption_->setText(message.isEmpty() ? tr("Drag the threshold to see this layer's isolated metrics") : message);
  has_ = false;
}

double ProbeMetricsView::value(Row row, Column column) const { return values_[row][column]; }

QString ProbeMetricsView::message() const { return caption_->text(); }

}  // namespace eqw::widgets
