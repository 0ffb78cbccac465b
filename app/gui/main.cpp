// eq-workbench: the desktop quantization workbench.
//   eq-workbench [MODEL | PROJECT.eqw]
//   eq-workbench --screenshot FILE [PROJECT.eqw]   render the main window to a PNG and exit
#include "main_window.h"
#include "screenshot.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QLocale>
#include <QTranslator>

#include <cstdlib>

int main(int argc, char** argv) {
  // A screenshot needs no display: fall back to the offscreen platform when there is none.
  bool screenshot = false;
  for (int i = 1; i < argc; ++i) screenshot |= QByteArray(argv[i]) == "--screenshot";
  if (screenshot && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY") &&
      qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
    qputenv("QT_QPA_PLATFORM", "offscreen");

  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("EQWorkbench"));
  QApplication::setApplicationName(QStringLiteral("eq-workbench"));
  QApplication::setApplicationVersion(QStringLiteral("0.1.0"));
  // The user's language when translations/ has it (compiled in under :/i18n); English otherwise.
  QTranslator translator;
  if (translator.load(QLocale(), QStringLiteral("eqworkbench"), QStringLiteral("_"), QStringLiteral(":/i18n")))
    QApplication::installTranslator(&translator);

  QCommandLineParser parser;
  parser.setApplicationDescription(QApplication::translate("main", "Post-training quantization workbench for CNNs"));
  parser.addHelpOption();
  parser.addVersionOption();
  QCommandLineOption shot(QStringLiteral("screenshot"), QApplication::translate("main", "Render the main window to a PNG and exit."),
                          QApplication::translate("main", "FILE"));
  parser.addOption(shot);
  parser.addPositionalArgument(QStringLiteral("file"), QApplication::translate("main", "A model or a project (.eqw) to open."));
  parser.process(app);
  const QStringList files = parser.positionalArguments();
  const QString file = files.isEmpty() ? QString() : files.first();

  if (parser.isSet(shot)) return eqw::gui::renderScreenshot(parser.value(shot), file);

  eqw::gui::MainWindow window;
  window.show();
  if (!file.isEmpty()) {
    if (QFileInfo(file).suffix().compare(QLatin1String("eqw"), Qt::CaseInsensitive) == 0) (void)window.openProjectFile(file);
    else (void)window.openModelFile(file);
  }
  return app.exec();
}
