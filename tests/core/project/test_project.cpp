// Project folders: create/open round trip, relative corpus paths, malformed files named with line.
#include "core/project/project.h"
#include "core/runtime/error.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace espalier;
using espalier::project::Project;

class TestProject : public QObject {
    Q_OBJECT
private slots:
    void createAndReopen()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.filePath("p").toStdString();
        Project p = Project::create(dir, "Mandarin 310M");
        p.addCorpus("demo", dir + "/corpora/demo");
        p.addCorpus("aishell", "/data/aishell", "aishell");
        p.config().sampleRate = 8000;
        p.save();
        QVERIFY(QFile::exists(QString::fromStdString(dir + "/runs")));

        const Project q = Project::open(dir);
        QCOMPARE(q.config().name, std::string("Mandarin 310M"));
        QCOMPARE(q.config().sampleRate, 8000);
        QCOMPARE(q.config().corpora.size(), size_t(2));
        QCOMPARE(q.config().corpora[0].path, std::string("corpora/demo"));  // stored relative
        QCOMPARE(q.absoluteCorpusPath(q.config().corpora[0]), q.dir() + "/corpora/demo");
        QCOMPARE(q.config().corpora[1].path, std::string("/data/aishell"));
        QCOMPARE(q.config().corpora[1].format, std::string("aishell"));
        // Opening the file itself works too.
        QCOMPARE(Project::open(q.filePath()).dir(), q.dir());
    }

    void refusesToOverwriteOrDuplicate()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        Project p = Project::create(dir, "a");
        QVERIFY_THROWS_EXCEPTION(InputError, Project::create(dir, "b"));
        p.addCorpus("c", "/x");
        QVERIFY_THROWS_EXCEPTION(InputError, p.addCorpus("c", "/y"));
    }

    void malformedFilesNameFileAndLine_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("yaml syntax") << QByteArray("name: x\ncorpora: [\n") << ":3:";
        QTest::newRow("no name") << QByteArray("corpora: []\n") << "'name'";
        QTest::newRow("corpora not list") << QByteArray("name: x\ncorpora: 3\n") << "must be a list";
        QTest::newRow("corpus without path") << QByteArray("name: x\ncorpora:\n  - name: a\n") << ":3: a corpus needs";
        QTest::newRow("duplicate corpus") << QByteArray("name: x\ncorpora:\n  - {name: a, path: b}\n  - {name: a, path: c}\n") << "used twice";
        QTest::newRow("bad rate type") << QByteArray("name: x\ndefaults:\n  sample_rate: fast\n") << "sample_rate";
        QTest::newRow("newer format") << QByteArray("espalier_project: 99\nname: x\n") << "newer";
        QTest::newRow("not a map") << QByteArray("- 1\n- 2\n") << "mapping";
    }
    void malformedFilesNameFileAndLine()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir tmp;
        QFile f(tmp.filePath("espalier-project.yaml"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        try {
            Project::open(tmp.path().toStdString());
            QFAIL("expected FormatError");
        } catch (const FormatError& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.contains("espalier-project.yaml"), qPrintable(message));
            QVERIFY2(message.contains(expected), qPrintable(message));
        }
    }

    void missingProjectIsIoError()
    {
        QTemporaryDir tmp;
        QVERIFY_THROWS_EXCEPTION(IoError, Project::open(tmp.path().toStdString()));
    }
};

QTEST_APPLESS_MAIN(TestProject)
#include "test_project.moc"
