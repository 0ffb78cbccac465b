// MainWindow: starting calibration, EasyQuant, evaluation and benchmark jobs and showing their progress.
#include "main_window.h"

#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QThread>

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

}  // namespace eqw::gui
