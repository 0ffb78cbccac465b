// One undoable edit of a layer's manual override: keeps the override before and after, and sets
// one or the other through Session::setLayerOverride (an empty override clears it).
#pragma once

#include <eqw/session.h>

#include <QUndoCommand>

#include <functional>
#include <string>

namespace eqw::gui {

class SetOverrideCommand : public QUndoCommand {
 public:
  // `apply` sets an override on the session and reports its Status; the command calls it with
  // `after` on redo and `before` on undo. The first redo is skipped when `applied` (the caller
  // already made and checked the change before pushing).
  using Apply = std::function<Status(const std::string& layer, const LayerOverride& override)>;
  SetOverrideCommand(std::string layer, LayerOverride before, LayerOverride after, Apply apply, bool applied,
                     const QString& text);

  void undo() override;
  void redo() override;
  const std::string& layer() const { return layer_; }
  const LayerOverride& before() const { return before_; }
  const LayerOverride& after() const { return after_; }
  // The Status of the last undo / redo (an edit that no longer fits after a recalibration).
  const Status& lastStatus() const { return last_; }

 private:
  std::string layer_;
  LayerOverride before_, after_;
  Apply apply_;
  bool skipRedo_;
  Status last_;
};

}  // namespace eqw::gui
