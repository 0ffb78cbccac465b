// One open model: the eqw::Session with everything derived from it, the undo stack of the user's
// edits, the project file it came from, the last evaluation and the diagnostics to list. Opening a
// model or a project builds a new Session first and only replaces the current one on success, so a
// failed open leaves the Document as it was. The Session's address never changes (widgets keep a
// pointer to it); its contents are swapped by move.
#pragma once

#include <eqw/session.h>

#include <QObject>
#include <QString>
#include <QUndoStack>

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

  Status openModel(const QString& path);
  Status openProject(const QString& path);
  // Saves the project (atomically, by the engine) and remembers the path; marks the undo stack clean.
  Status saveProject(const QString& path);
  // Sets the calibration images; the evaluation images follow them until set apart.
  Status setCalibrationFolder(const QString& source, const Preprocess& preprocess);
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
  void replaceSession(Session session, const QString& projectPath, Diagnostics diags);

  Session session_;
  QUndoStack undo_;
  QString projectPath_;
  std::optional<EvalReport> report_;
  Diagnostics diags_;
  bool busy_ = false;
};

}  // namespace eqw::gui
