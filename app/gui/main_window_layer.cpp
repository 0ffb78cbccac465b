// MainWindow: the selected layer drives the histogram; edits from the table and the histogram
// go through the Document's undo stack.
#include "main_window.h"

#include "histogram/histogram_data.h"
#include "histogram/histogram_view.h"
#include "histogram/probe_metrics_view.h"

#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

namespace eqw::gui {

void MainWindow::onLayerSelected(const QString& layer) {
  currentLayer_ = layer;
  deferNextHistogram_ = false;  // a click is answered at once
  showHistogram(layer);
  if (!doc_.busy()) probe_.setLayer(doc_.session(), layer);
}

MainWindow::HistogramInput MainWindow::histogramInput(const QString& layer) const {
  HistogramInput in;
  const Session& s = doc_.session();
  const Graph& g = s.canonicalGraph();
  const int node = g.findNode(layer.toStdString());
  const StatsSet* stats = s.statistics();
  const TensorStats* ts = (node >= 0 && stats && !g.nodes[node].inputs.empty()) ? stats->find(g.nodes[node].inputs[0]) : nullptr;
  if (!ts) {
    in.message = tr("No statistics for %1 yet: calibrate first").arg(layer);
    return in;
  }
  in.stats = std::make_shared<const TensorStats>(*ts);
  const LayerQuant* lq = s.spec() ? s.spec()->find(layer.toStdString()) : nullptr;
  const int specBits = lq ? activationBits(lq->precision) : 0;
  in.bits = specBits > 0 ? specBits : calibrateOptions().precision == Precision::Int7 ? 7 : 8;
  // Thresholds no method of the list gives: EasyQuant's, and the spec's own when it is manual.
  if (const EasyQuantResult* eq = s.easyQuant())
    if (const LayerQuant* e = eq->spec.find(layer.toStdString()); e && activationBits(e->precision) > 0)
      in.eq = widgets::MethodThreshold{"eq", e->input.value};
  if (lq && specBits > 0) {
    in.spec = widgets::MethodThreshold{lq->input.method, lq->input.value};
    in.current = lq->input.value;
  }
  if (lq) in.method = QString::fromStdString(lq->input.method);
  return in;
}

MainWindow::HistogramJob MainWindow::computeHistogram(const HistogramInput& in, HistogramJob job) {
  auto data = widgets::HistogramData::make(*in.stats, in.bits);
  if (!data) {
    job.message = QString::fromStdString(data.status().message());
    return job;
  }
  if (in.eq) data->addThreshold(*in.eq);
  if (in.spec && !data->threshold(in.spec->method)) data->addThreshold(*in.spec);
  data->precomputeCurve(in.method.toStdString());
  job.data = std::move(*data);
  job.current = in.current;
  job.method = in.method;
  return job;
}

void MainWindow::showHistogram(const QString& layer) {
  // While a job owns the Session: a calibration's partial statistics, or nothing new.
  if (liveJob_) {
    liveDirty_ = true;
    return refreshLiveHistogram();
  }
  if (doc_.busy()) return histogram_->clear(tr("The histogram of %1 is shown when the job has finished").arg(layer));
  if (deferNextHistogram_) {
    deferNextHistogram_ = false;
    return showHistogramLater(layer);
  }
  ++histogramGeneration_;  // a deferred one still on its way is out of date
  histogram_->setCaption(QString());
  const HistogramInput in = histogramInput(layer);
  if (!in.stats) return histogram_->clear(in.message);
  applyHistogram(computeHistogram(in, HistogramJob{layer, histogramGeneration_, {}, {}, {}, {}, {}}));
}

void MainWindow::showHistogramLater(const QString& layer) {
  // The methods and the criterion curve on 2048 bins take long enough to stall the window right
  // when a job ends: a worker computes them from copies; the GUI thread only draws.
  HistogramInput in = histogramInput(layer);
  const quint64 generation = ++histogramGeneration_;
  if (!in.stats) {
    histogram_->setCaption(QString());
    return histogram_->clear(in.message);
  }
  histogramWatcher_.setFuture(QtConcurrent::run(&histogramPool_, [in, job = HistogramJob{layer, generation, {}, {}, {}, {}, {}}] {
    lowerThisThreadsPriority();
    return computeHistogram(in, job);
  }));
}

void MainWindow::applyHistogram(const HistogramJob& job) {
  if (job.generation != histogramGeneration_ || job.layer != currentLayer_ || liveJob_ || doc_.busy()) return;
  histogram_->setCaption(QString());
  if (job.data) histogram_->setData(*job.data, job.current, job.method);
  else histogram_->clear(job.message);
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
