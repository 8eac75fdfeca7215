// What the runner reports of its machine, from a phone's /proc and /sys laid out in a temporary
// folder (a Tensor-like 4 + 3 + 1 big.LITTLE SoC): ARM parts decoded, clusters by maximum frequency
// slowest first, masks, memory, Android's version, frequencies and thermal zones; CPU lists parsed
// strictly; the JSON writer and the latency summary the runner prints with.
#include "core/runtime/device_info.h"
#include "core/runtime/error.h"
#include "core/runtime/json_writer.h"
#include "core/runtime/latency_stats.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace espalier;
using namespace espalier::runtime;

namespace {

void write(const QString& path, const QByteArray& text)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

// 4 x Cortex-A55 @ 1.8 GHz, 3 x Cortex-A78 @ 2.35 GHz, 1 x Cortex-X1 @ 2.85 GHz.
void writePhone(const QString& root)
{
    QByteArray cpuinfo;
    for (int cpu = 0; cpu < 8; ++cpu) {
        const char* part = cpu < 4 ? "0xd05" : cpu < 7 ? "0xd41" : "0xd44";
        cpuinfo += "processor\t: " + QByteArray::number(cpu) + "\nBogoMIPS\t: 52.00\nFeatures\t: fp asimd\n"
                   "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x1\nCPU part\t: " + part
                   + "\nCPU revision\t: 0\n\n";
        const long maxKHz = cpu < 4 ? 1803000 : cpu < 7 ? 2348000 : 2850000;
        const QString base = root + "/sys/devices/system/cpu/cpu" + QString::number(cpu) + "/cpufreq/";
        write(base + "cpuinfo_max_freq", QByteArray::number(qlonglong(maxKHz)) + "\n");
        write(base + "scaling_cur_freq", QByteArray::number(qlonglong(maxKHz / 2)) + "\n");
    }
    write(root + "/proc/cpuinfo", cpuinfo + "Hardware\t: Tensor\n");
    write(root + "/sys/devices/system/cpu/present", "0-7\n");
    write(root + "/proc/meminfo", "MemTotal:        7797204 kB\nMemFree:          201532 kB\n");
    write(root + "/system/build.prop", "ro.build.id=UQ1A\nro.build.version.release=14\n");
    write(root + "/proc/sys/kernel/arch", "aarch64\n");
    write(root + "/proc/sys/kernel/osrelease", "5.10.198-android13\n");
    write(root + "/sys/class/thermal/thermal_zone0/type", "BIG\n");
    write(root + "/sys/class/thermal/thermal_zone0/temp", "48500\n");
    write(root + "/sys/class/thermal/thermal_zone1/type", "LITTLE\n");
    write(root + "/sys/class/thermal/thermal_zone1/temp", "39000\n");
    write(root + "/sys/class/thermal/thermal_zone10/temp", "30000\n");  // no type file
}

} // namespace

class TestDeviceInfo : public QObject {
    Q_OBJECT
private slots:
    void phone()
    {
        QTemporaryDir dir;
        writePhone(dir.path());
        const DeviceInfo info = readDeviceInfo(dir.path().toStdString());
        QCOMPARE(QString::fromStdString(info.arch), QString("aarch64"));
        QCOMPARE(info.cpuCount, 8);
        QCOMPARE(info.clusters.size(), size_t(3));
        QCOMPARE(QString::fromStdString(info.clusters[0].core), QString("Cortex-A55"));
        QCOMPARE(QString::fromStdString(cpuListText(info.clusters[0].cpus)), QString("0-3"));
        QCOMPARE(QString::fromStdString(info.clusters[1].core), QString("Cortex-A78"));
        QCOMPARE(QString::fromStdString(cpuMaskHex(info.clusters[1].cpus)), QString("70"));
        QCOMPARE(QString::fromStdString(info.clusters[2].core), QString("Cortex-X1"));
        QCOMPARE(info.clusters[2].maxKHz, 2850000L);
        QCOMPARE(QString::fromStdString(info.cpu),
                 QString("4x Cortex-A55 @ 1.80 GHz + 3x Cortex-A78 @ 2.35 GHz + 1x Cortex-X1 @ 2.85 GHz"));
        QCOMPARE(info.memoryKb, 7797204LL);
        QCOMPARE(QString::fromStdString(info.os), QString("Android 14"));
        QCOMPARE(QString::fromStdString(info.kernel), QString("5.10.198-android13"));

        const MachineState state = readMachineState(dir.path().toStdString());
        QCOMPARE(state.curKHz.size(), size_t(8));
        QCOMPARE(state.curKHz[7], 1425000L);
        QCOMPARE(state.temperatures.size(), size_t(3));
        QCOMPARE(QString::fromStdString(state.temperatures[0].zone), QString("BIG"));
        QCOMPARE(state.temperatures[0].celsius, 48.5);
        QCOMPARE(QString::fromStdString(state.temperatures[2].zone), QString("thermal_zone10"));
    }

    void otherImplementersAndX86()
    {
        QCOMPARE(QString::fromStdString(armCoreName(0x41, 0xd0b)), QString("Cortex-A76"));
        QCOMPARE(QString::fromStdString(armCoreName(0x51, 0x804)), QString("Qualcomm part 0x804"));
        QCOMPARE(QString::fromStdString(armCoreName(0x99, 0x1)), QString("implementer 0x99 part 0x001"));
        QTemporaryDir dir;
        write(dir.filePath("proc/cpuinfo"), "processor\t: 0\nmodel name\t: AMD EPYC 7B12\n\nprocessor\t: 1\n"
                                            "model name\t: AMD EPYC 7B12\n\n");
        write(dir.filePath("etc/os-release"), "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");
        const DeviceInfo info = readDeviceInfo(dir.path().toStdString());
        QCOMPARE(info.cpuCount, 2);
        QCOMPARE(info.clusters.size(), size_t(1));
        QCOMPARE(QString::fromStdString(info.cpu), QString("2x AMD EPYC 7B12"));
        QCOMPARE(QString::fromStdString(info.os), QString("Debian GNU/Linux 12 (bookworm)"));
        // Nothing there at all: empty, never a throw.
        QTemporaryDir empty;
        const DeviceInfo none = readDeviceInfo(empty.path().toStdString());
        QCOMPARE(none.cpuCount, 0);
        QCOMPARE(QString::fromStdString(none.cpu), QString("unknown CPU"));
        QVERIFY(readMachineState(empty.path().toStdString()).temperatures.empty());
    }

    void cpuLists()
    {
        QCOMPARE(QString::fromStdString(cpuListText(parseCpuList("6,0-3, 5"))), QString("0-3,5-6"));
        QCOMPARE(QString::fromStdString(cpuMaskHex(parseCpuList("0-3"))), QString("f"));
        QCOMPARE(QString::fromStdString(cpuMaskHex(parseCpuList("4,9"))), QString("210"));
        for (const char* bad : {"", "a", "3-1", "1;2", "-1", "99999", "0-"})
            QVERIFY_THROWS_EXCEPTION(InputError, parseCpuList(bad));
    }

    void jsonAndSummary()
    {
        JsonWriter j;
        j.beginObject().field("name", "a \"q\"\n\x01").field("n", 3).field("x", 0.5).field("ok", true);
        j.key("list").beginArray().value(1).value(std::nan("")).beginObject().endObject().endArray().endObject();
        QJsonParseError error;
        const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(j.str()), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(o["name"].toString(), QString("a \"q\"\n\x01"));
        QCOMPARE(o["list"].toArray().size(), 3);
        QVERIFY(o["list"].toArray()[1].isNull());

        const LatencySummary s = summarize({5, 1, 4, 2, 3, 10, 6, 7, 8, 9});
        QCOMPARE(s.count, 10);
        QCOMPARE(s.min, 1.0);
        QCOMPARE(s.median, 5.5);
        QCOMPARE(s.p90, 9.0);
        QCOMPARE(s.max, 10.0);
        QCOMPARE(s.mean, 5.5);
        QVERIFY(std::abs(s.std - std::sqrt(8.25)) < 1e-12);
        QCOMPARE(summarize({}).count, 0);
    }
};

QTEST_GUILESS_MAIN(TestDeviceInfo)
#include "test_device_info.moc"
