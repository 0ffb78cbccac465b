#include "common/plot_export.h"

#include <qcustomplot.h>

#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>

namespace eqw::widgets {

QString plotFileFilter() { return QObject::tr("PNG image (*.png);;PDF document (*.pdf)"); }

bool savePlot(QCustomPlot* plot, const QString& path, QString* error) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  bool ok = false;
  if (suffix == QLatin1String("pdf")) ok = plot->savePdf(path);
  else if (suffix.isEmpty() || suffix == QLatin1String("png")) ok = plot->savePng(suffix.isEmpty() ? path + QStringLiteral(".png") : path);
  else {
    if (error) *error = QObject::tr("%1: unsupported plot format '%2' (use .png or .pdf)").arg(path, suffix);
    return false;
  }
  if (!ok && error) *error = QObject::tr("%1: could not write the plot").arg(path);
  return ok;
}

void addSavePlotMenu(QCustomPlot* plot) {
  plot->setContextMenuPolicy(Qt::CustomContextMenu);
  QObject::connect(plot, &QWidget::customContextMenuRequested, plot, [plot](const QPoint& pos) {
    QMenu menu(plot);
    QAction* save = menu.addAction(QObject::tr("Save plot as…"));
    if (menu.exec(plot->mapToGlobal(pos)) != save) return;
    const QString path = QFileDialog::getSaveFileName(plot, QObject::tr("Save plot"), QString(), plotFileFilter());
    if (path.isEmpty()) return;
    QString error;
    if (!savePlot(plot, path, &error)) QMessageBox::warning(plot, QObject::tr("Save plot"), error);
  });
}

}  // namespace eqw::widgets
