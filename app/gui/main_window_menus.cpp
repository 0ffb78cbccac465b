// MainWindow: the File, Edit and Calibrate menus, the Calibrate tool bar and the file dialogs.
#include "main_window.h"

#include <eqw/calib.h>

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>
#include <QUndoStack>

namespace eqw::gui {

namespace {

const QString kRecentKey = QStringLiteral("recentFiles");
constexpr int kRecentMax = 8;

bool isProjectFile(const QString& path) { return QFileInfo(path).suffix().compare(QLatin1String("eqw"), Qt::CaseInsensitive) == 0; }

}  // namespace

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  openModel_ = file->addAction(tr("Open &model…"), this, &MainWindow::openModelDialog);
  openModel_->setShortcut(QKeySequence::Open);
  openProject_ = file->addAction(tr("Open &project…"), this, &MainWindow::openProjectDialog);
  openProject_->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
  recentMenu_ = file->addMenu(tr("&Recent files"));
  file->addSeparator();
  save_ = file->addAction(tr("&Save project"), this, &MainWindow::saveProject);
  save_->setShortcut(QKeySequence::Save);
  saveAs_ = file->addAction(tr("Save project &as…"), this, &MainWindow::saveProjectAs);
  saveAs_->setShortcut(QKeySequence::SaveAs);
  exportTable_ = file->addAction(tr("&Export ncnn table…"), this, &MainWindow::exportTableDialog);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);
  rebuildRecentMenu();

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  undo_ = doc_.undoStack()->createUndoAction(this, tr("&Undo"));
  undo_->setShortcut(QKeySequence::Undo);
  redo_ = doc_.undoStack()->createRedoAction(this, tr("&Redo"));
  redo_->setShortcut(QKeySequence::Redo);
  edit->addAction(undo_);
  edit->addAction(redo_);
  // The stack's own enabling ignores jobs: re-check whenever it changes.
  connect(doc_.undoStack(), &QUndoStack::indexChanged, this, &MainWindow::updateActions);

  QMenu* calib = menuBar()->addMenu(tr("&Calibrate"));
  chooseFolder_ = calib->addAction(tr("Choose calibration &folder…"), this, &MainWindow::chooseCalibrationFolder);
  chooseEvalFolder_ = calib->addAction(tr("Choose e&valuation folder…"), this, [this] { chooseEvaluationImages(false); });
  chooseEvalList_ = calib->addAction(tr("Choose evaluation &list (with labels)…"), this, [this] { chooseEvaluationImages(true); });
  calib->addSeparator();
  calibrate_ = calib->addAction(tr("&Calibrate"), this, [this] { calibrateNow(); });
  calibrate_->setShortcut(QKeySequence(tr("Ctrl+R")));
  evaluate_ = calib->addAction(tr("&Evaluate FP32 / INT8 / INT7"), this, [this] { evaluateNow(); });
  evaluate_->setShortcut(QKeySequence(tr("Ctrl+E")));
  easyQuant_ = calib->addAction(tr("Refine with Easy&Quant"), this, [this] { easyQuantNow(); });
  easyQuant_->setShortcut(QKeySequence(tr("Ctrl+Shift+Q")));
  benchmark_ = calib->addAction(tr("&Benchmark latency"), this, [this] { benchmarkNow(); });
  benchmark_->setShortcut(QKeySequence(tr("Ctrl+B")));
  // Names the autorun mode (--run) and the tests find them by.
  calibrate_->setObjectName(QStringLiteral("action-calibrate"));
  easyQuant_->setObjectName(QStringLiteral("action-easyquant"));
  evaluate_->setObjectName(QStringLiteral("action-evaluate"));
  benchmark_->setObjectName(QStringLiteral("action-benchmark"));
  save_->setObjectName(QStringLiteral("action-save"));
}

void MainWindow::buildCalibrateToolBar() {
  QToolBar* bar = addToolBar(tr("Calibrate"));
  bar->setObjectName(QStringLiteral("CalibrateToolBar"));
  bar->addAction(chooseFolder_);
  bar->addSeparator();
  bar->addWidget(new QLabel(tr("Method "), bar));
  methodCombo_ = new QComboBox(bar);
  for (const std::string& name : calibrationMethodNames()) methodCombo_->addItem(QString::fromStdString(name));
  methodCombo_->setCurrentText(QStringLiteral("kl"));
  bar->addWidget(methodCombo_);
  bar->addWidget(new QLabel(tr(" Bits "), bar));
  bitsCombo_ = new QComboBox(bar);
  bitsCombo_->addItem(tr("INT8"), 8);
  bitsCombo_->addItem(tr("INT7"), 7);
  bar->addWidget(bitsCombo_);
  bar->addAction(calibrate_);
  bar->addAction(easyQuant_);
  bar->addAction(evaluate_);
  bar->addAction(benchmark_);
}

CalibrateOptions MainWindow::calibrateOptions() const {
  CalibrateOptions o;
  o.method = methodCombo_->currentText().toStdString();
  o.precision = bitsCombo_->currentData().toInt() == 7 ? Precision::Int7 : Precision::Int8;
  return o;
}

Status MainWindow::openModelFile(const QString& path, bool quiet) {
  Status s = doc_.openModel(path);
  if (!s.isOk()) {
    if (!quiet) showError(tr("Open model"), s);
    return s;
  }
  addRecentFile(path);
  return s;
}

Status MainWindow::openProjectFile(const QString& path, bool quiet) {
  // An autosave newer than the project: the last session ended without saving (or crashed).
  if (!quiet && !Document::newerAutosave(path).isEmpty() &&
      QMessageBox::question(this, tr("Recover project"),
                            tr("%1 has an autosave newer than the file itself. Recover the autosaved state?")
                                .arg(QFileInfo(path).fileName())) == QMessageBox::Yes) {
    Status r = doc_.recoverAutosave(path);
    if (r.isOk()) {
      addRecentFile(path);
      return r;
    }
    showError(tr("Recover project"), r);  // then open the project itself
  }
  Status s = doc_.openProject(path);
  if (!s.isOk()) {
    if (!quiet) showError(tr("Open project"), s);
    return s;
  }
  addRecentFile(path);
  return s;
}

Status MainWindow::saveProjectFile(const QString& path, bool quiet) {
  Status s = doc_.saveProject(path);
  if (!s.isOk() && !quiet) showError(tr("Save project"), s);
  if (s.isOk()) {
    addRecentFile(path);
    updateTitle();
  }
  return s;
}

Status MainWindow::useCalibrationFolder(const QString& folder, const Preprocess& preprocess, bool quiet) {
  Status s = doc_.setCalibrationFolder(folder, preprocess);
  if (!s.isOk() && !quiet) showError(tr("Calibration folder"), s);
  return s;
}

void MainWindow::openModelDialog() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open model"), QString(),
                                                    tr("Models (*.onnx *.param *.prototxt);;All files (*)"));
  if (!path.isEmpty()) (void)openModelFile(path);
}

void MainWindow::openProjectDialog() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open project"), QString(), tr("EQ Workbench projects (*.eqw)"));
  if (!path.isEmpty()) (void)openProjectFile(path);
}

bool MainWindow::saveProject() {
  if (doc_.projectPath().isEmpty()) return saveProjectAs();
  return saveProjectFile(doc_.projectPath()).isOk();
}

bool MainWindow::saveProjectAs() {
  QString path = QFileDialog::getSaveFileName(this, tr("Save project"), doc_.projectPath(), tr("EQ Workbench projects (*.eqw)"));
  if (path.isEmpty()) return false;
  if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".eqw");
  return saveProjectFile(path).isOk();
}

void MainWindow::exportTableDialog() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Export ncnn table"), QString(), tr("ncnn scale tables (*.table)"));
  if (path.isEmpty()) return;
  Status s = doc_.session().exportTable(path.toStdString());
  if (!s.isOk()) showError(tr("Export ncnn table"), s);
  else statusBar()->showMessage(tr("Wrote %1").arg(path), 5000);
}

void MainWindow::chooseCalibrationFolder() {
  const QString folder = QFileDialog::getExistingDirectory(this, tr("Choose calibration folder"));
  if (folder.isEmpty()) return;
  // The preprocessing in ncnn2table's words, editable (the dataset panel comes later).
  bool ok = false;
  const QString text = QInputDialog::getText(this, tr("Preprocessing"),
                                             tr("How images become the model's input (shape, pixel, mean, norm, resize):"),
                                             QLineEdit::Normal, QString::fromStdString(toString(doc_.defaultPreprocess())), &ok);
  if (!ok) return;
  auto pre = parsePreprocess(text.toStdString());
  if (!pre) return showError(tr("Preprocessing"), pre.status());
  (void)useCalibrationFolder(folder, *pre);
}

void MainWindow::chooseEvaluationImages(bool list) {
  const QString source = list ? QFileDialog::getOpenFileName(this, tr("Choose evaluation list"), QString(),
                                                             tr("Image lists: path label per line (*.txt);;All files (*)"))
                              : QFileDialog::getExistingDirectory(this, tr("Choose evaluation folder"));
  if (source.isEmpty()) return;
  if (Status s = doc_.setEvaluationSource(source); !s.isOk()) showError(tr("Evaluation images"), s);
}

void MainWindow::addRecentFile(const QString& path) {
  QSettings settings;
  QStringList files = settings.value(kRecentKey).toStringList();
  const QString abs = QFileInfo(path).absoluteFilePath();
  files.removeAll(abs);
  files.prepend(abs);
  while (files.size() > kRecentMax) files.removeLast();
  settings.setValue(kRecentKey, files);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  recentMenu_->clear();
  const QStringList files = QSettings().value(kRecentKey).toStringList();
  for (const QString& f : files)
    recentMenu_->addAction(QFileInfo(f).fileName(), this, [this, f] {
      (void)(isProjectFile(f) ? openProjectFile(f) : openModelFile(f));
    })->setToolTip(f);
  recentMenu_->setEnabled(!files.isEmpty());
}

}  // namespace eqw::gui
