#include "document.h"

#include "set_datasets_command.h"
#include "set_override_command.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

namespace eqw::gui {

namespace {

// A Status from a file path the user chose that the engine must never see empty.
Status needPath(const QString& path, const char* what) {
  return path.isEmpty() ? invalidArgument(std::string("no ") + what + " given") : Status::ok();
}

}  // namespace

Document::Document(QObject* parent) : QObject(parent) {
  connect(&autosaveTimer_, &QTimer::timeout, this, [this] { (void)autosave(); });
  // Any edit, undo or redo makes the autosave stale.
  connect(&undo_, &QUndoStack::indexChanged, this, [this] { autosaved_ = false; });
  setAutosaveInterval(QSettings().value(QStringLiteral("autosave/seconds"), 120).toInt());
}

void Document::setAutosaveInterval(int seconds) {
  if (seconds <= 0) {
    autosaveTimer_.stop();
    return;
  }
  autosaveTimer_.start(seconds * 1000);
}

void Document::setModified(bool modified) {
  modified_ = modified;
  autosaved_ = false;
}

void Document::sessionChanged() {
  setModified(true);
  Q_EMIT changed();
}

QString Document::autosavePath() const {
  if (!projectPath_.isEmpty()) return projectPath_ + QStringLiteral(".autosave");
  const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/autosave");
  const QString model = session_.isOpen() ? QFileInfo(QString::fromStdString(session_.modelPath())).completeBaseName()
                                          : QStringLiteral("untitled");
  return dir + QLatin1Char('/') + model + QStringLiteral(".eqw");
}

Status Document::autosave() {
  // While a job runs the worker owns the Session; an unchanged state needs no new copy.
  if (busy_ || !session_.isOpen() || !modified() || autosaved_) return Status::ok();
  const QString path = autosavePath();
  if (!QDir().mkpath(QFileInfo(path).absolutePath()))
    return ioError("autosave: cannot create the folder " + QFileInfo(path).absolutePath().toStdString());
  EQW_RETURN_IF_ERROR(session_.save(path.toStdString()));  // atomic: write + rename
  autosaved_ = true;
  return Status::ok();
}

QString Document::newerAutosave(const QString& projectPath) {
  const QFileInfo project(projectPath), autosaved(projectPath + QStringLiteral(".autosave"));
  return autosaved.exists() && (!project.exists() || autosaved.lastModified() > project.lastModified())
             ? autosaved.absoluteFilePath()
             : QString();
}

Status Document::recoverAutosave(const QString& projectPath) {
  const QString autosaved = newerAutosave(projectPath);
  if (autosaved.isEmpty()) return notFound("no autosave newer than " + projectPath.toStdString());
  Diagnostics diags;
  auto loaded = Session::load(autosaved.toStdString(), &diags);
  if (!loaded) return loaded.status();
  replaceSession(std::move(*loaded), QFileInfo(projectPath).absoluteFilePath(), std::move(diags));
  setModified(true);  // the project file itself still holds the older state
  return Status::ok();
}

void Document::discardAutosave() {
  QFile::remove(autosavePath());
  autosaved_ = false;
}

void Document::setBusy(bool busy) {
  if (busy_ == busy) return;
  busy_ = busy;
  Q_EMIT busyChanged(busy);
}

void Document::replaceSession(Session session, const QString& projectPath, Diagnostics diags) {
  session_ = std::move(session);
  projectPath_ = projectPath;
  undo_.clear();
  setModified(false);
  report_.reset();
  latency_.clear();
  diags_ = std::move(diags);
  Q_EMIT reset();
  Q_EMIT diagnosticsChanged();
}

Status Document::openModel(const QString& path) {
  EQW_RETURN_IF_ERROR(needPath(path, "model file"));
  Session fresh;
  Diagnostics diags;
  EQW_RETURN_IF_ERROR(fresh.open(QFileInfo(path).absoluteFilePath().toStdString(), {}, {}, &diags));
  replaceSession(std::move(fresh), QString(), std::move(diags));
  return Status::ok();
}

Status Document::openProject(const QString& path) {
  EQW_RETURN_IF_ERROR(needPath(path, "project file"));
  Diagnostics diags;
  auto loaded = Session::load(QFileInfo(path).absoluteFilePath().toStdString(), &diags);
  if (!loaded) return loaded.status();
  replaceSession(std::move(*loaded), QFileInfo(path).absoluteFilePath(), std::move(diags));
  return Status::ok();
}

Status Document::saveProject(const QString& path) {
  EQW_RETURN_IF_ERROR(needPath(path, "project file"));
  EQW_RETURN_IF_ERROR(session_.save(QFileInfo(path).absoluteFilePath().toStdString()));
  discardAutosave();  // the untitled one, or the old project's
  projectPath_ = QFileInfo(path).absoluteFilePath();
  discardAutosave();
  undo_.setClean();
  setModified(false);
  return Status::ok();
}

Status Document::setCalibrationFolder(const QString& source, const Preprocess& preprocess, const QString& text) {
  EQW_RETURN_IF_ERROR(needPath(source, "image folder"));
  const QString path = QFileInfo(source).absoluteFilePath();
  return changeDatasets(text.isEmpty() ? tr("Use calibration images %1").arg(QDir::toNativeSeparators(path)) : text,
                        [&]() -> Status {
                          Diagnostics diags;
                          const DatasetSource* calib = session_.dataset(DatasetRole::Calibration);
                          const DatasetSource* eval = session_.dataset(DatasetRole::Evaluation);
                          const bool evalFollows = !eval || (calib && eval->source == calib->source);
                          const std::string p = path.toStdString();
                          EQW_RETURN_IF_ERROR(session_.setDataset(DatasetRole::Calibration, p, preprocess,
                                                                  DatasetLayout::Auto, &diags));
                          if (evalFollows)
                            EQW_RETURN_IF_ERROR(session_.setDataset(DatasetRole::Evaluation, p, preprocess, DatasetLayout::Auto));
                          addDiagnostics(diags);
                          return Status::ok();
                        });
}

Status Document::setEvaluationSource(const QString& source) {
  EQW_RETURN_IF_ERROR(needPath(source, "evaluation images"));
  const QString path = QFileInfo(source).absoluteFilePath();
  return changeDatasets(tr("Use evaluation images %1").arg(QDir::toNativeSeparators(path)), [&]() -> Status {
    Diagnostics diags;
    EQW_RETURN_IF_ERROR(session_.setDataset(DatasetRole::Evaluation, path.toStdString(), defaultPreprocess(),
                                            DatasetLayout::Auto, &diags));
    addDiagnostics(diags);
    return Status::ok();
  });
}

namespace {

bool sameDataset(const DatasetSource* a, const DatasetSource* b) {
  if (!a || !b) return a == b;
  return a->source == b->source && a->layout == b->layout && toString(a->preprocess) == toString(b->preprocess);
}

bool sameDatasets(const Session::DatasetsSnapshot& a, const Session::DatasetsSnapshot& b) {
  return sameDataset(a.dataset(DatasetRole::Calibration), b.dataset(DatasetRole::Calibration)) &&
         sameDataset(a.dataset(DatasetRole::Evaluation), b.dataset(DatasetRole::Evaluation));
}

}  // namespace

Status Document::changeDatasets(const QString& text, const std::function<Status()>& change) {
  if (busy_) return invalidArgument(tr("a job is running: wait for it or cancel it first").toStdString());
  Session::DatasetsSnapshot before = session_.datasetsSnapshot();
  if (Status s = change(); !s.isOk()) {
    (void)session_.restoreDatasets(before);  // the calibration set may have changed before the evaluation failed
    return s;
  }
  Session::DatasetsSnapshot after = session_.datasetsSnapshot();
  if (sameDatasets(before, after)) return Status::ok();
  if (!sameDataset(before.dataset(DatasetRole::Evaluation), after.dataset(DatasetRole::Evaluation))) report_.reset();
  auto restore = [this](const Session::DatasetsSnapshot& snapshot) { return restoreDatasets(snapshot); };
  auto capture = [this] { return session_.datasetsSnapshot(); };
  undo_.push(new SetDatasetsCommand(std::move(before), std::move(after), restore, capture, text));
  Q_EMIT changed();
  return Status::ok();
}

Status Document::restoreDatasets(const Session::DatasetsSnapshot& snapshot) {
  const bool evalChanges = !sameDataset(session_.dataset(DatasetRole::Evaluation), snapshot.dataset(DatasetRole::Evaluation));
  Status s = session_.restoreDatasets(snapshot);
  if (s.isOk() && evalChanges) report_.reset();
  Q_EMIT changed();
  return s;
}

Status Document::ensureEvaluationSet() {
  if (session_.dataset(DatasetRole::Evaluation)) return Status::ok();
  const DatasetSource* calib = session_.dataset(DatasetRole::Calibration);
  if (!calib) return invalidArgument(tr("no evaluation or calibration images: choose a folder first").toStdString());
  const DatasetSource copy = *calib;
  return session_.setDataset(DatasetRole::Evaluation, copy.source, copy.preprocess, copy.layout);
}

Preprocess Document::defaultPreprocess() const {
  if (const DatasetSource* d = session_.dataset(DatasetRole::Calibration)) return d->preprocess;
  Preprocess p;
  const Graph& g = session_.canonicalGraph();
  if (!g.inputs.empty()) {
    const Shape& s = g.values[g.inputs[0]].shape;
    if (s.size() == 4 && s[2] > 0 && s[3] > 0) {
      p.height = static_cast<int>(s[2]);
      p.width = static_cast<int>(s[3]);
      if (s[1] == 1) p.pixel = PixelOrder::GRAY;
    }
  }
  p.norm = {1.f / 255.f, 1.f / 255.f, 1.f / 255.f};
  return p;
}

Status Document::calibrate(const CalibrateOptions& options) {
  Diagnostics diags;
  EQW_RETURN_IF_ERROR(session_.calibrate(options, &diags));
  addDiagnostics(diags);
  sessionChanged();
  return Status::ok();
}

Status Document::applyOverride(const std::string& layer, const LayerOverride& override) {
  Status s = session_.setLayerOverride(layer, override);
  Q_EMIT changed();
  return s;
}

Status Document::setLayerOverride(const QString& layer, const LayerOverride& override, const QString& text) {
  const std::string name = layer.toStdString();
  const LayerOverride* current = session_.layerOverride(name);
  LayerOverride before = current ? *current : LayerOverride{};
  if (before == override) return Status::ok();
  EQW_RETURN_IF_ERROR(applyOverride(name, override));
  auto apply = [this](const std::string& l, const LayerOverride& o) { return applyOverride(l, o); };
  undo_.push(new SetOverrideCommand(name, std::move(before), override, apply, /*applied=*/true, text));
  return Status::ok();
}

Status Document::setLayerPrecision(const QString& layer, Precision precision) {
  const LayerOverride* current = session_.layerOverride(layer.toStdString());
  LayerOverride after = current ? *current : LayerOverride{};
  after.precision = precision;
  return setLayerOverride(layer, after, tr("Set %1 to %2").arg(layer, QString::fromLatin1(toString(precision)).toUpper()));
}

Status Document::setLayerInputThreshold(const QString& layer, float threshold) {
  const LayerOverride* current = session_.layerOverride(layer.toStdString());
  LayerOverride after = current ? *current : LayerOverride{};
  after.input_threshold = threshold;
  return setLayerOverride(layer, after, tr("Set the input threshold of %1 to %2").arg(layer).arg(threshold, 0, 'g', 5));
}

void Document::setEvalReport(std::optional<EvalReport> report) {
  report_ = std::move(report);
  Q_EMIT changed();
}

void Document::setLatency(std::vector<Session::Latency> latency) {
  latency_ = std::move(latency);
  Q_EMIT changed();
}

void Document::addDiagnostics(const Diagnostics& diags) {
  if (diags.empty()) return;
  diags_.insert(diags_.end(), diags.begin(), diags.end());
  Q_EMIT diagnosticsChanged();
}

QString Document::layerOf(const Diagnostic& d) const {
  const Graph& g = session_.canonicalGraph();
  if (d.node >= 0 && d.node < static_cast<int>(g.nodes.size())) return QString::fromStdString(g.nodes[d.node].name);
  // Messages name layers in quotes ("layer 'conv1' ..."): take the first quoted name that is a layer.
  const QString msg = QString::fromStdString(d.message);
  for (int start = msg.indexOf(QLatin1Char('\'')); start >= 0; start = msg.indexOf(QLatin1Char('\''), start + 1)) {
    const int end = msg.indexOf(QLatin1Char('\''), start + 1);
    if (end < 0) break;
    const QString name = msg.mid(start + 1, end - start - 1);
    if (g.findNode(name.toStdString()) >= 0) return name;
    start = end;
  }
  return {};
}

}  // namespace eqw::gui
