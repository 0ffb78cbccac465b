#include "main_window.h"

#include "issues_panel.h"

#include <eqw/cpu.h>

#include "compare/compare_view.h"
#include "histogram/histogram_view.h"
#include "histogram/probe_metrics_view.h"
#include "layers/layer_table_model.h"
#include "layers/layer_table_view.h"

#include <QAction>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QThread>
#include <QUndoStack>
#include <QVBoxLayout>

#include <cstdio>

namespace eqw::gui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setObjectName(QStringLiteral("MainWindow"));
  setAcceptDrops(true);
  setDockNestingEnabled(true);
  buildDocks();
  buildMenus();
  buildCalibrateToolBar();
  buildStatusBar();
  connect(&doc_, &Document::reset, this, &MainWindow::onReset);
  connect(&doc_, &Document::changed, this, &MainWindow::onChanged);
  connect(&doc_, &Document::diagnosticsChanged, issues_, &IssuesPanel::refresh);
  connect(&doc_, &Document::busyChanged, this, &MainWindow::updateActions);
  connect(doc_.undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
  connect(&jobs_, &JobRunner::started, this, &MainWindow::onJobStarted);
  connect(&jobs_, &JobRunner::progress, this, &MainWindow::onJobProgress);
  connect(&jobs_, &JobRunner::finished, this, &MainWindow::onJobFinished);
  histogramPool_.setMaxThreadCount(1);
  histogramPool_.setExpiryTimeout(-1);  // the same (lowered) thread each time
  connect(&jobs_, &JobRunner::liveStatistics, this, &MainWindow::onLiveStatistics);
  connect(&liveTimer_, &QTimer::timeout, this, &MainWindow::refreshLiveHistogram);
  connect(&liveWatcher_, &QFutureWatcher<HistogramJob>::finished, this, &MainWindow::onLiveHistogramReady);
  connect(&histogramWatcher_, &QFutureWatcher<HistogramJob>::finished, this,
          [this] { applyHistogram(histogramWatcher_.result()); });

  QSettings settings;
  resize(1280, 800);
  restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
  onReset();
}

MainWindow::~MainWindow() {
  // The Document (a member) dies before the child widgets: its undo stack's last signals must not
  // reach this half-destroyed window.
  disconnect(doc_.undoStack(), nullptr, this, nullptr);
  disconnect(&doc_, nullptr, this, nullptr);
  disconnect(&doc_, nullptr, issues_, nullptr);
}

void MainWindow::buildDocks() {
  layerModel_ = new widgets::LayerTableModel(this);
  layerModel_->setSession(&doc_.session());
  layerView_ = new widgets::LayerTableView(layerModel_, this);
  setCentralWidget(layerView_);  // the table is the main view; the docks sit around it
  connect(layerView_, &widgets::LayerTableView::layerSelected, this, &MainWindow::onLayerSelected);
  connect(layerModel_, &widgets::LayerTableModel::precisionEditRequested, this, &MainWindow::onPrecisionEdit);

  histogram_ = new widgets::HistogramView(this);
  auto* histDock = new QDockWidget(tr("Histogram"), this);
  histDock->setObjectName(QStringLiteral("HistogramDock"));
  // The isolated metrics at the dragged threshold sit under the plot they follow.
  probeMetrics_ = new widgets::ProbeMetricsView(this);
  auto* histPanel = new QWidget(this);
  auto* histLayout = new QVBoxLayout(histPanel);
  histLayout->setContentsMargins(0, 0, 0, 0);
  histLayout->addWidget(histogram_, 1);
  histLayout->addWidget(probeMetrics_);
  histDock->setWidget(histPanel);
  addDockWidget(Qt::RightDockWidgetArea, histDock);
  connect(histogram_, &widgets::HistogramView::manualThresholdChanged, this, &MainWindow::onManualThresholdChanged);
  connect(histogram_, &widgets::HistogramView::manualThresholdCommitted, this, &MainWindow::onManualThresholdCommitted);
  connect(&probe_, &ProbeController::metricsReady, this, &MainWindow::onProbeMetrics);
  connect(&probe_, &ProbeController::building, probeMetrics_,
          [this](const QString& layer) { probeMetrics_->clear(tr("Running the FP32 network for %1…").arg(layer)); });
  connect(&probe_, &ProbeController::failed, probeMetrics_, [this](const QString&, const QString& message) { probeMetrics_->clear(message); });

  // FP32 | INT8 | INT7 after "Evaluate"; a click on a layer's point selects it everywhere.
  compare_ = new widgets::CompareView(this);
  auto* compareDock = new QDockWidget(tr("Compare"), this);
  compareDock->setObjectName(QStringLiteral("CompareDock"));
  compareDock->setWidget(compare_);
  addDockWidget(Qt::RightDockWidgetArea, compareDock);
  tabifyDockWidget(histDock, compareDock);
  histDock->raise();
  connect(compare_, &widgets::CompareView::layerSelected, layerView_, &widgets::LayerTableView::selectLayer);

  issues_ = new IssuesPanel(&doc_, this);
  auto* issuesDock = new QDockWidget(tr("Issues"), this);
  issuesDock->setObjectName(QStringLiteral("IssuesDock"));
  issuesDock->setWidget(issues_);
  addDockWidget(Qt::BottomDockWidgetArea, issuesDock);
  connect(issues_, &IssuesPanel::layerActivated, layerView_, &widgets::LayerTableView::selectLayer);
  buildDatasetDocks();
  // First-run proportions (restoreState overrides them): a wide histogram, a short issue list.
  resizeDocks({histDock}, {560}, Qt::Horizontal);
  resizeDocks({issuesDock}, {130}, Qt::Vertical);
  // The calibration set narrow on the left, the per-layer plots tall enough to read.
  if (auto* dataset = findChild<QDockWidget*>(QStringLiteral("DatasetDock"))) resizeDocks({dataset}, {330}, Qt::Horizontal);
  if (auto* plots = findChild<QDockWidget*>(QStringLiteral("LayerPlotsDock"))) resizeDocks({plots}, {300}, Qt::Vertical);
}

void MainWindow::buildStatusBar() {
  modelLabel_ = new QLabel(this);
  datasetLabel_ = new QLabel(this);
  threadsLabel_ = new QLabel(this);
  isaLabel_ = new QLabel(this);
  progress_ = new QProgressBar(this);
  progress_->setMaximumWidth(220);
  progress_->hide();
  cancel_ = new QPushButton(tr("Cancel"), this);
  cancel_->hide();
  connect(cancel_, &QPushButton::clicked, &jobs_, &JobRunner::cancel);
  statusBar()->addWidget(modelLabel_);
  statusBar()->addWidget(datasetLabel_);
  statusBar()->addPermanentWidget(progress_);
  statusBar()->addPermanentWidget(cancel_);
  statusBar()->addPermanentWidget(threadsLabel_);
  statusBar()->addPermanentWidget(isaLabel_);
}

void MainWindow::onReset() {
  layerModel_->setSession(&doc_.session());
  rebuildLiveInputs();  // the canonical graph changes only here
  currentLayer_.clear();
  probe_.clear();
  probeMetrics_->clear();
  histogram_->clear(tr("Select a layer after calibration to see its histogram"));
  issues_->refresh();
  // The toolbar shows how the opened project was calibrated.
  if (const CalibrateOptions* o = doc_.session().calibrateOptions()) {
    if (methodCombo_->findText(QString::fromStdString(o->method)) >= 0) methodCombo_->setCurrentText(QString::fromStdString(o->method));
    bitsCombo_->setCurrentIndex(o->precision == Precision::Int7 ? 1 : 0);
  }
  onChanged();
  layerView_->fitColumns();
}

void MainWindow::onChanged() {
  layerModel_->setEvalReport(doc_.evalReport());
  std::vector<widgets::CompareModel::LatencyEntry> latency;
  for (const Session::Latency& l : doc_.latency())
    latency.push_back({QString::fromLatin1(toString(l.precision)).toUpper(), l.result.median_ms,
                       static_cast<int>(l.result.run_ms.size()), l.result.threads, QString::fromLatin1(toString(l.result.isa))});
  compare_->model()->setLatency(latency);
  compare_->setReport(doc_.evalReport());  // redraws every plot, latency bars included
  // Rebuilt once control is back in the event loop: a committed drag reaches here from inside the
  // plot's own mouse handler, which must not see its items deleted under it.
  if (!currentLayer_.isEmpty() && !doc_.busy())
    QMetaObject::invokeMethod(this, [this] {
      if (currentLayer_.isEmpty() || doc_.busy()) return;
      showHistogram(currentLayer_);
      probe_.setLayer(doc_.session(), currentLayer_);
    }, Qt::QueuedConnection);
  updateStatusBar();
  updateActions();
  updateTitle();
}

void MainWindow::updateStatusBar() {
  const Session& s = doc_.session();
  modelLabel_->setText(s.isOpen() ? tr("Model: %1").arg(QFileInfo(QString::fromStdString(s.modelPath())).fileName())
                                  : tr("No model"));
  const DatasetSource* d = s.dataset(DatasetRole::Calibration);
  datasetLabel_->setText(d ? tr("Calibration: %1").arg(QString::fromStdString(d->source)) : tr("No calibration set"));
  threadsLabel_->setText(tr("Threads: %1").arg(QThread::idealThreadCount()));
  isaLabel_->setText(tr("ISA: %1").arg(QString::fromLatin1(toString(activeIsa()))));
}

void MainWindow::updateActions() {
  // While a job runs the worker owns the Session: decide from `idle` alone, read nothing.
  const bool idle = !doc_.busy();
  const Session& s = doc_.session();
  const bool open = idle && s.isOpen();
  const bool spec = idle && s.spec();
  const bool calib = idle && s.dataset(DatasetRole::Calibration);
  const bool eval = idle && s.dataset(DatasetRole::Evaluation);
  for (QAction* a : {openModel_, openProject_}) a->setEnabled(idle);
  save_->setEnabled(open);
  saveAs_->setEnabled(open);
  exportTable_->setEnabled(spec);
  chooseFolder_->setEnabled(open);
  chooseEvalFolder_->setEnabled(open);
  chooseEvalList_->setEnabled(open);
  calibrate_->setEnabled(open && calib);
  evaluate_->setEnabled(spec && (eval || calib));
  easyQuant_->setEnabled(spec && calib);
  benchmark_->setEnabled(open);
  undo_->setEnabled(idle && doc_.undoStack()->canUndo());
  redo_->setEnabled(idle && doc_.undoStack()->canRedo());
  recentMenu_->setEnabled(idle);
  // During a calibration the selection stays free: it picks the layer of the live histogram.
  layerView_->setEnabled(idle || liveJob_);
  histogram_->setEnabled(idle);
}

void MainWindow::updateTitle() {
  const Session& s = doc_.session();
  QString name = !doc_.projectPath().isEmpty() ? QFileInfo(doc_.projectPath()).fileName()
                 : s.isOpen()                  ? QFileInfo(QString::fromStdString(s.modelPath())).fileName()
                                               : tr("untitled");
  setWindowTitle(tr("%1[*] — EQ Workbench").arg(name));
  setWindowModified(doc_.modified());
}

void MainWindow::showError(const QString& title, const Status& status) {
  if (unattended_) {
    std::fprintf(stderr, "eq-workbench: %s: %s\n", title.toLocal8Bit().constData(), status.message().c_str());
    return;
  }
  QMessageBox::critical(this, title, QString::fromStdString(status.message()));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  // Unsaved work: save, discard (the autosave goes too) or stay. Never asked offscreen (tests,
  // screenshots), where nobody could answer.
  if (doc_.modified() && QGuiApplication::platformName() != QLatin1String("offscreen")) {
    const auto answer = QMessageBox::question(this, tr("Unsaved changes"),
                                              tr("The project has unsaved changes. Save them before closing?"),
                                              QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Cancel || (answer == QMessageBox::Save && !saveProject())) {
      event->ignore();
      return;
    }
    if (answer == QMessageBox::Discard) doc_.discardAutosave();
  }
  if (jobs_.running()) {
    jobs_.cancel();
    jobs_.wait();
  }
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/state"), saveState());
  event->accept();
}

}  // namespace eqw::gui
