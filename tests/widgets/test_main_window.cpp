// The main window: sidebar navigation, opening projects, recent projects, run-time language switch.
#include "core/project/project.h"
#include "widgets/app_settings.h"
#include "widgets/language.h"
#include "widgets/main_window.h"
#include "widgets/pages/page.h"

#include <QApplication>
#include <QLabel>
#include <QListWidget>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWidget>

using namespace espalier;
using widgets::MainWindow;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName("EspalierTest");
        QApplication::setApplicationName("test_main_window");
    }
    void init() { widgets::applyLanguage("en"); }

    void hasAllPagesInOrder()
    {
        MainWindow window;
        auto* nav = window.findChild<QListWidget*>("navigation");
        QVERIFY(nav);
        const QStringList expected{"Project", "Data", "Augment", "Schedule", "Sensitivity", "Train",
                                   "Results", "Devices", "Reports"};
        QCOMPARE(nav->count(), expected.size());
        for (int i = 0; i < expected.size(); ++i)
            QCOMPARE(nav->item(i)->text(), expected[i]);
    }

    void clickingTheSidebarShowsThePage()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* nav = window.findChild<QListWidget*>("navigation");
        auto* stack = window.findChild<QStackedWidget*>("pages");
        for (int i = MainWindow::PageCount - 1; i >= 0; --i) {
            const QRect rect = nav->visualItemRect(nav->item(i));
            QTest::mouseClick(nav->viewport(), Qt::LeftButton, {}, rect.center());
            QCOMPARE(stack->currentIndex(), i);
            QCOMPARE(window.currentPage(), i);
            QCOMPARE(stack->currentWidget(), window.page(i));
        }
    }

    void opensProjectAndRemembersIt()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("proj");
        project::Project::create(path.toStdString(), "Test project");
        MainWindow window;
        QVERIFY(window.openProject(path));
        QVERIFY(window.project());
        QCOMPARE(QString::fromStdString(window.project()->config().name), QString("Test project"));
        QVERIFY(window.windowTitle().contains("Test project"));
        QCOMPARE(widgets::AppSettings().recentProjects().value(0), QDir(path).absolutePath());
        QCOMPARE(window.page(MainWindow::DataPageId)->project(), window.project());
    }

    void badProjectShowsErrorAndStaysUsable()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath("espalier-project.yaml"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("name: [unclosed\n");
        file.close();
        MainWindow window;
        QVERIFY(!window.openProject(dir.path()));
        // The error is shown without blocking (no nested event loop): it is open once we get back.
        QWidget* modal = nullptr;
        QTRY_VERIFY((modal = QApplication::activeModalWidget()) != nullptr);
        const QString shownError =
            modal->findChild<QLabel*>("qt_msgbox_label") ? modal->findChild<QLabel*>("qt_msgbox_label")->text() : "?";
        modal->close();
        QVERIFY2(shownError.contains("espalier-project.yaml"), qPrintable(shownError));
        QVERIFY(!window.project());
        window.showPage(MainWindow::DataPageId);
        QCOMPARE(window.currentPage(), int(MainWindow::DataPageId));
    }

    void switchesLanguageAtRunTime()
    {
        MainWindow window;
        auto* nav = window.findChild<QListWidget*>("navigation");
        window.setLanguage("zh_CN");
        QCOMPARE(widgets::currentLanguage(), QString("zh_CN"));
        QTRY_COMPARE(nav->item(MainWindow::DataPageId)->text(), QString::fromUtf8("数据"));
        QCOMPARE(widgets::AppSettings().language(), QString("zh_CN"));
        window.setLanguage("en");
        QTRY_COMPARE(nav->item(MainWindow::DataPageId)->text(), QString("Data"));
    }

    void translationCatalogueIsComplete()
    {
        QFile ts(QStringLiteral(ESPALIER_FIXTURES_DIR "/../../translations/espalier_zh_CN.ts"));
        QVERIFY(ts.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(ts.readAll());
        QVERIFY(text.count("<message") > 50);
        QVERIFY2(!text.contains("type=\"unfinished\""), "untranslated strings: run update_translations and translate them");
        QVERIFY(!text.contains("<translation></translation>"));
    }

    void restoresLastPage()
    {
        {
            MainWindow window;
            window.showPage(MainWindow::TrainPageId);
            window.close();
        }
        MainWindow again;
        QCOMPARE(again.currentPage(), int(MainWindow::TrainPageId));
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
