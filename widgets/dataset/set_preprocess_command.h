// One undoable change of the calibration set's preprocessing: keeps the settings before and after
// and sets one or the other through `apply` (the caller's Session::setDataset, which drops the
// cached statistics when they change).
#pragma once

#include <eqw/data.h>

#include <QUndoCommand>

#include <functional>

class QUndoStack;

namespace eqw::widgets {

class SetPreprocessCommand : public QUndoCommand {
 public:
  using Apply = std::function<Status(const Preprocess& p)>;
  // The first redo is skipped when `applied` (the caller already made and checked the change).
  SetPreprocessCommand(Preprocess before, Preprocess after, Apply apply, bool applied, const QString& text);

  // Applies `after` and, when that worked, pushes the (already applied) command on `stack`; on
  // error nothing is pushed and the error is returned. Ok and nothing pushed when nothing changes.
  static Status applyAndPush(QUndoStack* stack, const Preprocess& before, const Preprocess& after, const Apply& apply);

  void undo() override;
  void redo() override;
  const Preprocess& before() const { return before_; }
  const Preprocess& after() const { return after_; }
  const Status& lastStatus() const { return last_; }

 private:
  Preprocess before_, after_;
  Apply apply_;
  bool skipRedo_;
  Status last_;
};

}  // namespace eqw::widgets
