// The layer check on this tree (it must pass), and on this tree with one violation added (each
// must be reported, naming the file and line or the target).
#include "tests/layers/layer_check.h"

#include <QDirIterator>
#include <QFile>
#include <QTest>

#include <fstream>
#include <sstream>

using namespace layercheck;

namespace {

const QString kSourceDir = QStringLiteral(ESPALIER_SOURCE_DIR);

std::optional<std::string> readSource(const std::string& path)
{
    std::ifstream in(kSourceDir.toStdString() + "/" + path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> headersOfTree()
{
    std::vector<std::string> headers;
    for (const char* folder : {"core", "widgets", "app", "tests", "bench"}) {
        QDirIterator it(kSourceDir + "/" + folder, {"*.h"}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext())
            headers.push_back(QDir(kSourceDir).relativeFilePath(it.next()).toStdString());
    }
    return headers;
}

Manifest buildManifest()
{
    QFile file(QStringLiteral(ESPALIER_BINARY_DIR "/layers.txt"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s: configure the build first", qPrintable(file.fileName()));
    return Manifest::parse(file.readAll().toStdString());
}

Tree realTree() { return {readSource, headersOfTree()}; }

QString describe(const std::vector<Problem>& problems)
{
    QStringList lines;
    for (const Problem& p : problems)
        lines << QString::fromStdString(p.str());
    return lines.join('\n');
}

} // namespace

class TestLayers : public QObject {
    Q_OBJECT
private slots:
    void manifestListsTheLayers()
    {
        const Manifest manifest = buildManifest();
        for (const char* name : {"espalier_runtime", "espalier_job", "espalier_data", "espalier_model_config",
                                 "espalier_model", "espalier_prune_recipe", "espalier_train_config", "espalier_train",
                                 "espalier_project", "espalier-run"})
            QVERIFY2(manifest.targets.count(name), name);
        QVERIFY(manifest.targets.at("espalier_model").usesTorch);
        QVERIFY(!manifest.targets.at("espalier_model_config").usesTorch);
        QVERIFY(!manifest.targets.at("espalier_train_config").usesTorch);
    }

    void thisTreeKeepsItsLayers()
    {
        const std::vector<Problem> problems = check(buildManifest(), realTree());
        for (const Problem& p : problems)
            qWarning("%s", p.str().c_str());
        QVERIFY2(problems.empty(), qPrintable(QString("%1 problems (listed above)").arg(problems.size())));
    }

    void eachViolationIsReported_data()
    {
        QTest::addColumn<QString>("file");      // a file whose text gets one more line
        QTest::addColumn<QString>("addedLine");
        QTest::addColumn<QString>("target");    // or a target that gets one more link
        QTest::addColumn<QString>("addedLink");
        QTest::addColumn<QString>("expected");  // in the one problem reported
        QTest::newRow("core includes a higher core layer")
            << "core/data/manifest.cpp" << "#include \"core/train/trainer.h\"" << "" << ""
            << "core/data/manifest.cpp:1: includes \"core/train/trainer.h\" of espalier_train, which espalier_data does not link";
        QTest::newRow("runtime includes the engine")
            << "core/runtime/espm.cpp" << "#include \"core/io/atomic_file.h\"" << "" << ""
            << "core/runtime/espm.cpp:1: includes \"core/io/atomic_file.h\" of espalier_io, which espalier_runtime does not link";
        QTest::newRow("engine includes a widget")
            << "core/project/project.cpp" << "#include \"widgets/pages/page.h\"" << "" << ""
            << "core/project/project.cpp:1: includes \"widgets/pages/page.h\" of espalier_widgets, which espalier_project does not link";
        QTest::newRow("include not from the root")
            << "core/augment/op.cpp" << "#include \"pipeline.h\"" << "" << ""
            << "core/augment/op.cpp:1: includes \"pipeline.h\", which names no file from the repository root";
        QTest::newRow("torch header in a torch-free target")
            << "core/prune/schedule.cpp" << "#include <torch/torch.h>" << "" << ""
            << "core/prune/schedule.cpp:1: includes <torch/torch.h> but espalier_prune_recipe is torch-free";
        QTest::newRow("Qt in the engine")
            << "core/job/job.cpp" << "#include <QString>" << "" << ""
            << "core/job/job.cpp:1: includes <QString>: the engine never uses Qt";
        QTest::newRow("torch-free target links LibTorch")
            << "" << "" << "espalier_train_config" << "torch"
            << "espalier_train_config: reaches LibTorch (torch) but is torch-free";
        QTest::newRow("engine links Qt")
            << "" << "" << "espalier_data" << "Qt6::Core"
            << "espalier_data: reaches Qt (Qt6::Core): the engine never links Qt";
        QTest::newRow("link cycle")
            << "" << "" << "espalier_job" << "espalier_data"
            << "build graph: targets link in a cycle";
        QTest::newRow("runtime links upward")
            << "" << "" << "espalier_runtime" << "espalier_widgets"
            << "espalier_runtime: links espalier_widgets of a higher layer (widgets above runtime (core/runtime))";
    }
    void eachViolationIsReported()
    {
        QFETCH(QString, file);
        QFETCH(QString, addedLine);
        QFETCH(QString, target);
        QFETCH(QString, addedLink);
        QFETCH(QString, expected);
        Manifest manifest = buildManifest();
        Tree tree = realTree();
        if (!file.isEmpty()) {
            QVERIFY(readSource(file.toStdString()));
            tree.read = [file = file.toStdString(), line = addedLine.toStdString()](const std::string& path) {
                std::optional<std::string> text = readSource(path);
                if (text && path == file)
                    *text = line + "\n" + *text;
                return text;
            };
        }
        if (!target.isEmpty()) {
            QVERIFY(manifest.targets.count(target.toStdString()));
            manifest.targets[target.toStdString()].links.push_back(addedLink.toStdString());
        }
        const std::vector<Problem> problems = check(manifest, tree);
        const QString found = describe(problems);
        QVERIFY2(!problems.empty(), "the violation went unnoticed");
        QVERIFY2(found.contains(expected), qPrintable(found));
    }

    void aHeaderOutsideEverySourceListIsReported()
    {
        Tree tree = realTree();
        tree.headers.push_back("core/data/forgotten.h");
        const QString found = describe(check(buildManifest(), tree));
        QCOMPARE(found, QString("core/data/forgotten.h: is in no target's source list"));
    }

    void manifestErrorsNameTheLine()
    {
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, Manifest::parse("target\ta\tcore/a\t0\nsource\tb\tx.cpp\n"));
        const Manifest m = Manifest::parse("target\ta\tcore/a\t1\nsource\ta\tcore/a/x.cpp\nlink\ta\tespalier_runtime\n");
        QCOMPARE(m.targets.at("a").sources.size(), size_t(1));
        QVERIFY(m.targets.at("a").usesTorch);
    }
};

QTEST_APPLESS_MAIN(TestLayers)
#include "test_layers.moc"
