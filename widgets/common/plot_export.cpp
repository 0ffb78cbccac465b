#include "common/plot_export.h"

#include <qcustomplot.h>

#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSvgGenerator>

namespace eqw::widgets {

QString plotFileFilter() {
  return QObject::tr("PNG image (*.png);;PDF document (*.pdf);;SVG image (*.svg)");
}

namespace {

// QCustomPlot has no SVG writer of its own: paint it onto Qt's SVG generator, at its size on screen.
bool saveSvg(QCustomPlot* plot, const QString& path) {
  const int w = plot->width() > 0 ? plot->width() : 640, h = plot->height() > 0 ? plot->height() : 480;
  QSvgGenerator generator;
  generator.setFileName(path);
  generator.setSize(QSize(w, h));
  generator.setViewBox(QRect(0, 0, w, h));
  generator.setTitle(QFileInfo(path).completeBaseName());
  QCPPainter painter;
  if (!painter.begin(&generator)) return false;
  plot->toPainter(&painter, w, h);
  return painter.end() && QFileInfo(path).size() > 0;
}

}  // namespace

bool savePlot(QCustomPlot* plot, const QString& path, QString* error) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  bool ok = false;
  if (suffix == QLatin1String("pdf")) ok = plot->savePdf(path);
  else if (suffix == QLatin1String("svg")) ok = saveSvg(plot, path);
  else if (suffix.isEmpty() || suffix == QLatin1String("png")) ok = plot->savePng(suffix.isEmpty() ? path + QStringLiteral(".png") : path);
  else {
    if (error) *error = QObject::tr("%1: unsupported plot format '%2' (use .png, .pdf or .svg)").arg(path, suffix);
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
    QString filter;
    QString path = QFileDialog::getSaveFileName(plot, QObject::tr("Save plot"), QString(), plotFileFilter(), &filter);
    if (path.isEmpty()) return;
    // A name typed without a suffix takes the chosen filter's ("*.svg)" -> ".svg").
    if (QFileInfo(path).suffix().isEmpty() && filter.contains(QLatin1String("*.")))
      path += filter.mid(filter.lastIndexOf(QLatin1String("*.")) + 1).chopped(1);
    QString error;
    if (!savePlot(plot, path, &error)) QMessageBox::warning(plot, QObject::tr("Save plot"), error);
  });
}

}  // namespace eqw::widgets
