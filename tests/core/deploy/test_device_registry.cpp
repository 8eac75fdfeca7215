// devices.yaml: devices round-trip, every field that reaches a command line is checked (no option or
// shell word can hide in a name, host, user or serial), and a malformed file is an error naming its
// line. Normalised architectures and SSH command lines are what the transports rely on.
#include "core/deploy/device.h"
#include "core/deploy/process.h"
#include "core/deploy/transport.h"
#include "core/runtime/error.h"

#include <QTemporaryDir>
#include <QTest>

using namespace espalier;

class TestDeviceRegistry : public QObject {
    Q_OBJECT
private slots:
    void roundTrip()
    {
        QTemporaryDir dir;
        deploy::DeviceRegistry r = deploy::DeviceRegistry::load(dir.path().toStdString());
        QVERIFY(r.devices().empty());
        deploy::DeviceSpec board;
        board.name = "rk3588";
        board.kind = deploy::DeviceKind::Ssh;
        board.host = "192.168.1.20";
        board.port = 2222;
        board.user = "linaro";
        board.keyFile = "/home/me/.ssh/id_ed25519";
        board.cpus = "4-7";
        r.add(board);
        deploy::DeviceSpec phone;
        phone.name = "pixel-7";
        phone.kind = deploy::DeviceKind::Adb;
        phone.serial = "28021FDH2000F1";
        r.add(phone);
        deploy::DeviceSpec emu;
        emu.name = "emulated";
        emu.kind = deploy::DeviceKind::Emulated;
        r.add(emu);
        QVERIFY_THROWS_EXCEPTION(InputError, r.add(emu));
        r.save();
        const deploy::DeviceRegistry back = deploy::DeviceRegistry::load(dir.path().toStdString());
        QCOMPARE(back.devices().size(), size_t(3));
        const deploy::DeviceSpec& b = back.get("rk3588");
        QCOMPARE(QString::fromStdString(b.describe()), QString("ssh linaro@192.168.1.20:2222"));
        QCOMPARE(QString::fromStdString(b.keyFile), QString("/home/me/.ssh/id_ed25519"));
        QCOMPARE(QString::fromStdString(b.cpus), QString("4-7"));
        QCOMPARE(QString::fromStdString(b.effectiveWorkDir()), QString(".cache/espalier"));  // in the login's home
        QCOMPARE(QString::fromStdString(back.get("pixel-7").effectiveWorkDir()), QString("/data/local/tmp/espalier"));
        QVERIFY(back.get("emulated").kind == deploy::DeviceKind::Emulated);
        try {
            back.get("jetson");
            QFAIL("found");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("rk3588, pixel-7, emulated"), e.what());
        }
        deploy::DeviceRegistry edit = back;
        edit.remove("pixel-7");
        QCOMPARE(edit.devices().size(), size_t(2));
        QVERIFY_THROWS_EXCEPTION(InputError, edit.remove("pixel-7"));
    }

    void dangerousFieldsAreRefused_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("option as host") << "host" << "-oProxyCommand=touch /tmp/x" << "must not begin with '-'";
        QTest::newRow("shell in host") << "host" << "board;reboot" << "may hold only";
        QTest::newRow("space in user") << "user" << "a b" << "may hold only";
        QTest::newRow("option as user") << "user" << "-l" << "must not begin";
        QTest::newRow("shell in serial") << "serial" << "$(id)" << "may hold only";
        QTest::newRow("slash in name") << "name" << "../x" << "may hold only";
        QTest::newRow("empty name") << "name" << "" << "missing";
        QTest::newRow("dots") << "name" << ".." << "only dots";
        QTest::newRow("relative work dir") << "work_dir" << "tmp/x" << "absolute";
        QTest::newRow("quote in work dir") << "work_dir" << "/tmp/it's" << "may hold only";
        QTest::newRow("port") << "port" << "70000" << "between 1 and 65535";
        QTest::newRow("cpus") << "cpus" << "big;ls" << "CPU list";
    }

    void dangerousFieldsAreRefused()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        deploy::DeviceSpec d;
        d.name = "ok";
        d.kind = field == "serial" ? deploy::DeviceKind::Adb : deploy::DeviceKind::Ssh;
        d.host = "board.local";
        const std::string v = value.toStdString();
        if (field == "host") d.host = v;
        if (field == "user") d.user = v;
        if (field == "serial") d.serial = v;
        if (field == "name") d.name = v;
        if (field == "work_dir") d.workDir = v;
        if (field == "port") d.port = value.toInt();
        if (field == "cpus") d.cpus = v;
        try {
            deploy::validateDevice(d);
            QFAIL("accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains(expected), e.what());
        }
    }

    void malformedFileNamesTheLine_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not yaml") << QByteArray("devices: [\n") << "devices.yaml:";
        QTest::newRow("unknown kind") << QByteArray("devices:\n  - name: a\n    kind: telnet\n") << "devices.yaml:3: kind";
        QTest::newRow("unknown key") << QByteArray("devices:\n  - name: a\n    hostname: x\n") << "hostname";
        QTest::newRow("bad host") << QByteArray("devices:\n  - name: a\n    kind: ssh\n    host: -x\n") << "devices.yaml:2";
        QTest::newRow("twice") << QByteArray("devices:\n  - name: a\n  - name: a\n") << "used twice";
        QTest::newRow("newer") << QByteArray("version: 9\ndevices: []\n") << "newer";
    }

    void malformedFileNamesTheLine()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        QFile f(dir.filePath("devices.yaml"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
        f.close();
        try {
            deploy::DeviceRegistry::load(dir.path().toStdString());
            QFAIL("accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains(expected), e.what());
        }
    }

    void anAbsentPhoneIsNamed()
    {
        // The real adb client (its server started for the test, stopped after): a serial with no device
        // behind it is an IoError naming the device and adb's own words.
        if (!deploy::programExists("adb"))
            QSKIP("adb is not installed (scripts/setup-debian.sh installs it)");
        QTemporaryDir dir;
        deploy::DeviceSpec phone;
        phone.name = "pixel";
        phone.kind = deploy::DeviceKind::Adb;
        phone.serial = "ESPALIER-NO-SUCH-PHONE";
        const deploy::DeviceRegistry registry = deploy::DeviceRegistry::load(dir.path().toStdString());
        deploy::ProcessOptions o;
        o.timeoutSeconds = 60;
        try {
            deploy::openTransport(phone, registry)->run({"uname", "-m"}, o);
            QFAIL("ran");
        } catch (const IoError& e) {
            QVERIFY2(QString(e.what()).contains("pixel") && QString(e.what()).contains("not found"), e.what());
        }
        deploy::runProcess({"adb", "kill-server"}, o);
    }

    void architecturesAndSshCommand()
    {
        QCOMPARE(QString::fromStdString(deploy::normalizeArchitecture("arm64", "p")), QString("aarch64"));
        QCOMPARE(QString::fromStdString(deploy::normalizeArchitecture("x86_64", "p")), QString("x86_64"));
        QVERIFY_THROWS_EXCEPTION(InputError, deploy::normalizeArchitecture("armv7l", "p"));
        deploy::DeviceSpec d;
        d.name = "b";
        d.kind = deploy::DeviceKind::Ssh;
        d.host = "10.0.0.2";
        d.port = 2200;
        d.user = "pi";
        d.keyFile = "/k";
        const std::vector<std::string> cmd = deploy::sshCommand(d, "/p/known_hosts", {"ls", "a b"});
        const QStringList args = [&] {
            QStringList l;
            for (const auto& a : cmd)
                l << QString::fromStdString(a);
            return l;
        }();
        QVERIFY(args.contains("BatchMode=yes"));
        QVERIFY(args.contains("StrictHostKeyChecking=accept-new"));
        QVERIFY(args.contains("UserKnownHostsFile=/p/known_hosts"));
        // The host follows "--", so nothing after it is read as an option; the command is one quoted word.
        QCOMPARE(args[args.indexOf("--") + 1], QString("10.0.0.2"));
        QCOMPARE(args.last(), QString("ls 'a b'"));
    }
};

QTEST_GUILESS_MAIN(TestDeviceRegistry)
#include "test_device_registry.moc"
