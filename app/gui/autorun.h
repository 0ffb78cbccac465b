// eq-workbench --run STEPS [--screenshots DIR] [PROJECT]: the workbench driven through its own
// menu actions, one step after the other, as a user clicking them would (calibrate, easyquant,
// evaluate, benchmark, save). Each job runs on the worker as usual while the event loop turns;
// after each step the window is saved as DIR/NN-STEP.png. Used by the Xvfb end-to-end test and to
// make the documentation's screenshots.
#pragma once

#include <QString>
#include <QStringList>

namespace eqw::gui {

class MainWindow;

// The step names --run accepts, in the order a user would usually take them.
QStringList autorunSteps();

// Runs `steps` on a shown window. Returns 0 when every step ran and its job succeeded; otherwise
// prints which step failed and why on stderr and returns 1.
int runSteps(MainWindow& window, const QStringList& steps, const QString& screenshotDir);

}  // namespace eqw::gui
