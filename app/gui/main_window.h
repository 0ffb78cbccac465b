// The workbench's main window: File / Edit / Calibrate menus, the Layers, Histogram and Issues
// docks, a status bar (model, dataset, threads, ISA), drops of model files and image folders, and
// window state kept in QSettings. It owns one Document and one JobRunner; every action calls the
// Document or the runner, never an algorithm of its own.
#pragma once

#include "document.h"
#include "job_runner.h"
#include "probe_controller.h"

#include "histogram/histogram_data.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QMainWindow>
#include <QThreadPool>
#include <QTimer>

#include <map>
#include <memory>
#include <optional>
#include <string>

class QAction;
class QComboBox;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;

namespace eqw::widgets {
class HistogramView;
class LayerTableModel;
class LayerTableView;
class ProbeMetricsView;
class CompareView;
class DatasetPanel;
class EasyQuantCurveView;
class WeightRangeView;
}  // namespace eqw::widgets

namespace eqw::gui {

class IssuesPanel;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  Document* document() { return &doc_; }
  JobRunner* jobs() { return &jobs_; }
  widgets::LayerTableModel* layerModel() const { return layerModel_; }
  widgets::LayerTableView* layerView() const { return layerView_; }
  widgets::HistogramView* histogram() const { return histogram_; }
  IssuesPanel* issues() const { return issues_; }
  ProbeController* probe() { return &probe_; }
  widgets::ProbeMetricsView* probeMetrics() const { return probeMetrics_; }
  widgets::CompareView* compare() const { return compare_; }
  widgets::DatasetPanel* datasetPanel() const { return datasetPanel_; }
  widgets::EasyQuantCurveView* easyQuantCurve() const { return easyQuantCurve_; }
  widgets::WeightRangeView* weightRange() const { return weightRange_; }

  // The File actions without their dialogs (also used by drops, recent files and tests). On error
  // they show a message box (unless `quiet`) with the engine's message and keep the Document.
  Status openModelFile(const QString& path, bool quiet = false);
  Status openProjectFile(const QString& path, bool quiet = false);
  Status saveProjectFile(const QString& path, bool quiet = false);
  Status useCalibrationFolder(const QString& folder, const Preprocess& preprocess, bool quiet = false);
  // Starts statistics + calibration with the toolbar's method and bits; false when it cannot start.
  bool calibrateNow();
  bool evaluateNow();
  // EasyQuant on the current spec (calibration images), and latency of FP32 / INT8 / INT7.
  bool easyQuantNow();
  bool benchmarkNow();
  // Unattended (autorun, Xvfb tests): errors go to stderr instead of modal message boxes.
  void setUnattended(bool unattended) { unattended_ = unattended; }
  bool unattended() const { return unattended_; }
  // The method and bit width the Calibrate toolbar shows.
  CalibrateOptions calibrateOptions() const;
  // The latest partial statistics of the running calibration (none between jobs).
  const std::optional<LiveStats>& liveStatistics() const { return live_; }
  // How often the live histogram redraws while a calibration runs (ms).
  static constexpr int kLiveRedrawMs = 250;

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  // main_window.cpp
  void buildDocks();
  void buildStatusBar();
  void onReset();
  void onChanged();
  void updateStatusBar();
  void updateActions();
  void updateTitle();
  void showError(const QString& title, const Status& status);
  // main_window_menus.cpp
  void buildMenus();
  void buildCalibrateToolBar();
  void openModelDialog();
  void openProjectDialog();
  bool saveProject();
  bool saveProjectAs();
  void exportTableDialog();
  void chooseCalibrationFolder();
  void chooseEvaluationImages(bool list);
  void addRecentFile(const QString& path);
  void rebuildRecentMenu();
  // main_window_jobs.cpp
  void onJobStarted(const QString& title);
  void onJobProgress(const QString& stage, qint64 done, qint64 total);
  void onJobFinished(bool ok, const QString& message);
  // A histogram computed on a worker, drawn when ready unless a newer one was asked for since.
  struct HistogramJob {
    QString layer;
    quint64 generation = 0;
    QString caption;  // live data: where it comes from
    QString message;  // when there is no histogram to draw
    std::optional<widgets::HistogramData> data;
    std::optional<float> current;  // the spec's threshold (the manual line starts there)
    QString method;                // the spec's method (its curve is shown)
  };
  // main_window_jobs.cpp: the selected layer's histogram from the partial statistics, computed
  // on a worker at most every kLiveRedrawMs and drawn when ready.
  void rebuildLiveInputs();
  void beginLiveHistogram();
  void onLiveStatistics(const LiveStats& live);
  void refreshLiveHistogram();
  void onLiveHistogramReady();
  void endLiveHistogram(bool ok);
  // main_window_layer.cpp
  void onLayerSelected(const QString& layer);
  void onManualThresholdChanged(float threshold);
  void onManualThresholdCommitted(float threshold);
  void onPrecisionEdit(const QString& layer, Precision precision);
  void showHistogram(const QString& layer);
  // What a histogram of the idle Session's statistics needs, copied (a worker may use it).
  struct HistogramInput {
    std::shared_ptr<const TensorStats> stats;  // null: nothing to draw (message says why)
    int bits = 8;
    std::optional<widgets::MethodThreshold> eq, spec;
    std::optional<float> current;
    QString method;
    QString message;
  };
  HistogramInput histogramInput(const QString& layer) const;
  static HistogramJob computeHistogram(const HistogramInput& in, HistogramJob job);
  // showHistogram with the computation on a worker (used when a job ends).
  void showHistogramLater(const QString& layer);
  void applyHistogram(const HistogramJob& job);
  void onProbeMetrics(float threshold, const ErrorMetrics& at, float specThreshold, const ErrorMetrics& spec, qint64 images);
  // main_window_dataset.cpp
  void buildDatasetDocks();
  void refreshDatasetPanel();
  Status applyPreprocess(const Preprocess& preprocess);
  void showLayerPlots(const QString& layer);

  Document doc_;
  JobRunner jobs_;
  ProbeController probe_;
  widgets::LayerTableModel* layerModel_ = nullptr;
  widgets::LayerTableView* layerView_ = nullptr;
  widgets::HistogramView* histogram_ = nullptr;
  IssuesPanel* issues_ = nullptr;
  widgets::ProbeMetricsView* probeMetrics_ = nullptr;
  widgets::CompareView* compare_ = nullptr;
  widgets::DatasetPanel* datasetPanel_ = nullptr;
  widgets::EasyQuantCurveView* easyQuantCurve_ = nullptr;
  widgets::WeightRangeView* weightRange_ = nullptr;
  QString currentLayer_;
  bool unattended_ = false;

  QAction* openModel_ = nullptr;
  QAction* openProject_ = nullptr;
  QAction* save_ = nullptr;
  QAction* saveAs_ = nullptr;
  QAction* exportTable_ = nullptr;
  QAction* undo_ = nullptr;
  QAction* redo_ = nullptr;
  QAction* chooseFolder_ = nullptr;
  QAction* chooseEvalFolder_ = nullptr;
  QAction* chooseEvalList_ = nullptr;
  QAction* calibrate_ = nullptr;
  QAction* evaluate_ = nullptr;
  QAction* easyQuant_ = nullptr;
  QAction* benchmark_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QComboBox* methodCombo_ = nullptr;
  QComboBox* bitsCombo_ = nullptr;

  QLabel* modelLabel_ = nullptr;
  QLabel* datasetLabel_ = nullptr;
  QLabel* threadsLabel_ = nullptr;
  QLabel* isaLabel_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QElapsedTimer jobClock_;  // for the progress bar's ETA

  bool liveJob_ = false;              // a calibration with live statistics runs
  std::optional<LiveStats> live_;     // its latest snapshot
  bool liveDirty_ = false;            // the view does not show live_ for currentLayer_ yet
  quint64 liveGeneration_ = 0;        // a result of an older job (or none) is dropped
  std::map<std::string, int> liveInputs_;  // layer -> its input value id (read on reset)
  int liveBits_ = 8;
  std::string liveMethod_;
  QTimer liveTimer_;
  QThreadPool histogramPool_;  // one low-priority thread for the histogram workers
  QFutureWatcher<HistogramJob> liveWatcher_;
  bool deferNextHistogram_ = false;  // the next showHistogram (a job's end) goes to a worker
  quint64 histogramGeneration_ = 0;
  QFutureWatcher<HistogramJob> histogramWatcher_;
};

}  // namespace eqw::gui
