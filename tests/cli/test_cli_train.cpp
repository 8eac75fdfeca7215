// espalier-cli train / eval / runs as a user runs them, on a small synthesised demo corpus with the
// shipped tiny config: a run folder with results, a refused second run, a resumed run extended, the
// checkpoint scored by eval, the runs listed, bad configs rejected with file:line and printed once.
#include "core/runtime/espm.h"
#include "tests/cli/cli_runner.h"

#include <QFile>
#include <QRegularExpression>
#include <QFileInfo>
#include <QProcess>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

namespace {
using clitest::cli;
using clitest::Run;
using clitest::readAll;

// The last "step" of a metrics.jsonl.
int lastStep(const QString& metrics)
{
    int step = -1;
    for (const QByteArray& line : readAll(metrics).split('\n'))
        if (!line.isEmpty())
            step = QJsonDocument::fromJson(line).object()["step"].toInt();
    return step;
}
} // namespace

class TestCliTrain : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString corpus_;
    QString run_;

private slots:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        qputenv("OMP_NUM_THREADS", "1");
        corpus_ = tmp_.filePath("demo");
        const Run r = cli({"-q", "corpus", "synth", "--out", corpus_, "--utterances", "60", "--seed", "3"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        run_ = tmp_.filePath("run");
    }

    void trainWithAShippedConfig()
    {
        const Run r = cli({"--json", "--threads", "1", "train", "--config", "tiny", "--corpus", corpus_, "--out", run_,
                           "--steps", "6"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        const QJsonObject result = QJsonDocument::fromJson(r.out.trimmed().split('\n').last().toUtf8()).object();
        QCOMPARE(result["steps"].toInt(), 6);
        QVERIFY(result["test_cer"].toObject().contains("test_clean"));
        for (const char* file : {"config.yaml", "units.txt", "global_cmvn.json", "metrics.jsonl", "log",
                                 "results/summary.json", "results/test_clean.json", "results/test_clean.hyp"})
            QVERIFY2(QFile::exists(run_ + "/" + file), file);
        QCOMPARE(lastStep(run_ + "/metrics.jsonl"), 6);
    }

    void aSecondRunInTheSameFolderIsRefused()
    {
        const Run r = cli({"train", "--config", "tiny", "--corpus", corpus_, "--out", run_, "--steps", "6"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("already holds a training run"));
        QCOMPARE(r.err.count("already holds"), 1);  // printed once
    }

    void resumeExtendsTheRun()
    {
        const Run r = cli({"-q", "--threads", "1", "train", "--out", run_, "--resume", "--steps", "9"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(lastStep(run_ + "/metrics.jsonl"), 9);
        QVERIFY(r.out.contains("9 steps"));
        // run.json: one launch per start, each with its outcome, and the build and machine.
        const QJsonObject info = QJsonDocument::fromJson(readAll(run_ + "/run.json")).object();
        const QJsonArray launches = info["launches"].toArray();
        QCOMPARE(launches.size(), 2);
        QCOMPARE(launches[0].toObject()["status"].toString(), QString("finished"));
        QCOMPARE(launches[0].toObject()["steps"].toInt(), 6);
        QCOMPARE(launches[1].toObject()["steps"].toInt(), 9);
        QVERIFY(!launches[1].toObject()["ended"].toString().isEmpty());
        QVERIFY2(info["command"].toString().contains("train --config " + run_ + "/config.yaml --out " + run_ + " --resume"),
                 qPrintable(info["command"].toString()));
        const QJsonObject env = info["environment"].toObject();
        QVERIFY(env["libtorch"].toString().startsWith("1."));
        QVERIFY(env["cores"].toInt() >= 1);
        QVERIFY(!env["cpu"].toString().isEmpty());
        QCOMPARE(env["front_end"].toString(), QString("espalier-cli"));
    }

    void resumingAFinishedRunRepeatsNothing()
    {
        const QByteArray before = readAll(run_ + "/metrics.jsonl");
        const Run r = cli({"-q", "--threads", "1", "train", "--out", run_, "--resume", "--steps", "9"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(readAll(run_ + "/metrics.jsonl"), before);  // no second dev evaluation of step 9
        QVERIFY(!r.out.contains("final loss"));              // nothing was trained
    }

    void evalScoresTheRun()
    {
        const Run r = cli({"--json", "eval", "--model", run_, "--data", corpus_ + "/test_clean"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.trimmed().split('\n').last().toUtf8()).object();
        QVERIFY2(o.contains("cer") || o.contains("overall"), qPrintable(r.out.right(400)));
        const Run text = cli({"eval", "--model", run_, "--data", corpus_ + "/test_clean", "--beam", "4"});
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains("Overall -> "));
        QVERIFY(text.out.contains("N="));
    }

    void runsListsTheRun()
    {
        const Run r = cli({"--json", "runs", "list", tmp_.path()});  // a plain folder of runs, no project
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object()["runs"].toArray().first().toObject();
        QCOMPARE(o["id"].toString(), QString("run"));
        QCOMPARE(o["state"].toString(), QString("finished"));
        QCOMPARE(o["steps_done"].toInt(), 9);
        QVERIFY(o["tests"].toObject().contains("test_clean"));
        QCOMPARE(cli({"runs", "list", tmp_.filePath("missing")}).exitCode, 2);
    }

    void pruneWhileTraining()
    {
        const QString recipe = tmp_.filePath("agp.yaml");
        QFile f(recipe);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("espalier_recipe: 1\nstages:\n  - type: unstructured\n"
                "    schedule: {shape: agp_cubic, final_sparsity: 0.5, begin: 1, end: 4, frequency: 1}\n");
        f.close();
        const Run check = cli({"recipe", "check", recipe});
        QCOMPARE(check.exitCode, 0);
        QVERIFY2(check.out.contains("4→50.0%"), qPrintable(check.out));

        const QString run = tmp_.filePath("pruned");
        const Run r = cli({"-q", "--threads", "1", "train", "--config", "tiny", "--corpus", corpus_, "--recipe", recipe,
                           "--out", run, "--steps", "5"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(readAll(run + "/config.yaml").contains("recipe: " + recipe.toUtf8()));
        const Run stats = cli({"--json", "model", "stats", run});
        QCOMPARE(stats.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(stats.out.toUtf8()).object();
        const double sparsity = o["prunable"].toObject()["sparsity"].toDouble();
        QVERIFY2(std::abs(sparsity - 0.5) < 0.01, qPrintable(stats.out.left(300)));
        QVERIFY(o["parameters"].toArray().first().toObject()["masked"].toBool());
        const Run text = cli({"model", "stats", run});
        QVERIFY(text.out.contains("(masked)"));

        QFile bad(tmp_.filePath("bad-recipe.yaml"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("espalier_recipe: 1\nstages:\n  - type: unstructured\n    schedule: {final_sparsity: 1.5, end: 3}\n");
        bad.close();
        const Run badCheck = cli({"recipe", "check", bad.fileName()});
        QCOMPARE(badCheck.exitCode, 2);
        QVERIFY2(badCheck.err.contains(":4: stages[0].schedule.final_sparsity"), qPrintable(badCheck.err));
        QCOMPARE(cli({"train", "--config", "tiny", "--corpus", corpus_, "--recipe", bad.fileName(), "--out",
                      tmp_.filePath("never")}).exitCode, 2);
        QVERIFY(!QFile::exists(tmp_.filePath("never") + "/metrics.jsonl"));
    }

    void oneShotPruneOfATrainedRun()
    {
        const QString out = tmp_.filePath("oneshot.pt");
        const Run r = cli({"--json", "prune", "--model", run_, "--recipe", tmp_.filePath("agp.yaml"), "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QVERIFY2(std::abs(o["sparsity"].toDouble() - 0.5) < 0.01, qPrintable(r.out));
        QVERIFY(o["masked_tensors"].toInt() > 4);
        const Run stats = cli({"--json", "model", "stats", out});
        QVERIFY(std::abs(QJsonDocument::fromJson(stats.out.toUtf8()).object()["prunable"].toObject()["sparsity"].toDouble()
                         - 0.5) < 0.01);
        QCOMPARE(cli({"-q", "eval", "--model", out, "--data", corpus_ + "/test_clean"}).exitCode, 0);
        QCOMPARE(cli({"prune", "--model", run_, "--recipe", tmp_.filePath("missing.yaml"), "--out", out}).exitCode, 2);
    }

    void structuredAndLayerPruningShrinkTheModel()
    {
        const QString recipe = tmp_.filePath("shrink.yaml");
        QFile f(recipe);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("espalier_recipe: 1\nstages:\n"
                "  - type: structured\n    channels: [ffn, heads]\n"
                "    schedule: {shape: constant, final_sparsity: 0.5, begin: 0, end: 1, frequency: 1}\n"
                "    calibration_utterances: 8\n"
                "  - type: layer\n    drop: 1\n    calibration_utterances: 8\n");
        f.close();
        const QString out = tmp_.filePath("shrunk.pt");
        const Run text = cli({"prune", "--model", run_, "--recipe", recipe, "--out", out});
        QVERIFY2(text.exitCode == 0, qPrintable(text.err));
        QVERIFY2(text.out.contains("block sensitivity") && text.out.contains("ffn channels removed: 50.0 %")
                     && text.out.contains("heads channels removed: 50.0 %") && text.out.contains("dense latency"),
                 qPrintable(text.out));
        const Run json = cli({"--json", "prune", "--model", run_, "--recipe", recipe, "--out", out});
        const QJsonObject o = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QVERIFY(o["parameters_after"].toDouble() < 0.6 * o["parameters_before"].toDouble());
        QCOMPARE(o["dropped_blocks"].toArray().size(), 1);
        QCOMPARE(o["block_sensitivity"].toArray().size(), 2);  // the tiny model's two blocks
        QVERIFY(o["latency_after_ms"].toDouble() > 0.0);
        // The shrunk checkpoint evaluates and fine-tunes like any other.
        QCOMPARE(cli({"-q", "eval", "--model", out, "--data", corpus_ + "/test_clean"}).exitCode, 0);
        const Run tune = cli({"-q", "--threads", "1", "train", "--config", "tiny", "--corpus", corpus_, "--init", out,
                              "--out", tmp_.filePath("tuned"), "--steps", "2"});
        QVERIFY2(tune.exitCode == 0, qPrintable(tune.err));
        QVERIFY(readAll(tmp_.filePath("tuned") + "/config.yaml").contains("init: " + out.toUtf8()));
    }

    void exportWritesWhatTheRuntimeReads()
    {
        const QString dense = tmp_.filePath("dense.espm"), sparse = tmp_.filePath("sparse.espm");
        QCOMPARE(cli({"-q", "export", "--model", run_, "--out", dense, "--sparse", "dense"}).exitCode, 0);
        const Run r = cli({"--json", "export", "--model", run_, "--out", sparse, "--sparse", "csr", "--density", "1"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QVERIFY(o["sparse_tensors"].toInt() > 10);  // every 2-D weight
        const espalier::runtime::EspmModel a = espalier::runtime::readEspm(dense.toStdString());
        const espalier::runtime::EspmModel b = espalier::runtime::readEspm(sparse.toStdString());
        QCOMPARE(a.tensors.size(), b.tensors.size());
        QVERIFY(a.vocabulary.size() > 3 && a.vocabulary == b.vocabulary);
        QCOMPARE(a.metaValue("graph"), std::string("conformer-ctc"));
        // The CSR copy holds exactly the dense values.
        for (size_t i = 0; i < a.tensors.size(); ++i) {
            if (!b.tensors[i].sparse)
                continue;
            std::vector<float> back(a.tensors[i].dense.size());
            b.tensors[i].csr.toDense(back.data());
            QVERIFY2(back == a.tensors[i].dense, a.tensors[i].name.c_str());
        }
        // The runner checks and lists it; damage is a clear error, exit 2.
        QProcess run;
        run.start(ESPALIER_RUN, {"info", sparse});
        QVERIFY(run.waitForFinished(30000));
        QCOMPARE(run.exitCode(), 0);
        QVERIFY(QString(run.readAllStandardOutput()).contains("stored CSR"));
        QFile f(sparse);
        QVERIFY(f.open(QIODevice::ReadWrite));
        f.resize(f.size() / 2);
        f.close();
        run.start(ESPALIER_RUN, {"info", sparse});
        QVERIFY(run.waitForFinished(30000));
        QCOMPARE(run.exitCode(), 2);
        QVERIFY(QString(run.readAllStandardError()).contains("sparse.espm"));
        QCOMPARE(cli({"export", "--model", run_, "--out", dense, "--sparse", "sometimes"}).exitCode, 2);

        // The runner transcribes as the engine decodes (its own fbank, encoder and greedy CTC), and times it.
        const QString hyp = tmp_.filePath("hyp.txt");
        QCOMPARE(cli({"-q", "eval", "--model", run_, "--data", corpus_ + "/test_clean", "--hyp", hyp}).exitCode, 0);
        const QStringList hyps = QString::fromUtf8(readAll(hyp)).split('\n', Qt::SkipEmptyParts);
        const QStringList wavs = QString::fromUtf8(readAll(corpus_ + "/test_clean/wav.scp")).split('\n', Qt::SkipEmptyParts);
        QVERIFY(hyps.size() >= 3 && wavs.size() >= 3);
        for (int i = 0; i < 3; ++i) {
            const QStringList w = wavs[i].split(' ');
            QString path = w.value(1);
            if (QFileInfo(path).isRelative())
                path = QFileInfo(corpus_ + "/test_clean/" + path).absoluteFilePath();
            run.start(ESPALIER_RUN, {"transcribe", dense, path});
            QVERIFY(run.waitForFinished(60000));
            QCOMPARE(run.exitCode(), 0);
            const QString text = QString::fromUtf8(run.readAllStandardOutput()).trimmed();
            const QString expected = hyps.filter(QRegularExpression("^" + QRegularExpression::escape(w[0]) + "( |$)"))
                                         .value(0).section(' ', 1).trimmed();
            QCOMPARE(text, expected);
        }
        QProcess bench;
        bench.start(ESPALIER_RUN, {"bench", dense, "--frames", "200", "--runs", "3", "--json"});
        QVERIFY(bench.waitForFinished(60000));
        QCOMPARE(bench.exitCode(), 0);
        const QJsonObject timing = QJsonDocument::fromJson(bench.readAllStandardOutput()).object();
        QVERIFY(timing["median_ms"].toDouble() > 0.0 && timing["p90_ms"].toDouble() >= timing["min_ms"].toDouble());
        QVERIFY(timing["profile_ms"].toObject().contains("subsampling"));
        QVERIFY(timing["peak_rss_kb"].toDouble() > 0.0);
    }

    void recipesConvert()
    {
        const QString sparseml = tmp_.filePath("sparseml.yaml");
        QFile f(sparseml);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("num_epochs: 10\nmodifiers:\n  - !GMPruningModifier\n      params: __ALL_PRUNABLE__\n"
                "      init_sparsity: 0.0\n      final_sparsity: 0.6\n      start_epoch: 1\n"
                "      end_epoch: eval(num_epochs - 2)\n      update_frequency: 1\n      inter_func: cubic\n"
                "      global_sparsity: true\n");
        f.close();
        const Run check = cli({"recipe", "check", sparseml});
        QCOMPARE(check.exitCode, 0);
        QVERIFY2(check.out.contains("over epochs") && check.out.contains("8→60.0%"), qPrintable(check.out));
        const QString ours = tmp_.filePath("converted.yaml");
        QCOMPARE(cli({"recipe", "convert", sparseml, "--to", "espalier", "--out", ours}).exitCode, 0);
        QVERIFY(readAll(ours).startsWith("espalier_recipe: 1"));
        const QString back = tmp_.filePath("back.yaml");
        QCOMPARE(cli({"recipe", "convert", ours, "--to", "sparseml", "--out", back}).exitCode, 0);
        QVERIFY(readAll(back).contains("!GMPruningModifier"));
        // A step-counted schedule has no SparseML form; a wrong format name is bad input.
        const Run steps = cli({"recipe", "convert", tmp_.filePath("agp.yaml"), "--to", "sparseml", "--out", back});
        QCOMPARE(steps.exitCode, 2);
        QVERIFY(steps.err.contains("epochs"));
        QCOMPARE(cli({"recipe", "convert", ours, "--to", "tflite", "--out", back}).exitCode, 2);
    }

    void badConfigsExit2WithTheLine()
    {
        const QString bad = tmp_.filePath("bad.yaml");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("espalier_train: 1\ndata:\n  corpus: " + corpus_.toUtf8() + "\nsteps: -3\n");
        f.close();
        const Run r = cli({"train", "--config", bad, "--out", tmp_.filePath("bad-run")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(bad + ":4:") && r.err.contains("steps"), qPrintable(r.err));
        QCOMPARE(r.err.count("steps"), 1);
        QVERIFY(!QFile::exists(tmp_.filePath("bad-run") + "/metrics.jsonl"));
        const Run unknown = cli({"train", "--config", "enormous", "--corpus", corpus_, "--out", tmp_.filePath("x")});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains("shipped configs: "));
    }
};

QTEST_GUILESS_MAIN(TestCliTrain)
#include "test_cli_train.moc"
