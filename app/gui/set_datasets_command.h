// One undoable change of the calibration or evaluation images (a folder, a list, or their
// preprocessing). It keeps the Session's datasets together with the statistics cached for them
// (Session::DatasetsSnapshot) on both sides, so undoing a folder change gives back the old
// folder's statistics instead of asking for another calibration run.
#pragma once

#include <eqw/session.h>

#include <QUndoCommand>

#include <functional>

namespace eqw::gui {

class SetDatasetsCommand : public QUndoCommand {
 public:
  using Snapshot = Session::DatasetsSnapshot;
  // `restore` puts a snapshot back (Session::restoreDatasets and the views' update); `capture`
  // takes one of the state now. The change was made before the push: the first redo does nothing.
  using Restore = std::function<Status(const Snapshot&)>;
  using Capture = std::function<Snapshot()>;
  SetDatasetsCommand(Snapshot before, Snapshot after, Restore restore, Capture capture, const QString& text);

  // Statistics collected after the change belong to its side: undo captures them into `after`
  // (and redo the other side's into `before`) before switching, so no calibration run is lost.
  void undo() override;
  void redo() override;
  const Status& lastStatus() const { return last_; }

 private:
  Snapshot before_, after_;
  Restore restore_;
  Capture capture_;
  bool skipRedo_ = true;
  Status last_;
};

}  // namespace eqw::gui
