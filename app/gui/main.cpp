// eq-workbench: the desktop quantization workbench.
//   eq-workbench [MODEL | PROJECT.eqw]
//   eq-workbench --screenshot FILE [PROJECT.eqw]   render the main window to a PNG and exit
//   eq-workbench --run STEPS [--screenshots DIR] PROJECT.eqw
//                                                  click through STEPS (calibrate,easyquant,evaluate,
//                                                  benchmark,save), a screenshot after each, and exit
#include "autorun.h"
#include "main_window.h"
#include "screenshot.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QLocale>
#include <QTranslator>

#include <cstdio>
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
  QCommandLineOption run(QStringLiteral("run"),
                         QApplication::translate("main", "Trigger these menu actions in order (%1), then exit.")
                             .arg(eqw::gui::autorunSteps().join(QStringLiteral(","))),
                         QApplication::translate("main", "STEPS"));
  QCommandLineOption shots(QStringLiteral("screenshots"), QApplication::translate("main", "With --run: a PNG of the window after each step."),
                           QApplication::translate("main", "DIR"));
  parser.addOption(run);
  parser.addOption(shots);
  parser.addPositionalArgument(QStringLiteral("file"), QApplication::translate("main", "A model or a project (.eqw) to open."));
  parser.process(app);
  const QStringList files = parser.positionalArguments();
  const QString file = files.isEmpty() ? QString() : files.first();

  if (parser.isSet(shot)) return eqw::gui::renderScreenshot(parser.value(shot), file);

  const bool autorun = parser.isSet(run);
  const bool project = QFileInfo(file).suffix().compare(QLatin1String("eqw"), Qt::CaseInsensitive) == 0;
  eqw::gui::MainWindow window;
  if (autorun) {
    window.setUnattended(true);
    window.resize(1400, 900);
  }
  window.show();
  if (!file.isEmpty()) {
    // Unattended runs report errors on stderr and never wait for a dialog.
    const eqw::Status s = project ? window.openProjectFile(file, autorun) : window.openModelFile(file, autorun);
    if (autorun && !s.isOk()) {
      std::fprintf(stderr, "eq-workbench: %s\n", s.message().c_str());
      return 1;
    }
  }
  if (autorun) return eqw::gui::runSteps(window, parser.value(run).split(QLatin1Char(','), Qt::SkipEmptyParts), parser.value(shots));
  return app.exec();
}
