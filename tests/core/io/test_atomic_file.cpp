#include "core/io/atomic_file.h"
#include "core/runtime/error.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <cerrno>
#include <fcntl.h>
#include <fstream>
#include <set>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace espalier;

namespace {

std::string pathIn(const QTemporaryDir& dir, const char* name) { return dir.filePath(name).toStdString(); }

QStringList entries(const QTemporaryDir& dir)
{
    return QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
}

void writePlain(const std::string& path, const std::string& content)
{
    std::ofstream(path, std::ios::binary) << content;
}

} // namespace

class TestAtomicFile : public QObject {
    Q_OBJECT

private slots:
    void writesAndReadsBack_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("text") << QByteArray("name: demo\nruns: []\n");
        QTest::newRow("binary with NULs") << QByteArray("\x00\x01\xff\x00zz", 6);
        QTest::newRow("200 KiB") << QByteArray(200 * 1024, 'x');
    }
    void writesAndReadsBack()
    {
        QFETCH(QByteArray, content);
        QTemporaryDir dir;
        const std::string path = pathIn(dir, "out.bin");
        const std::string data(content.constData(), size_t(content.size()));
        io::writeFileAtomic(path, data);
        QCOMPARE(io::readFile(path), data);
        QCOMPARE(entries(dir), QStringList{"out.bin"});
    }

    void replacesExistingFile()
    {
        QTemporaryDir dir;
        const std::string path = pathIn(dir, "config.yaml");
        writePlain(path, "old content that is longer than the new one\n");
        ::chmod(path.c_str(), 0640);
        io::writeFileAtomic(path, "new\n");
        QCOMPARE(io::readFile(path), std::string("new\n"));
        struct stat st;
        QCOMPARE(::stat(path.c_str(), &st), 0);
        QCOMPARE(int(st.st_mode & 0777), 0640);  // the replaced file keeps its permissions
        QCOMPARE(entries(dir), QStringList{"config.yaml"});
    }

    void throwingWriterLeavesOldFileAndNoTemp()
    {
        QTemporaryDir dir;
        const std::string path = pathIn(dir, "model.espm");
        writePlain(path, "good model");
        std::string seenTmp;
        bool caught = false;
        try {
            io::writeAtomicWith(path, [&](const std::string& tmp) {
                seenTmp = tmp;
                writePlain(tmp, "half a mod");
                throw std::runtime_error("disk full (simulated)");
            });
        } catch (const std::runtime_error& e) {
            caught = true;
            QCOMPARE(std::string(e.what()), std::string("disk full (simulated)"));  // propagated unchanged
        }
        QVERIFY(caught);
        QCOMPARE(io::readFile(path), std::string("good model"));
        QCOMPARE(entries(dir), QStringList{"model.espm"});
        // The temporary file was beside the target, hidden, and named after it.
        QCOMPARE(QFileInfo(QString::fromStdString(seenTmp)).absolutePath(), QDir(dir.path()).absolutePath());
        QVERIFY(QFileInfo(QString::fromStdString(seenTmp)).fileName().startsWith(".model.espm.tmp-"));
    }

    void writerGetsAnEmptyLockedTemporary()
    {
        QTemporaryDir dir;
        const std::string path = pathIn(dir, "results.json");
        bool locked = false;
        long long size = -1;
        io::writeAtomicWith(path, [&](const std::string& tmp) {
            struct stat st;
            size = ::stat(tmp.c_str(), &st) == 0 ? (long long)st.st_size : -1;
            const int fd = ::open(tmp.c_str(), O_RDONLY);
            locked = fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
            ::close(fd);
            writePlain(tmp, "{}");
        });
        QCOMPARE(size, 0LL);
        QVERIFY(locked);
        QCOMPARE(io::readFile(path), std::string("{}"));
    }

    // A writer killed mid-write leaves its temporary; the next process's first write into the
    // folder removes it, but never the temporary of a writer that still holds its lock.
    void aKilledWritersTemporaryIsSweptLater()
    {
        QTemporaryDir dir;
        const std::string path = pathIn(dir, "model.pt");
        const pid_t child = ::fork();
        if (child == 0) {
            io::writeAtomicWith(path, [](const std::string& tmp) {
                writePlain(tmp, "half a checkpoint");
                ::_exit(9);  // as if killed
            });
            ::_exit(0);
        }
        int status = 0;
        ::waitpid(child, &status, 0);
        QCOMPARE(WEXITSTATUS(status), 9);
        QCOMPARE(entries(dir).size(), 1);
        QVERIFY(entries(dir).front().startsWith(".model.pt.tmp-" + QString::number(child) + "-"));

        // A temporary of another dead pid that is still locked (a writer in another pid namespace).
        const std::string held = pathIn(dir, (".other.pt.tmp-" + std::to_string(child) + "-7").c_str());
        const int fd = ::open(held.c_str(), O_WRONLY | O_CREAT, 0644);
        QVERIFY(fd >= 0 && ::flock(fd, LOCK_EX) == 0);
        const pid_t reader = ::fork();  // this process swept nothing here yet; a fresh one checks
        if (reader == 0) {
            io::writeFileAtomic(pathIn(dir, "notes.txt"), "x");
            ::_exit(0);
        }
        ::waitpid(reader, &status, 0);
        ::close(fd);
        const QStringList left = entries(dir);
        QCOMPARE(left, (QStringList{QString::fromStdString(held).section('/', -1), "notes.txt"}));
    }

    void missingFolderNamesThePath()
    {
        QTemporaryDir dir;
        const std::string path = pathIn(dir, "no/such/folder/file.txt");
        try {
            io::writeFileAtomic(path, "x");
            QFAIL("expected IoError");
        } catch (const IoError& e) {
            const std::string msg = e.what();
            QVERIFY2(msg.find(path) != std::string::npos, msg.c_str());
            QVERIFY2(msg.find("No such file or directory") != std::string::npos, msg.c_str());
        }
        QVERIFY(entries(dir).isEmpty());
    }

    void targetIsFolderFailsCleanly()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkdir("taken"));
        const std::string path = pathIn(dir, "taken");
        try {
            io::writeFileAtomic(path, "x");
            QFAIL("expected IoError");
        } catch (const IoError& e) {
            QVERIFY2(std::string(e.what()).find(path) != std::string::npos, e.what());
        }
        QCOMPARE(entries(dir), QStringList{"taken"});
    }

    void readMissingFileNamesThePath()
    {
        QTemporaryDir dir;
        const std::string path = pathIn(dir, "absent.txt");
        try {
            io::readFile(path);
            QFAIL("expected IoError");
        } catch (const IoError& e) {
            QVERIFY2(std::string(e.what()).find(path) != std::string::npos, e.what());
        }
        QVERIFY_THROWS_EXCEPTION(IoError, io::readFile(dir.path().toStdString()));  // a folder is not a file
    }

    void concurrentWritersUseDistinctTemps()
    {
        QTemporaryDir dir;
        const std::string path = pathIn(dir, "shared.txt");
        std::set<std::string> written;
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t) {
            const std::string content(1000 + t, char('a' + t));
            written.insert(content);
            threads.emplace_back([path, content] {
                for (int i = 0; i < 25; ++i) io::writeFileAtomic(path, content);
            });
        }
        for (auto& th : threads) th.join();
        QVERIFY(written.count(io::readFile(path)) == 1);  // one writer's whole content, never a mix
        QCOMPARE(entries(dir), QStringList{"shared.txt"});
    }
};

QTEST_GUILESS_MAIN(TestAtomicFile)
#include "test_atomic_file.moc"
