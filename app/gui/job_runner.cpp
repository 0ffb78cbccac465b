#include "job_runner.h"

#include <QtConcurrent/QtConcurrentRun>

namespace eqw::gui {

JobRunner::JobRunner(QObject* parent) : QObject(parent) {
  connect(&watcher_, &QFutureWatcher<JobOutcome>::finished, this, &JobRunner::onFinished);
}

JobRunner::~JobRunner() {
  cancel_ = true;
  watcher_.waitForFinished();
}

void JobRunner::wait() { watcher_.waitForFinished(); }

bool JobRunner::report(const std::string& stage, int64_t done, int64_t total) {
  // Runs on the worker: only the signal (queued to the GUI thread) and atomics here.
  const auto now = std::chrono::steady_clock::now();
  if (done == total || now - lastProgress_ > std::chrono::milliseconds(40)) {
    lastProgress_ = now;
    Q_EMIT progress(QString::fromStdString(stage), done, total);
  }
  return !cancel_;
}

bool JobRunner::start(Document* doc, const QString& title, std::function<JobOutcome()> work) {
  if (running_ || !doc || doc->busy()) return false;
  running_ = true;
  cancel_ = false;
  doc_ = doc;
  doc->setBusy(true);
  Q_EMIT started(title);
  watcher_.setFuture(QtConcurrent::run(std::move(work)));
  return true;
}

bool JobRunner::startCalibration(Document* doc, const CollectOptions& collect, const CalibrateOptions& calibrate) {
  Session* session = doc ? &doc->sessionForJob() : nullptr;
  return start(doc, tr("Calibrating"), [this, session, collect, calibrate] {
    JobOutcome out;
    auto progress = [this](const std::string& stage, int64_t done, int64_t total) { return report(stage, done, total); };
    out.status = session->collectStatistics(collect, progress, out.diagnostics);
    if (out.status.isOk()) out.status = session->calibrate(calibrate, &out.diagnostics);
    return out;
  });
}

bool JobRunner::startEvaluation(Document* doc, const std::vector<Precision>& precisions, const EvalOptions& options) {
  const Session* session = doc ? &doc->session() : nullptr;
  return start(doc, tr("Evaluating"), [this, session, precisions, options] {
    JobOutcome out;
    auto progress = [this](int64_t done, int64_t total) { return report("evaluation", done, total); };
    auto r = session->evaluate(precisions, options, progress, out.diagnostics);
    if (r) out.report = std::move(*r);
    else out.status = r.status();
    return out;
  });
}

bool JobRunner::startEasyQuant(Document* doc, const EasyQuantOptions& options) {
  Session* session = doc ? &doc->sessionForJob() : nullptr;
  return start(doc, tr("EasyQuant"), [this, session, options] {
    JobOutcome out;
    auto progress = [this](const std::string& stage, int64_t done, int64_t total) { return report(stage, done, total); };
    out.status = session->refineEasyQuant(options, progress, out.diagnostics);
    return out;
  });
}

bool JobRunner::startBenchmark(Document* doc, const std::vector<Precision>& precisions, const BenchOptions& options) {
  const Session* session = doc ? &doc->session() : nullptr;
  return start(doc, tr("Benchmarking"), [this, session, precisions, options] {
    JobOutcome out;
    auto progress = [this](const std::string& stage, int64_t done, int64_t total) { return report(stage, done, total); };
    auto r = session->benchmark(precisions, options, progress);
    if (r) out.latency = std::move(*r);
    else out.status = r.status();
    return out;
  });
}

void JobRunner::onFinished() {
  JobOutcome out = watcher_.result();
  running_ = false;
  Document* doc = doc_;
  doc_ = nullptr;
  doc->setBusy(false);
  doc->addDiagnostics(out.diagnostics);
  if (out.report) doc->setEvalReport(std::move(out.report));
  else if (out.latency) doc->setLatency(std::move(*out.latency));
  else if (out.status.isOk()) doc->sessionChanged();  // calibration or EasyQuant
  Q_EMIT finished(out.status.isOk(), QString::fromStdString(out.status.message()));
}

}  // namespace eqw::gui
