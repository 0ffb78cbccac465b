#include "screenshot.h"

#include "main_window.h"

#include "layers/layer_table_model.h"
#include "layers/layer_table_view.h"

#include <QApplication>
#include <QPixmap>

#include <cstdio>

namespace eqw::gui {

int renderScreenshot(const QString& file, const QString& project) {
  MainWindow window;
  if (!project.isEmpty()) {
    Status s = window.openProjectFile(project, /*quiet=*/true);
    if (!s.isOk()) {
      std::fprintf(stderr, "eq-workbench: %s\n", s.message().c_str());
      return 1;
    }
  }
  window.resize(1280, 800);
  window.show();
  if (!window.layerModel()->rows().empty())
    window.layerView()->selectLayer(QString::fromStdString(window.layerModel()->rows().front().name));
  QApplication::processEvents();
  const QPixmap pixmap = window.grab();
  if (pixmap.isNull() || !pixmap.save(file, "PNG")) {
    std::fprintf(stderr, "eq-workbench: could not write the screenshot %s\n", file.toLocal8Bit().constData());
    return 1;
  }
  return 0;
}

}  // namespace eqw::gui
