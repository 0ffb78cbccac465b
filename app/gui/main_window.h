// The workbench's main window: File / Edit / Calibrate menus, the Layers, Histogram and Issues
// docks, a status bar (model, dataset, threads, ISA), drops of model files and image folders, and
// window state kept in QSettings. It owns one Document and one JobRunner; every action calls the
// Document or the runner, never an algorithm of its own.
#pragma once

#include "document.h"
#include "job_runner.h"
#include "probe_controller.h"

#include <QElapsedTimer>
#include <QMainWindow>

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
  // main_window_layer.cpp
  void onLayerSelected(const QString& layer);
  void onManualThresholdChanged(float threshold);
  void onManualThresholdCommitted(float threshold);
  void onPrecisionEdit(const QString& layer, Precision precision);
  void showHistogram(const QString& layer);
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
};

}  // namespace eqw::gui
