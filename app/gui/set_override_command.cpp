#include "set_override_command.h"

namespace eqw::gui {

SetOverrideCommand::SetOverrideCommand(std::string layer, LayerOverride before, LayerOverride after, Apply apply,
                                       bool applied, const QString& text)
    : QUndoCommand(text), layer_(std::move(layer)), before_(std::move(before)), after_(std::move(after)),
      apply_(std::move(apply)), skipRedo_(applied) {}

void SetOverrideCommand::undo() { last_ = apply_(layer_, before_); }

void SetOverrideCommand::redo() {
  if (skipRedo_) {
    skipRedo_ = false;
    return;
  }
  last_ = apply_(layer_, after_);
}

}  // namespace eqw::gui
