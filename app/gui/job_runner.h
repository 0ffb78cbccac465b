// Runs the Session's long operations (statistics + calibration, EasyQuant, evaluation, latency
// benchmarks) on a worker thread.
// While a job runs the Document is busy and the GUI must not touch the Session (MainWindow
// disables its actions). Progress comes back as queued signals, throttled to about 25 per second;
// cancel() makes the engine's progress callback return false, and the job ends with Cancelled.
#pragma once

#include "document.h"

#include <QFutureWatcher>
#include <QObject>

#include <atomic>
#include <chrono>
#include <optional>

namespace eqw::gui {

// What a worker hands back to the GUI thread.
struct JobOutcome {
  Status status;
  Diagnostics diagnostics;
  std::optional<EvalReport> report;
  std::optional<std::vector<Session::Latency>> latency;
};

class JobRunner : public QObject {
  Q_OBJECT

 public:
  explicit JobRunner(QObject* parent = nullptr);
  ~JobRunner() override;

  bool running() const { return running_; }
  // Collects statistics (cached ones are reused) and calibrates. False when a job already runs.
  bool startCalibration(Document* doc, const CollectOptions& collect, const CalibrateOptions& calibrate);
  // Evaluates the current spec at each precision against FP32 on the evaluation images, with
  // per-layer metrics; the report goes to the Document.
  bool startEvaluation(Document* doc, const std::vector<Precision>& precisions, const EvalOptions& options);
  // Refines the current spec with EasyQuant on the calibration images (Session::refineEasyQuant).
  bool startEasyQuant(Document* doc, const EasyQuantOptions& options);
  // Times FP32 and the current spec at each integer precision (Session::benchmark); the latencies
  // go to the Document.
  bool startBenchmark(Document* doc, const std::vector<Precision>& precisions, const BenchOptions& options);
  void cancel() { cancel_ = true; }
  // Blocks until the running job has finished (tests, shutdown).
  void wait();

 Q_SIGNALS:
  void started(const QString& title);
  void progress(const QString& stage, qint64 done, qint64 total);
  void finished(bool ok, const QString& message);

 private:
  bool start(Document* doc, const QString& title, std::function<JobOutcome()> work);
  void onFinished();
  // The engine's progress callback: throttled signal, false once cancelled.
  bool report(const std::string& stage, int64_t done, int64_t total);

  QFutureWatcher<JobOutcome> watcher_;
  Document* doc_ = nullptr;
  bool running_ = false;
  std::atomic<bool> cancel_{false};
  std::chrono::steady_clock::time_point lastProgress_;
};

}  // namespace eqw::gui
