#include "dataset/set_preprocess_command.h"

#include <QCoreApplication>
#include <QUndoStack>

namespace eqw::widgets {

SetPreprocessCommand::SetPreprocessCommand(Preprocess before, Preprocess after, Apply apply, bool applied,
                                           const QString& text)
    : QUndoCommand(text), before_(before), after_(after), apply_(std::move(apply)), skipRedo_(applied) {}

Status SetPreprocessCommand::applyAndPush(QUndoStack* stack, const Preprocess& before, const Preprocess& after,
                                          const Apply& apply) {
  if (toString(before) == toString(after)) return Status::ok();
  // Copies first: `before` may be the Session's own settings, which apply() overwrites.
  const Preprocess old = before, now = after;
  EQW_RETURN_IF_ERROR(apply(now));
  const QString text = QCoreApplication::translate("eqw::widgets::SetPreprocessCommand", "Set preprocessing to %1")
                           .arg(QString::fromStdString(toString(now)));
  stack->push(new SetPreprocessCommand(old, now, apply, /*applied=*/true, text));
  return Status::ok();
}

void SetPreprocessCommand::undo() { last_ = apply_(before_); }

void SetPreprocessCommand::redo() {
  if (skipRedo_) {
    skipRedo_ = false;
    return;
  }
  last_ = apply_(after_);
}

}  // namespace eqw::widgets
