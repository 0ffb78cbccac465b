// One open model: the eqw::Session with everything derived from it, the undo stack of the user's
// edits, the project file it came from, the last evaluation and the diagnostics to list. Opening a
// model or a project builds a new Session first and only replaces the current one on success, so a
// failed open leaves the Document as it was. The Session's address never changes (widgets keep a
// pointer to it); its contents are swapped by move.
#pragma once

#include <eqw/session.h>

#include <QObject>
#include <QString>
#include <QTimer>
#include <QUndoStack>

#include <functional>
#include <optional>

namespace eqw::gui {

class Document : public QObject {
  Q_OBJECT

 public:
  explicit Document(QObject* parent = nullptr);

  const Session& session() const { return session_; }
  // For the job runner only: the long operations run on a worker with the GUI kept off the Session.
  Session& sessionForJob() { return session_; }
  QUndoStack* undoStack() { return &undo_; }
  const QString& projectPath() const { return projectPath_; }
  bool busy() const { return busy_; }
  void setBusy(bool busy);

  // True when the Session changed since it was opened or saved (edits, jobs, datasets).
  bool modified() const { return modified_ || !undo_.isClean(); }
  // A change outside the undo stack (a calibration, EasyQuant, new images): modified, changed().
  void sessionChanged();

  // Autosave: while modified, the Session is saved every `seconds` (0: off) to autosavePath() —
  // the project file plus ".autosave" beside it, or, for a project never saved, a file named after
  // the model under the user's application data folder. Saving the project removes it; a project
  // whose autosave is newer can be recovered from it.
  void setAutosaveInterval(int seconds);
  QString autosavePath() const;
  // Saves now when modified and idle (the timer's work); Ok and nothing written otherwise.
  Status autosave();
  // The autosave of the project at `projectPath` when there is one newer than the project itself.
  static QString newerAutosave(const QString& projectPath);
  // Opens the project's autosave instead of the project: the state of the last autosave, under the
  // project's own path, marked modified. Errors as openProject (naming the autosave file).
  Status recoverAutosave(const QString& projectPath);
  // Removes the current autosave file (a deliberate discard on close).
  void discardAutosave();

  Status openModel(const QString& path);
  Status openProject(const QString& path);
  // Saves the project (atomically, by the engine) and remembers the path; marks the undo stack clean.
  Status saveProject(const QString& path);
  // Sets the calibration images (a folder or a list) and their preprocessing; the evaluation
  // images follow them until set apart. Undoable (`text` names the step; empty: "Use calibration
  // images ..."): undo gives back the previous images with their cached statistics. Checked by
  // the Session first: on error nothing changes and nothing is pushed.
  Status setCalibrationFolder(const QString& source, const Preprocess& preprocess, const QString& text = {});
  // Sets the evaluation images (a folder, or a list with labels for top-1) with the calibration
  // set's preprocessing, undoably; the last evaluation report, made on other images, is dropped.
  Status setEvaluationSource(const QString& source);
  // Uses the calibration images for evaluation when no evaluation set was given; InvalidArgument
  // when there is neither.
  Status ensureEvaluationSet();
  // The preprocessing a new image folder gets: the calibration set's when there is one, else the
  // model's input size with pixels scaled to [0, 1] (GRAY for one channel, BGR for three).
  Preprocess defaultPreprocess() const;
  // Calibrates from the cached statistics (instant); the overrides stay on top.
  Status calibrate(const CalibrateOptions& options);

  // Undoable edits of a layer's override. Checked by the Session first: on error nothing is pushed.
  Status setLayerOverride(const QString& layer, const LayerOverride& override, const QString& text);
  Status setLayerPrecision(const QString& layer, Precision precision);
  Status setLayerInputThreshold(const QString& layer, float threshold);

  const std::optional<EvalReport>& evalReport() const { return report_; }
  void setEvalReport(std::optional<EvalReport> report);
  // The last latency benchmark (Session::benchmark), empty when none ran on this Session.
  const std::vector<Session::Latency>& latency() const { return latency_; }
  void setLatency(std::vector<Session::Latency> latency);
  const Diagnostics& diagnostics() const { return diags_; }
  void addDiagnostics(const Diagnostics& diags);
  // The canonical graph's layer a diagnostic concerns, or empty.
  QString layerOf(const Diagnostic& d) const;

 Q_SIGNALS:
  // A new Session (open / load): every view re-reads everything.
  void reset();
  // The spec, an override or the evaluation changed (an edit, undo / redo, a finished job).
  void changed();
  void diagnosticsChanged();
  void busyChanged(bool busy);

 private:
  Status applyOverride(const std::string& layer, const LayerOverride& override);
  // Runs `change` (Session::setDataset calls) and pushes it as one undoable step when the
  // datasets differ afterwards; a failed change is rolled back.
  Status changeDatasets(const QString& text, const std::function<Status()>& change);
  Status restoreDatasets(const Session::DatasetsSnapshot& snapshot);
  void setModified(bool modified);
  void replaceSession(Session session, const QString& projectPath, Diagnostics diags);

  Session session_;
  QUndoStack undo_;
  QString projectPath_;
  std::optional<EvalReport> report_;
  std::vector<Session::Latency> latency_;
  Diagnostics diags_;
  bool busy_ = false;
  bool modified_ = false;
  bool autosaved_ = false;  // the autosave holds the current state
  QTimer autosaveTimer_;
};

}  // namespace eqw::gui
