#pragma once
// Runs espalier-cli (the binary under test, ESPALIER_CLI) as a separate process and collects its
// exit code and output; reads back what it wrote.
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <map>

namespace clitest {

struct Run {
    int exitCode = -1;  // -1 crashed, -2 timed out
    QString out;
    QString err;
};

inline Run cli(const QStringList& args, int timeoutMs = 300000)
{
    QProcess p;
    p.start(ESPALIER_CLI, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-2, {}, "timeout"};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// A whole file (empty when it cannot be read).
inline QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Every file under dir (hidden ones too, but not one named skip): relative path → SHA-1 of its bytes.
// With ownPathAsPlaceholder the folder's own path in the bytes counts as "<dir>", so two folders
// made alike compare equal though their manifests hold absolute paths.
inline std::map<QString, QByteArray> treeDigest(const QString& dir, bool ownPathAsPlaceholder, const QString& skip = {})
{
    std::map<QString, QByteArray> out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (!skip.isEmpty() && QFileInfo(path).fileName() == skip)
            continue;
        QByteArray bytes = readAll(path);
        if (ownPathAsPlaceholder)
            bytes.replace(QDir(dir).absolutePath().toUtf8(), "<dir>");
        out[QDir(dir).relativeFilePath(path)] = QCryptographicHash::hash(bytes, QCryptographicHash::Sha1);
    }
    return out;
}

} // namespace clitest
