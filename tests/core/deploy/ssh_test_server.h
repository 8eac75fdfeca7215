#pragma once
// A real OpenSSH server on a loopback port for the deployment tests: throwaway host and client keys in
// a temporary folder, public-key login only, started and stopped by the test. As root it needs sshd's
// privilege-separation folder, which it creates; as any other user sshd runs unprivileged and logs in
// only as that user, which is all the tests need.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

namespace deploytest {

class SshTestServer {
public:
    static QString sshd() { return QStringLiteral("/usr/sbin/sshd"); }
    static bool available() { return QFile::exists(sshd()) && QFile::exists(QStringLiteral("/usr/bin/ssh-keygen")); }

    ~SshTestServer() { stop(); }

    // Makes the keys (once) and starts sshd; false with the reason on failure.
    bool start(QString* error)
    {
        if (!dir_.isValid() && error)
            *error = "no temporary folder";
        if (!QFile::exists(hostKey()) && !keygen(hostKey(), error))
            return false;
        if (!QFile::exists(clientKey())) {
            if (!keygen(clientKey(), error))
                return false;
            QFile::remove(dir_.filePath("authorized_keys"));
            QFile::copy(clientKey() + ".pub", dir_.filePath("authorized_keys"));
        }
        if (port_ == 0) {
            QTcpServer probe;
            probe.listen(QHostAddress::LocalHost, 0);
            port_ = probe.serverPort();
        }
        if (geteuid() == 0)
            QDir().mkpath("/run/sshd");
        QFile config(dir_.filePath("sshd_config"));
        config.open(QIODevice::WriteOnly | QIODevice::Truncate);
        config.write(QString("Port %1\nListenAddress 127.0.0.1\nHostKey %2\nAuthorizedKeysFile %3\n"
                             "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
                             "PidFile none\nPermitRootLogin prohibit-password\nMaxStartups 100\nMaxSessions 100\n")
                         .arg(port_)
                         .arg(hostKey(), dir_.filePath("authorized_keys"))
                         .toUtf8());
        config.close();
        server_ = std::make_unique<QProcess>();
        server_->setProcessChannelMode(QProcess::MergedChannels);
        server_->start(sshd(), {"-D", "-e", "-f", dir_.filePath("sshd_config")});
        if (!server_->waitForStarted(5000)) {
            if (error)
                *error = "sshd did not start";
            return false;
        }
        QByteArray log;
        for (int i = 0; i < 100 && !log.contains("Server listening"); ++i) {
            server_->waitForReadyRead(100);
            log += server_->readAll();
            if (server_->state() != QProcess::Running)
                break;
        }
        if (!log.contains("Server listening")) {
            if (error)
                *error = "sshd: " + QString::fromUtf8(log);
            stop();
            return false;
        }
        return true;
    }

    void stop()
    {
        if (!server_)
            return;
        killConnections();
        server_->kill();
        server_->waitForFinished(5000);
        server_.reset();
    }

    // A new host key, as a reinstalled board (or a man in the middle) would present.
    bool restartWithNewHostKey(QString* error)
    {
        stop();
        QFile::remove(hostKey());
        QFile::remove(hostKey() + ".pub");
        return start(error);
    }

    // Kills every connection's sshd: the client sees its connection drop.
    void killConnections()
    {
        if (!server_)
            return;
        for (const qint64 pid : descendants(server_->processId()))
            ::kill(pid_t(pid), SIGKILL);
    }

    int port() const { return port_; }
    // The login the server accepts: this process's user (an unprivileged sshd logs in no other).
    static QString user()
    {
        const passwd* pw = getpwuid(geteuid());
        return pw ? QString::fromLocal8Bit(pw->pw_name) : QStringLiteral("root");
    }
    QString clientKey() const { return dir_.filePath("client_key"); }
    QString path(const QString& name) const { return dir_.filePath(name); }

private:
    QString hostKey() const { return dir_.filePath("host_key"); }

    bool keygen(const QString& file, QString* error)
    {
        QProcess p;
        p.start("/usr/bin/ssh-keygen", {"-q", "-t", "ed25519", "-N", "", "-f", file});
        if (!p.waitForFinished(20000) || p.exitCode() != 0) {
            if (error)
                *error = "ssh-keygen failed: " + QString::fromUtf8(p.readAllStandardError());
            return false;
        }
        return true;
    }

    static QList<qint64> descendants(qint64 root)
    {
        QList<qint64> out;
        const QStringList entries = QDir("/proc").entryList(QDir::Dirs);
        QList<qint64> frontier = {root};
        while (!frontier.isEmpty()) {
            const qint64 parent = frontier.takeFirst();
            for (const QString& e : entries) {
                bool ok = false;
                const qint64 pid = e.toLongLong(&ok);
                if (!ok)
                    continue;
                QFile stat("/proc/" + e + "/stat");
                if (!stat.open(QIODevice::ReadOnly))
                    continue;
                const QByteArray text = stat.readAll();
                const int close = text.lastIndexOf(')');
                const QList<QByteArray> fields = text.mid(close + 2).split(' ');
                if (fields.size() > 1 && fields[1].toLongLong() == parent && !out.contains(pid)) {
                    out.append(pid);
                    frontier.append(pid);
                }
            }
        }
        return out;
    }

    QTemporaryDir dir_;
    int port_ = 0;
    std::unique_ptr<QProcess> server_;
};

} // namespace deploytest
