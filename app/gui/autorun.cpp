#include "autorun.h"

#include "main_window.h"

#include "compare/compare_view.h"
#include "layers/layer_table_model.h"
#include "layers/layer_table_view.h"

#include <QAction>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QPixmap>
#include <QTimer>

#include <algorithm>
#include <cstdio>

namespace eqw::gui {

namespace {

void fail(const QString& message) { std::fprintf(stderr, "eq-workbench: %s\n", message.toLocal8Bit().constData()); }

// Turns the event loop for `ms`.
void settle(int ms) {
  QEventLoop loop;
  QTimer::singleShot(ms, &loop, &QEventLoop::quit);
  loop.exec();
}

// How long the measurement goes on after the job's end: the finish handler and the redraws it
// queues (table, histogram, plots) run on the GUI thread too.
constexpr int kAfterJobMs = 400;

// Waits for the job the step started; false (and the job's message) when it failed. A 10 ms timer
// on the GUI thread measures responsiveness meanwhile and for kAfterJobMs after the job's end:
// *longestGapMs is the longest time between two of its ticks (the target: the GUI thread
// never blocks for more than 50 ms). *liveSnapshots counts the partial statistics that arrived.
bool waitForJob(MainWindow& window, QString* message, qint64* longestGapMs, int* liveSnapshots) {
  *longestGapMs = 0;
  *liveSnapshots = 0;
  if (!window.jobs()->running()) return true;  // instant actions (save) start no job
  QElapsedTimer clock;
  clock.start();
  qint64 last = 0;
  QTimer tick;
  QObject::connect(&tick, &QTimer::timeout, [&] {
    *longestGapMs = std::max(*longestGapMs, clock.elapsed() - last);
    last = clock.elapsed();
  });
  tick.start(10);
  bool ok = false;
  QEventLoop loop;
  QObject::connect(window.jobs(), &JobRunner::liveStatistics, &loop, [&] { ++*liveSnapshots; });
  QObject::connect(window.jobs(), &JobRunner::finished, &loop, [&](bool success, const QString& text) {
    ok = success;
    *message = text;
    QTimer::singleShot(kAfterJobMs, &loop, &QEventLoop::quit);
  });
  loop.exec();
  return ok;
}

}  // namespace

QStringList autorunSteps() {
  return {QStringLiteral("calibrate"), QStringLiteral("easyquant"), QStringLiteral("evaluate"), QStringLiteral("benchmark"),
          QStringLiteral("save")};
}

int runSteps(MainWindow& window, const QStringList& steps, const QString& screenshotDir) {
  if (!screenshotDir.isEmpty() && !QDir().mkpath(screenshotDir)) {
    fail(QStringLiteral("cannot create the screenshot folder %1").arg(screenshotDir));
    return 1;
  }
  int index = 0;
  for (const QString& step : steps) {
    ++index;
    if (!autorunSteps().contains(step)) {
      fail(QStringLiteral("unknown step '%1' (steps: %2)").arg(step, autorunSteps().join(QStringLiteral(", "))));
      return 1;
    }
    auto* action = window.findChild<QAction*>(QStringLiteral("action-") + step);
    if (!action || !action->isEnabled()) {
      fail(QStringLiteral("step %1 '%2': the action is not available now (open a project with a calibration set first)")
               .arg(index)
               .arg(step));
      return 1;
    }
    // A layer is selected before the first job, so that a calibration's live histogram is drawn
    // (and measured) while it runs.
    const auto& rows = window.layerModel()->rows();
    if (window.layerView()->selectedLayer().isEmpty() && !rows.empty()) {
      window.layerView()->selectLayer(QString::fromStdString(rows.front().name));
      settle(400);  // the selection's own redraws happen before the step, as for a user
    }
    QElapsedTimer clock;
    clock.start();
    action->trigger();
    QString message;
    qint64 gap = 0;
    int live = 0;
    if (!waitForJob(window, &message, &gap, &live)) {
      fail(QStringLiteral("step %1 '%2' failed: %3").arg(index).arg(step, message));
      return 1;
    }
    std::printf("step %d %s: done in %.2f s, longest GUI-thread gap %lld ms (job end included)", index,
                step.toLocal8Bit().constData(), static_cast<double>(clock.elapsed()) / 1000.0, static_cast<long long>(gap));
    if (live > 0) std::printf(", %d live statistics snapshots", live);
    std::printf("\n");
    // Show a layer: the worst one once there are metrics, else the first.
    if (window.layerView()->selectedLayer().isEmpty() && !rows.empty())
      window.layerView()->selectLayer(QString::fromStdString(rows.front().name));
    // Evaluation and latency live in the Compare panel: bring it to the front for them.
    if (step == QLatin1String("evaluate") || step == QLatin1String("benchmark"))
      if (QWidget* dock = window.compare()->parentWidget()) dock->raise();
    if (screenshotDir.isEmpty()) continue;
    // Let the queued redraws and the layer probe (a worker) finish before the picture.
    settle(400);
    const QString file = QDir(screenshotDir).filePath(QStringLiteral("%1-%2.png").arg(index, 2, 10, QLatin1Char('0')).arg(step));
    if (!window.grab().save(file, "PNG")) {
      fail(QStringLiteral("could not write the screenshot %1").arg(file));
      return 1;
    }
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace eqw::gui
