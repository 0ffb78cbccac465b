// eq-workbench --screenshot FILE [PROJECT.eqw]: the main window (with the project open and its
// first layer selected) rendered to a PNG, for the documentation and the tests.
#pragma once

#include <QString>

namespace eqw::gui {

// Returns 0 on success; otherwise prints the reason on stderr and returns 1.
int renderScreenshot(const QString& file, const QString& project);

}  // namespace eqw::gui
