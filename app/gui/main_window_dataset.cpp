// MainWindow: the Calibration set dock (thumbnails, unreadable files, preprocessing editor and
// live preview; applying goes through the undo stack) and, under the histogram, the selected
// layer's EasyQuant objective curve and per-channel weight ranges.
#include "main_window.h"

#include "dataset/dataset_panel.h"
#include "histogram/easyquant_curve_data.h"
#include "histogram/easyquant_curve_view.h"
#include "histogram/weight_range_data.h"
#include "histogram/weight_range_view.h"
#include "layers/layer_table_view.h"

#include <QDockWidget>
#include <QSplitter>

namespace eqw::gui {

void MainWindow::buildDatasetDocks() {
  datasetPanel_ = new widgets::DatasetPanel(this);
  auto* datasetDock = new QDockWidget(tr("Calibration set"), this);
  datasetDock->setObjectName(QStringLiteral("DatasetDock"));
  datasetDock->setWidget(datasetPanel_);
  addDockWidget(Qt::LeftDockWidgetArea, datasetDock);
  datasetPanel_->setApplyFunction([this](const Preprocess& p) { return applyPreprocess(p); });
  // An image the model cannot read is an issue of the calibration set, listed with the others.
  connect(datasetPanel_, &widgets::DatasetPanel::unreadableFound, this, [this](const QString&, const QString& message) {
    doc_.addDiagnostics({Diagnostic{Severity::Warning, message.toStdString(), -1}});
  });
  connect(&doc_, &Document::reset, this, &MainWindow::refreshDatasetPanel);
  connect(&doc_, &Document::changed, this, &MainWindow::refreshDatasetPanel);
  connect(&doc_, &Document::busyChanged, this, [this](bool busy) {
    datasetPanel_->setEditable(!busy);
    if (!busy) refreshDatasetPanel();
  });

  easyQuantCurve_ = new widgets::EasyQuantCurveView(this);
  weightRange_ = new widgets::WeightRangeView(this);
  auto* plots = new QSplitter(Qt::Vertical, this);
  plots->addWidget(easyQuantCurve_);
  plots->addWidget(weightRange_);
  auto* plotsDock = new QDockWidget(tr("EasyQuant and weights"), this);
  plotsDock->setObjectName(QStringLiteral("LayerPlotsDock"));
  plotsDock->setWidget(plots);
  // Below the histogram's tab group (splitDockWidget on a tabbed dock would only add a tab).
  addDockWidget(Qt::RightDockWidgetArea, plotsDock, Qt::Vertical);
  connect(layerView_, &widgets::LayerTableView::layerSelected, this, &MainWindow::showLayerPlots);
  connect(&doc_, &Document::reset, this, [this] { showLayerPlots(QString()); });
  // A finished EasyQuant or a recalibration changes what the plots show; drawn once the event
  // loop is back (as the histogram) and never while a job owns the Session.
  connect(&doc_, &Document::changed, this, [this] {
    QMetaObject::invokeMethod(this, [this] { showLayerPlots(currentLayer_); }, Qt::QueuedConnection);
  });
}

void MainWindow::refreshDatasetPanel() {
  if (doc_.busy()) return;  // the worker owns the Session
  const DatasetSource* d = doc_.session().dataset(DatasetRole::Calibration);
  if (!d)
    datasetPanel_->clear(tr("No calibration set: drop an image folder on the window or use Calibrate › Choose calibration folder"));
  else
    datasetPanel_->setDataset(QString::fromStdString(d->source), d->preprocess);
}

Status MainWindow::applyPreprocess(const Preprocess& preprocess) {
  const DatasetSource* d = doc_.session().dataset(DatasetRole::Calibration);
  if (doc_.busy() || !d) return invalidArgument(tr("no calibration set, or a job is running").toStdString());
  // The same images with new settings: one undoable step that keeps the old statistics for undo.
  return doc_.setCalibrationFolder(QString::fromStdString(d->source), preprocess,
                                   tr("Set preprocessing to %1").arg(QString::fromStdString(toString(preprocess))));
}

void MainWindow::showLayerPlots(const QString& layer) {
  if (doc_.busy()) return;
  const Session& s = doc_.session();
  if (layer.isEmpty() || !s.isOpen()) {
    easyQuantCurve_->clear(tr("EasyQuant has not run yet: calibrate, then run EasyQuant"));
    weightRange_->clear(tr("Select a convolution or fully connected layer to see its weight ranges"));
    return;
  }
  const std::string name = layer.toStdString();
  auto ranges = widgets::WeightRangeData::make(s.canonicalGraph(), name, s.spec());
  if (ranges) weightRange_->setData(*ranges);
  else weightRange_->clear(QString::fromStdString(ranges.status().message()));
  const EasyQuantResult* eq = s.easyQuant();
  if (!eq) return easyQuantCurve_->clear(tr("EasyQuant has not run yet: calibrate, then run EasyQuant"));
  auto curve = widgets::EasyQuantCurveData::make(*eq, name);
  if (curve) easyQuantCurve_->setData(*curve);
  else easyQuantCurve_->clear(tr("EasyQuant did not search %1 (FP32 or not quantizable)").arg(layer));
}

}  // namespace eqw::gui
