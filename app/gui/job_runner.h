// Runs the Session's long operations (statistics + calibration, EasyQuant, evaluation, latency
// benchmarks) on a worker thread.
// While a job runs the Document is busy and the GUI must not touch the Session (MainWindow
// disables its actions). Progress comes back as queued signals, throttled to about 25 per second;
// cancel() makes the engine's progress callback return false, and the job ends with Cancelled.
// A calibration also hands out the partial statistics while it collects them (liveStatistics,
// at most every liveInterval() ms): immutable snapshots the GUI may read while the worker runs.
#pragma once

#include "document.h"

#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

namespace eqw::gui {

// What a worker hands back to the GUI thread.
struct JobOutcome {
  Status status;
  Diagnostics diagnostics;
  std::optional<EvalReport> report;
  std::optional<std::vector<Session::Latency>> latency;
};

// Lowers the calling thread's priority a little, once per thread: background work (jobs, plot
// data) yields to the GUI thread when both want a core, so the window does not stall for more
// than 50 ms during a job. Linux keeps the nice value per thread; elsewhere a no-op. Only for
// threads that do nothing else (the raised value cannot be taken back without privileges).
void lowerThisThreadsPriority();

// The statistics of a running calibration so far (eqw::StatsSnapshot, on the GUI side).
struct LiveStats {
  QString stage;      // "range", "histogram", "statistics"
  qint64 done = 0;    // images done in the stage
  qint64 total = 0;   // images of the stage
  bool final = false; // the finished statistics
  std::shared_ptr<const StatsSet> stats;
};

class JobRunner : public QObject {
  Q_OBJECT

 public:
  explicit JobRunner(QObject* parent = nullptr);
  ~JobRunner() override;

  bool running() const { return running_; }
  // A calibration (which sends liveStatistics) is running.
  bool calibrating() const { return running_ && calibrating_; }
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
  // How often a calibration sends liveStatistics (ms; 0: after every image). Default 250.
  void setLiveInterval(int ms) { liveIntervalMs_ = ms; }
  int liveInterval() const { return liveIntervalMs_; }
  // Blocks until the running job has finished (tests, shutdown).
  void wait();

 Q_SIGNALS:
  void started(const QString& title);
  void progress(const QString& stage, qint64 done, qint64 total);
  void finished(bool ok, const QString& message);
  // Emitted on the worker; queued to receivers in the GUI thread.
  void liveStatistics(const eqw::gui::LiveStats& live);

 private:
  // `background`: on the low-priority thread (all but the latency benchmark, whose timings must
  // not pay for it).
  bool start(Document* doc, const QString& title, std::function<JobOutcome()> work, bool calibration = false,
             bool background = true);
  void onFinished();
  // The engine's progress callback: throttled signal, false once cancelled.
  bool report(const std::string& stage, int64_t done, int64_t total);

  QThreadPool pool_;  // one thread for the jobs, below the GUI thread's priority
  QFutureWatcher<JobOutcome> watcher_;
  Document* doc_ = nullptr;
  bool running_ = false;
  bool calibrating_ = false;
  std::atomic<bool> cancel_{false};
  std::chrono::steady_clock::time_point lastProgress_;
  int liveIntervalMs_ = 250;
};

}  // namespace eqw::gui

Q_DECLARE_METATYPE(eqw::gui::LiveStats)
