// espalier: the workbench.
#include "app/gui/screenshots.h"
#include "core/model/torch_setup.h"
#include "core/project/project.h"
#include "core/train/run_info.h"
#include "widgets/app_settings.h"
#include "widgets/language.h"
#include "widgets/main_window.h"
#include "widgets/pages/project_page.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QLocale>

using namespace espalier;

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("Espalier");
    QApplication::setOrganizationName("Espalier");
    QApplication::setApplicationVersion(ESPALIER_VERSION);
    // Runs launched here record it (run.json): the engine has no Qt to ask.
    espalier::train::setFrontEnd(std::string("espalier (Qt ") + qVersion() + ")");

    QCommandLineParser parser;
    parser.setApplicationDescription("Espalier: a workbench for compressing, training and deploying speech models.");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption projectOption("project", "Open the project folder <dir>.", "dir");
    QCommandLineOption demoOption("demo", "Open the demo project, creating it (and synthesising its corpus) first if needed.");
    QCommandLineOption demoDirOption("demo-dir", "Where the demo project lives (default: the application data folder).", "dir");
    QCommandLineOption demoSizeOption("demo-utterances", "Size of a newly synthesised demo corpus.", "n", "2000");
    QCommandLineOption languageOption("language", "User-interface language: en or zh_CN.", "code");
    QCommandLineOption screenshotsOption("screenshots", "Save a screenshot of every page into <dir>, then quit.", "dir");
    parser.addOptions({projectOption, demoOption, demoDirOption, demoSizeOption, languageOption, screenshotsOption});
    parser.process(app);

    model::configureTorchThreads();

    widgets::AppSettings settings;
    QString language = parser.value(languageOption);
    if (language.isEmpty())
        language = settings.language();
    if (language.isEmpty())
        language = QLocale::system().name().startsWith("zh") ? QStringLiteral("zh_CN") : QStringLiteral("en");
    widgets::applyLanguage(language);

    widgets::MainWindow window;
    window.show();

    auto afterProjectLoaded = [&] {
        if (parser.isSet(screenshotsOption))
            app::captureScreenshots(window, parser.value(screenshotsOption));
    };

    if (parser.isSet(demoOption)) {
        const QString dir = parser.isSet(demoDirOption) ? parser.value(demoDirOption)
                                                        : widgets::AppSettings::defaultDemoProjectDir();
        const bool ready = project::Project::isProject(dir.toStdString())
                           && QDir(dir).exists(QStringLiteral("corpora/demo/synth.json"));
        if (ready) {
            window.openProject(dir);
            window.showPage(widgets::MainWindow::DataPageId);
            afterProjectLoaded();
        } else {
            window.showPage(widgets::MainWindow::ProjectPageId);
            widgets::ProjectPage* page = window.projectPage();
            QObject::connect(page, &widgets::ProjectPage::openProjectRequested, &window, [&] { afterProjectLoaded(); },
                             Qt::QueuedConnection);
            page->createDemoProject(dir, parser.value(demoSizeOption).toInt());
        }
    } else {
        if (parser.isSet(projectOption))
            window.openProject(parser.value(projectOption));
        else if (!settings.recentProjects().isEmpty())
            window.openProject(settings.recentProjects().first());
        afterProjectLoaded();
    }
    return app.exec();
}
