#include "set_datasets_command.h"

namespace eqw::gui {

SetDatasetsCommand::SetDatasetsCommand(Snapshot before, Snapshot after, Restore restore, Capture capture,
                                       const QString& text)
    : QUndoCommand(text),
      before_(std::move(before)),
      after_(std::move(after)),
      restore_(std::move(restore)),
      capture_(std::move(capture)) {}

void SetDatasetsCommand::undo() {
  after_ = capture_();
  last_ = restore_(before_);
}

void SetDatasetsCommand::redo() {
  if (skipRedo_) {
    skipRedo_ = false;
    return;
  }
  before_ = capture_();
  last_ = restore_(after_);
}

}  // namespace eqw::gui
