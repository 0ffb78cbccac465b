#include "job_runner.h"

#include <QtConcurrent/QtConcurrentRun>

#if defined(__linux__)
#include <sys/resource.h>
#endif

namespace eqw::gui {

void lowerThisThreadsPriority() {
#if defined(__linux__)
  thread_local bool lowered = false;  // once: the pool keeps its thread
  if (lowered) return;
  lowered = true;
  setpriority(PRIO_PROCESS, 0, getpriority(PRIO_PROCESS, 0) + 5);
#endif
}

JobRunner::JobRunner(QObject* parent) : QObject(parent) {
  pool_.setMaxThreadCount(1);
  pool_.setExpiryTimeout(-1);  // the same (lowered) thread for every job
  qRegisterMetaType<LiveStats>();  // crosses threads in a queued connection
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

bool JobRunner::start(Document* doc, const QString& title, std::function<JobOutcome()> work, bool calibration,
                      bool background) {
  if (running_ || !doc || doc->busy()) return false;
  running_ = true;
  calibrating_ = calibration;
  cancel_ = false;
  doc_ = doc;
  doc->setBusy(true);
  Q_EMIT started(title);
  if (!background) {
    watcher_.setFuture(QtConcurrent::run(std::move(work)));
    return true;
  }
  watcher_.setFuture(QtConcurrent::run(&pool_, [work = std::move(work)] {
    lowerThisThreadsPriority();
    return work();
  }));
  return true;
}

bool JobRunner::startCalibration(Document* doc, const CollectOptions& collect, const CalibrateOptions& calibrate) {
  Session* session = doc ? &doc->sessionForJob() : nullptr;
  StatsSnapshotOptions live;
  live.interval_ms = liveIntervalMs_;
  // Runs on the worker: the snapshot is immutable and shared, so handing it over is all it takes.
  live.callback = [this](const StatsSnapshot& s) {
    Q_EMIT liveStatistics(LiveStats{QString::fromStdString(s.stage), s.done, s.total, s.final, s.stats});
  };
  return start(doc, tr("Calibrating"), [this, session, collect, calibrate, live] {
    JobOutcome out;
    auto progress = [this](const std::string& stage, int64_t done, int64_t total) { return report(stage, done, total); };
    out.status = session->collectStatistics(collect, progress, out.diagnostics, live);
    if (out.status.isOk()) out.status = session->calibrate(calibrate, &out.diagnostics);
    return out;
  }, /*calibration=*/true);
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
  }, /*calibration=*/false, /*background=*/false);
}

void JobRunner::onFinished() {
  JobOutcome out = watcher_.result();
  running_ = false;
  calibrating_ = false;
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
