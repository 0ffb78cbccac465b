// "Save plot as…" for every QCustomPlot in the workbench: PNG and PDF (QCustomPlot's own
// writers) and SVG (Qt6Svg's QSvgGenerator).
#pragma once

#include <QString>

class QCustomPlot;
class QWidget;

namespace eqw::widgets {

// The file dialog's filter list for plots.
QString plotFileFilter();
// Writes the plot by the file's suffix (png, pdf, svg; none: png). False with `error` set on failure.
bool savePlot(QCustomPlot* plot, const QString& path, QString* error = nullptr);
// Gives `plot` a context menu with "Save plot as…", asking for a file relative to `parent`.
void addSavePlotMenu(QCustomPlot* plot);

}  // namespace eqw::widgets
