#pragma once
// Helpers shared by the page tests: a closer for the modal dialogs pages open with exec() (error
// boxes, command dialogs), and optional screenshots of a widget (ESPALIER_SCREENSHOT_DIR).
#include <QApplication>
#include <QDir>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QStringList>
#include <QTest>
#include <QTimer>

namespace widgettest {

// Closes every modal dialog while it lives and remembers error texts and commands.
class DialogCloser : public QObject {
public:
    explicit DialogCloser(QObject* parent = nullptr) : QObject(parent)
    {
        timer_.setInterval(20);
        QObject::connect(&timer_, &QTimer::timeout, this, [this] { poll(); });
        timer_.start();
    }
    QStringList errors;
    QStringList commands;
    int others = 0;

private:
    void poll()
    {
        QWidget* modal = QApplication::activeModalWidget();
        if (!modal)
            return;
        if (auto* box = qobject_cast<QMessageBox*>(modal); box && box->objectName() == "errorDialog") {
            errors << box->text() + "\n" + box->informativeText() + "\n" + box->detailedText();
            box->accept();
        } else if (auto* text = modal->findChild<QPlainTextEdit*>("commandText")) {
            commands << text->toPlainText();
            modal->close();
        } else {
            ++others;
            modal->close();
        }
    }
    QTimer timer_;
};

// Saves a PNG of widget into $ESPALIER_SCREENSHOT_DIR when it is set.
inline void saveScreenshot(QWidget* widget, const char* name)
{
    const QString dir = qEnvironmentVariable("ESPALIER_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(100);  // let the queued replots run
    QVERIFY(widget->grab().save(QDir(dir).filePath(name)));
}

} // namespace widgettest
