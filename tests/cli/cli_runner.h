#pragma once
// Runs espalier-cli (the binary under test, ESPALIER_CLI) as a separate process and collects its
// exit code and output.
#include <QProcess>
#include <QString>
#include <QStringList>

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

} // namespace clitest
