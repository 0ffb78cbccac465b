// MainWindow: a dropped model file opens it, a dropped project opens the project, a dropped
// folder of images becomes the calibration set (with the current preprocessing).
#include "main_window.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QMimeData>

namespace eqw::gui {

namespace {

QString droppedPath(const QMimeData* mime) {
  if (!mime || !mime->hasUrls() || mime->urls().size() != 1 || !mime->urls().first().isLocalFile()) return {};
  return mime->urls().first().toLocalFile();
}

}  // namespace

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (!doc_.busy() && !droppedPath(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QString path = droppedPath(event->mimeData());
  if (path.isEmpty() || doc_.busy()) return;
  event->acceptProposedAction();
  const QFileInfo info(path);
  if (info.isDir()) {
    if (!doc_.session().isOpen()) {
      showError(tr("Calibration folder"), invalidArgument(tr("Open a model before dropping an image folder.").toStdString()));
      return;
    }
    (void)useCalibrationFolder(path, doc_.defaultPreprocess());
  } else if (info.suffix().compare(QLatin1String("eqw"), Qt::CaseInsensitive) == 0) {
    (void)openProjectFile(path);
  } else {
    (void)openModelFile(path);
  }
}

}  // namespace eqw::gui
