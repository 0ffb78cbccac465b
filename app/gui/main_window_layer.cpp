// MainWindow: the selected layer drives the histogram; edits from the table and the histogram
// go through the Document's undo stack.
#include "main_window.h"

#include "histogram/histogram_data.h"
#include "histogram/histogram_view.h"
#include "histogram/probe_metrics_view.h"

#include <QStatusBar>

namespace eqw::gui {

void MainWindow::onLayerSelected(const QString& layer) {
  currentLayer_ = layer;
  showHistogram(layer);
  if (!doc_.busy()) probe_.setLayer(doc_.session(), layer);
}

void MainWindow::showHistogram(const QString& layer) {
  const Session& s = doc_.session();
  const Graph& g = s.canonicalGraph();
  const int node = g.findNode(layer.toStdString());
  const StatsSet* stats = s.statistics();
  const TensorStats* ts = (node >= 0 && stats && !g.nodes[node].inputs.empty()) ? stats->find(g.nodes[node].inputs[0]) : nullptr;
  if (!ts) return histogram_->clear(tr("No statistics for %1 yet: calibrate first").arg(layer));
  const LayerQuant* lq = s.spec() ? s.spec()->find(layer.toStdString()) : nullptr;
  const int specBits = lq ? activationBits(lq->precision) : 0;
  const int bits = specBits > 0 ? specBits : calibrateOptions().precision == Precision::Int7 ? 7 : 8;
  auto data = widgets::HistogramData::make(*ts, bits);
  if (!data) return histogram_->clear(QString::fromStdString(data.status().message()));
  // Thresholds no method of the list gives: EasyQuant's, and the spec's own when it is manual.
  if (const EasyQuantResult* eq = s.easyQuant())
    if (const LayerQuant* e = eq->spec.find(layer.toStdString()); e && activationBits(e->precision) > 0)
      data->addThreshold({"eq", e->input.value});
  if (lq && specBits > 0 && !data->threshold(lq->input.method)) data->addThreshold({lq->input.method, lq->input.value});
  std::optional<float> current;
  if (lq && specBits > 0) current = lq->input.value;
  histogram_->setData(*data, current, lq ? QString::fromStdString(lq->input.method) : QString());
}

void MainWindow::onManualThresholdChanged(float threshold) {
  statusBar()->showMessage(tr("%1: input threshold %2 (release to apply)").arg(currentLayer_).arg(threshold, 0, 'g', 5));
  probe_.request(threshold);  // coalesced: the latest threshold wins
}

void MainWindow::onProbeMetrics(float threshold, const ErrorMetrics& at, float specThreshold, const ErrorMetrics& spec,
                                qint64 images) {
  probeMetrics_->setMetrics(threshold, at, specThreshold, spec, images);
}

void MainWindow::onManualThresholdCommitted(float threshold) {
  if (currentLayer_.isEmpty() || doc_.busy()) return;
  Status s = doc_.setLayerInputThreshold(currentLayer_, threshold);
  if (!s.isOk()) statusBar()->showMessage(QString::fromStdString(s.message()), 10000);
}

void MainWindow::onPrecisionEdit(const QString& layer, Precision precision) {
  if (doc_.busy()) return;
  Status s = doc_.setLayerPrecision(layer, precision);
  if (!s.isOk()) showError(tr("Set precision"), s);
}

}  // namespace eqw::gui
