#include "screenshots.h"

#include "main_window.h"
#include "pages/data_page.h"
#include "pages/page.h"

#include <QApplication>
#include <QDir>
#include <QRegularExpression>
#include <QTimer>

#include <memory>

namespace espalier::app {

namespace {
constexpr int kSettleMs = 1500;  // lets background loading (stats, plots) finish before a grab

QString fileName(int index, const QString& title)
{
    QString slug = title.toLower();
    slug.replace(QRegularExpression("[^a-z0-9]+"), "-");
    return QStringLiteral("%1-%2.png").arg(index + 1, 2, 10, QChar('0')).arg(slug);
}
} // namespace

void captureScreenshots(widgets::MainWindow& window, const QString& dir)
{
    QDir().mkpath(dir);
    auto step = std::make_shared<int>(0);
    auto timer = new QTimer(&window);
    timer->setInterval(kSettleMs);
    QObject::connect(timer, &QTimer::timeout, &window, [&window, dir, step, timer] {
        const int pageCount = widgets::MainWindow::PageCount;
        const int i = (*step)++;
        if (i > 0 && i <= pageCount) {
            // Grab the page shown during the previous interval.
            const QString name = fileName(i - 1, window.page(i - 1)->title());
            if (!window.grab().save(QDir(dir).filePath(name)))
                qWarning("cannot write %s", qPrintable(name));
        }
        if (i < pageCount) {
            window.showPage(i);
            if (i == widgets::MainWindow::DataPageId) {
                // Show an utterance once the split's list has loaded.
                auto* data = static_cast<widgets::DataPage*>(window.page(i));
                QTimer::singleShot(kSettleMs / 2, data, [data] { data->selectUtteranceRow(0); });
            }
        } else if (i == pageCount) {
            window.setLanguage(QStringLiteral("zh_CN"));
            window.showPage(widgets::MainWindow::DataPageId);
        } else {
            window.grab().save(QDir(dir).filePath(QStringLiteral("zh-data.png")));
            window.setLanguage(QStringLiteral("en"));
            timer->stop();
            QCoreApplication::exit(0);
        }
    });
    timer->start();
}

} // namespace espalier::app
