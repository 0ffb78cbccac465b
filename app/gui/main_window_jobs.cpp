// MainWindow: starting calibration, EasyQuant, evaluation and benchmark jobs and showing their
// progress; while a calibration collects statistics, the selected layer's live histogram.
#include "main_window.h"

#include "histogram/histogram_view.h"

#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

namespace eqw::gui {

bool MainWindow::calibrateNow() {
  const Session& s = doc_.session();
  if (!s.isOpen() || !s.dataset(DatasetRole::Calibration)) {
    showError(tr("Calibrate"), invalidArgument(tr("Open a model and choose a calibration folder first.").toStdString()));
    return false;
  }
  CollectOptions collect;
  collect.threads = QThread::idealThreadCount();
  // Keep a cache of every value when the project has one, so per-layer views keep working.
  if (const CollectOptions* cached = s.statisticsOptions()) collect.values = cached->values;
  return jobs_.startCalibration(&doc_, collect, calibrateOptions());
}

bool MainWindow::evaluateNow() {
  // A project without its own evaluation images is evaluated on the calibration images.
  if (Status s = doc_.ensureEvaluationSet(); !s.isOk()) {
    showError(tr("Evaluate"), s);
    return false;
  }
  EvalOptions options;
  options.threads = QThread::idealThreadCount();
  options.per_layer = true;
  return jobs_.startEvaluation(&doc_, {Precision::Int8, Precision::Int7}, options);
}

bool MainWindow::easyQuantNow() {
  const Session& s = doc_.session();
  if (!s.spec() || !s.dataset(DatasetRole::Calibration)) {
    showError(tr("EasyQuant"), invalidArgument(tr("Calibrate first: EasyQuant refines the current spec.").toStdString()));
    return false;
  }
  EasyQuantOptions options;  // the paper's defaults: 50 images, 100 candidates over [0.5, 2] S
  options.threads = QThread::idealThreadCount();
  return jobs_.startEasyQuant(&doc_, options);
}

bool MainWindow::benchmarkNow() {
  const Session& s = doc_.session();
  if (!s.isOpen()) {
    showError(tr("Benchmark"), invalidArgument(tr("Open a model first.").toStdString()));
    return false;
  }
  BenchOptions options;
  options.threads = QThread::idealThreadCount();
  options.isa = activeIsa();
  std::vector<Precision> precisions{Precision::Fp32};
  if (s.spec()) precisions.insert(precisions.end(), {Precision::Int8, Precision::Int7});  // INT8/INT7 need a spec
  return jobs_.startBenchmark(&doc_, precisions, options);
}

void MainWindow::onJobStarted(const QString& title) {
  if (jobs_.calibrating()) beginLiveHistogram();
  jobClock_.start();
  progress_->setRange(0, 0);
  progress_->setFormat(title + QStringLiteral(" %p%"));
  progress_->show();
  cancel_->show();
  statusBar()->showMessage(title + QStringLiteral("…"));
}

void MainWindow::onJobProgress(const QString& stage, qint64 done, qint64 total) {
  progress_->setRange(0, static_cast<int>(std::max<qint64>(total, 1)));
  progress_->setValue(static_cast<int>(done));
  // ETA from the stage's rate so far (a two-pass collection restarts it at the second pass).
  QString eta;
  if (done > 0 && done < total) {
    const double seconds = jobClock_.elapsed() / 1000.0 * static_cast<double>(total - done) / static_cast<double>(done);
    eta = tr(", about %1 s left").arg(qRound(seconds));
  }
  if (done == total) jobClock_.restart();
  progress_->setFormat(stage + QStringLiteral(" %v/%m") + eta);
}

void MainWindow::onJobFinished(bool ok, const QString& message) {
  endLiveHistogram(ok);
  progress_->hide();
  cancel_->hide();
  if (ok) {
    statusBar()->showMessage(tr("Done"), 5000);
    return;
  }
  statusBar()->showMessage(message, 10000);
  if (!message.isEmpty() && !message.contains(QLatin1String("cancel"), Qt::CaseInsensitive) && !unattended_)
    QMessageBox::critical(this, tr("Job failed"), message);
}

void MainWindow::rebuildLiveInputs() {
  liveInputs_.clear();
  for (const Node& node : doc_.session().canonicalGraph().nodes)
    if (!node.inputs.empty()) liveInputs_[node.name] = node.inputs[0];
}

void MainWindow::beginLiveHistogram() {
  // Nothing here reads the Session (the worker owns it now): the layer inputs were read when the
  // model was opened, the bit width and method are the toolbar's.
  const CalibrateOptions options = calibrateOptions();
  liveBits_ = options.precision == Precision::Int7 ? 7 : 8;
  liveMethod_ = options.method;
  live_.reset();
  liveDirty_ = false;
  ++liveGeneration_;
  liveJob_ = true;
  liveTimer_.start(kLiveRedrawMs);
}

void MainWindow::onLiveStatistics(const LiveStats& live) {
  if (!liveJob_) return;  // a late snapshot of a finished job
  live_ = live;
  liveDirty_ = true;  // drawn on the next tick, never per image
}

void MainWindow::refreshLiveHistogram() {
  if (!liveJob_ || !live_ || !liveDirty_ || currentLayer_.isEmpty() || liveWatcher_.isRunning()) return;
  liveDirty_ = false;
  QString caption = tr("live: %1 / %2 images").arg(live_->done).arg(live_->total);
  if (live_->stage == QLatin1String("range")) caption += tr(" (range pass; the histogram follows in the second pass)");
  const auto input = liveInputs_.find(currentLayer_.toStdString());
  const TensorStats* ts = input != liveInputs_.end() ? live_->stats->find(input->second) : nullptr;
  // The caption changes with what the plot shows: now for a message, with the worker's result
  // for a histogram.
  if (!ts || ts->histogram.empty()) histogram_->setCaption(caption);
  if (!ts) return histogram_->clear(tr("No statistics for %1 yet").arg(currentLayer_));
  if (ts->histogram.empty())
    return histogram_->clear(tr("%1: |x| up to %2 so far; its histogram is collected in the second pass")
                                 .arg(currentLayer_)
                                 .arg(ts->absmax, 0, 'g', 5));
  // The methods and the criterion curve take a while on 2048 bins: a worker computes them from
  // the immutable snapshot, the GUI thread only draws.
  auto stats = live_->stats;
  const int id = input->second, bits = liveBits_;
  const std::string method = liveMethod_;
  HistogramJob job{currentLayer_, liveGeneration_, caption, {}, {}, {}, {}};
  liveWatcher_.setFuture(QtConcurrent::run(&histogramPool_, [stats, id, bits, method, job]() mutable {
    lowerThisThreadsPriority();
    auto data = widgets::HistogramData::make(*stats->find(id), bits);
    if (data) {
      data->precomputeCurve(method);
      job.data = std::move(*data);
    } else {
      job.message = QString::fromStdString(data.status().message());
    }
    return job;
  }));
}

void MainWindow::onLiveHistogramReady() {
  const HistogramJob r = liveWatcher_.result();
  if (!liveJob_ || r.generation != liveGeneration_) return;
  if (r.layer == currentLayer_) {
    if (r.data) histogram_->setData(*r.data, std::nullopt, QString::fromStdString(liveMethod_));
    else histogram_->clear(r.message);
    histogram_->setCaption(r.caption);
  } else {
    liveDirty_ = true;  // another layer was selected meanwhile
  }
  if (liveDirty_) refreshLiveHistogram();
}

void MainWindow::endLiveHistogram(bool ok) {
  const bool wasLive = liveJob_;
  liveJob_ = false;
  live_.reset();
  liveDirty_ = false;
  ++liveGeneration_;
  liveTimer_.stop();
  histogram_->setCaption(QString());
  // A finished job redraws from the new state (Document::changed queues it; deferred to a worker
  // so that the end of the job does not stall the window); a cancelled or failed calibration
  // leaves the previous statistics, which the view shows again.
  if (ok) deferNextHistogram_ = !currentLayer_.isEmpty();
  if (wasLive && !ok && !currentLayer_.isEmpty() && !doc_.busy()) {
    showHistogramLater(currentLayer_);
    probe_.setLayer(doc_.session(), currentLayer_);
  }
  updateActions();
}

}  // namespace eqw::gui
