// Shell quoting: what the GUI shows as a command and what a device's shell is handed.
#include "core/job/shell_quote.h"

#include <QStringList>
#include <QTest>

using namespace espalier;

class TestShellQuote : public QObject {
    Q_OBJECT
private slots:
    void shellJoinQuotes_data()
    {
        QTest::addColumn<QStringList>("argv");
        QTest::addColumn<QString>("joined");
        QTest::newRow("plain") << QStringList{"espalier-cli", "corpus", "stats", "/a/b"} << "espalier-cli corpus stats /a/b";
        QTest::newRow("space") << QStringList{"ls", "my dir"} << "ls 'my dir'";
        QTest::newRow("quote") << QStringList{"echo", "it's"} << "echo 'it'\\''s'";
        QTest::newRow("empty") << QStringList{"x", ""} << "x ''";
        QTest::newRow("dollar") << QStringList{"x", "$HOME"} << "x '$HOME'";
        QTest::newRow("assignment") << QStringList{"A=1", "--k=v"} << "'A=1' --k=v";
    }
    void shellJoinQuotes()
    {
        QFETCH(QStringList, argv);
        QFETCH(QString, joined);
        std::vector<std::string> args;
        for (const auto& a : argv)
            args.push_back(a.toStdString());
        QCOMPARE(QString::fromStdString(job::shellJoin(args)), joined);
    }
};

QTEST_APPLESS_MAIN(TestShellQuote)
#include "test_shell_quote.moc"
