// Studies: study.yaml read with errors naming the line and field, grids expanded to cells with
// run ids and configs, settings and values applied (null removes a key), every cell checked before a
// study is written, and a cell's state read from its run folder and its lock.
#include "core/io/file_lock.h"
#include "core/project/demo_studies.h"
#include "core/project/project.h"
#include "core/runtime/error.h"
#include "core/study/study.h"
#include "core/study/study_status.h"
#include "core/train/run_info.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

using namespace espalier;
namespace fs = std::filesystem;

namespace {

void writeFile(const fs::path& path, const std::string& text)
{
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

// A corpus of Kaldi split folders: enough for configs to be read (no audio is decoded here).
void writeCorpus(const fs::path& dir)
{
    for (const char* split : {"train", "dev", "test_clean"}) {
        writeFile(dir / split / "wav.scp", "u1 /nonexistent/u1.wav\n");
        writeFile(dir / split / "text", "u1 你好\n");
    }
}

study::StudyDefinition sparsityStudy()
{
    study::StudyDefinition d;
    d.name = "sparsity";
    d.base = "tiny";
    d.corpus = "demo";
    d.set = {study::settingFromText("steps=40")};
    d.axes = {study::axisFromText("recipe=null,recipes/s50.yaml"), study::axisFromText("seed=1,2,3")};
    return d;
}

} // namespace

class TestStudy : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    std::string project_;

private slots:
    void init()
    {
        QVERIFY(tmp_.isValid());
        project_ = (fs::path(tmp_.path().toStdString()) / ("p" + std::to_string(std::rand()))).string();
        project::Project p = project::Project::create(project_, "studies");
        writeCorpus(fs::path(project_) / "corpus");
        p.addCorpus("demo", project_ + "/corpus");
        p.save();
        writeFile(fs::path(project_) / "recipes" / "s50.yaml",
                  "espalier_recipe: 1\nname: s50\nstages:\n  - type: unstructured\n    schedule: {shape: agp_cubic, unit: steps, "
                  "final_sparsity: 0.5, begin: 5, end: 30, frequency: 5}\n");
    }

    void gridExpandsInOrderWithIdsAndValues()
    {
        const study::Study s = study::Study::create(project_, sparsityStudy());
        const std::vector<study::StudyCell> cells = s.expand();
        QCOMPARE(cells.size(), size_t(6));
        QCOMPARE(QString::fromStdString(cells[0].runId), QString("sparsity-none-seed1"));
        QCOMPARE(QString::fromStdString(cells[1].runId), QString("sparsity-none-seed2"));
        QCOMPARE(QString::fromStdString(cells[5].runId), QString("sparsity-s50-seed3"));
        QCOMPARE(s.runIds().size(), size_t(6));
        for (const study::StudyCell& c : cells) {
            QCOMPARE(c.config.steps, 40LL);
            QCOMPARE(QString::fromStdString(c.config.name), QString::fromStdString(c.runId));
            QVERIFY(!c.config.data.train.empty());  // the corpus's splits, resolved
        }
        QVERIFY(cells[0].config.recipe.empty());  // null removed the key: dense
        QCOMPARE(QString::fromStdString(cells[4].config.recipe), QString::fromStdString(project_ + "/recipes/s50.yaml"));
        QCOMPARE(cells[4].config.seed, 2ULL);
        QCOMPARE(QString::fromStdString(cells[4].values[0].second), QString("recipes/s50.yaml"));
        QCOMPARE(QString::fromStdString(s.runDir(cells[4])), QString::fromStdString(project_ + "/runs/sparsity-s50-seed2"));
    }

    void writtenStudyReadsBack()
    {
        study::StudyDefinition d = sparsityStudy();
        d.description = "CER against sparsity";
        d.axes[1].values[0].label = "first";
        study::Study::create(project_, d);
        const study::Study s = study::Study::open(project_, "sparsity");
        QCOMPARE(QString::fromStdString(s.definition().description), QString("CER against sparsity"));
        QCOMPARE(s.definition().axes.size(), size_t(2));
        QCOMPARE(QString::fromStdString(s.runIds()[0]), QString("sparsity-none-first"));
        QCOMPARE(QString::fromStdString(s.runIds()[1]), QString("sparsity-none-seed2"));
        QCOMPARE(study::Study::list(project_), std::vector<std::string>{"sparsity"});
        QVERIFY_THROWS_EXCEPTION(InputError, study::Study::create(project_, d));  // exists
    }

    void badStudiesNameTheProblem_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no version") << "base: tiny\n" << "espalier_study";
        QTest::newRow("no base") << "espalier_study: 1\naxes: []\n" << "base: missing";
        QTest::newRow("unknown key") << "espalier_study: 1\nbase: tiny\naxis: []\n" << "study.yaml:3";
        QTest::newRow("axes not a list") << "espalier_study: 1\nbase: tiny\naxes: {key: seed}\n" << "axes: expected a list";
        QTest::newRow("empty values") << "espalier_study: 1\nbase: tiny\naxes:\n  - key: seed\n    values: []\n"
                                      << "study.yaml:5: axes[0].values";
        QTest::newRow("labels count") << "espalier_study: 1\nbase: tiny\naxes:\n  - key: seed\n    values: [1, 2]\n    labels: [a]\n"
                                      << "study.yaml:6: axes[0].labels: expected one label per value (2)";
        QTest::newRow("label with slash") << "espalier_study: 1\nbase: tiny\naxes:\n  - key: seed\n    values: [1]\n    labels: [a/b]\n"
                                          << "axes[0].labels: a label is part of a run id";
        QTest::newRow("key twice") << "espalier_study: 1\nbase: tiny\nset: {seed: 3}\naxes:\n  - key: seed\n    values: [1]\n"
                                   << "study.yaml:5: axes[0].key: 'seed' is already set or varied";
        QTest::newRow("invalid YAML") << "espalier_study: 1\nbase: [tiny\n" << "study.yaml:";
    }

    void badStudiesNameTheProblem()
    {
        QFETCH(QString, yaml);
        QFETCH(QString, expected);
        try {
            study::StudyDefinition::fromYaml(yaml.toStdString(), "study.yaml");
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains(expected), e.what());
        }
    }

    void badCellsNameTheCellAndField_data()
    {
        QTest::addColumn<QString>("axis");
        QTest::addColumn<QString>("expected");
        QTest::newRow("bad value") << "optimizer.lr=0.002,fast" << "cell sparsity-fast (optimizer.lr = fast): optimizer.lr: expected a number";
        QTest::newRow("unknown key") << "optimzer.lr=0.1" << "cell sparsity-lr0.1 (optimzer.lr = 0.1)";
        QTest::newRow("missing recipe") << "recipe=recipes/none.yaml" << "cell sparsity-none (recipe = recipes/none.yaml)";
        QTest::newRow("invalid rule") << "steps=-3" << "cell sparsity-steps-3 (steps = -3): steps";
        QTest::newRow("not a map") << "augment.preset=time" << "augment.preset: 'augment' is 'none' in the base config, not a map";
        QTest::newRow("same ids") << "recipe=a/s50.yaml,b/s50.yaml" << "two cells would both be run sparsity-s50";
    }

    void badCellsNameTheCellAndField()
    {
        QFETCH(QString, axis);
        QFETCH(QString, expected);
        writeFile(fs::path(project_) / "a" / "s50.yaml", "x");
        study::StudyDefinition d;
        d.name = "sparsity";
        d.base = "tiny";
        d.corpus = "demo";
        d.axes = {study::axisFromText(axis.toStdString())};
        try {
            study::Study::create(project_, d);
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains(expected), e.what());
            QVERIFY2(QString(e.what()).contains("study.yaml"), e.what());
        }
        QVERIFY(!fs::exists(fs::path(project_) / "studies" / "sparsity" / "study.yaml"));  // nothing half-made
    }

    void baseAndCorpusMustExist()
    {
        study::StudyDefinition d = sparsityStudy();
        d.base = "nonesuch";
        QVERIFY_THROWS_EXCEPTION(InputError, study::Study::create(project_, d));
        d = sparsityStudy();
        d.corpus = "";
        try {
            study::Study::create(project_, d);
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("needs a corpus"), e.what());
        }
        d = sparsityStudy();
        d.name = "../evil";
        QVERIFY_THROWS_EXCEPTION(InputError, study::Study::create(project_, d));
        try {
            study::Study::open(project_, "nonesuch");
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("no study 'nonesuch'"), e.what());
        }
    }

    void commandLineValuesKeepTheirTypes()
    {
        QCOMPARE(QString::fromStdString(study::settingFromText("steps=300").yaml), QString("300"));
        const study::StudyAxis axis = study::axisFromText("augment=none,time,spec");
        QCOMPARE(axis.values.size(), size_t(3));
        QCOMPARE(QString::fromStdString(study::derivedLabel("augment", axis.values[1].yaml)), QString("time"));
        QCOMPARE(QString::fromStdString(study::derivedLabel("optimizer.lr", "0.002")), QString("lr0.002"));
        QCOMPARE(QString::fromStdString(study::derivedLabel("recipe", "null")), QString("none"));
        QCOMPARE(QString::fromStdString(study::derivedLabel("model.init", "runs/a b/best.pt")), QString("best"));
        QVERIFY_THROWS_EXCEPTION(InputError, study::settingFromText("steps"));
        QVERIFY_THROWS_EXCEPTION(InputError, study::axisFromText("=1,2"));
        QVERIFY_THROWS_EXCEPTION(InputError, study::axisFromText("seed=1,,2"));  // null is written out
        QCOMPARE(study::axisFromText("optimizer.betas=[0.9, 0.98],[0.9, 0.999]").values.size(), size_t(2));
        QCOMPARE(QString::fromStdString(study::derivedLabel("name", "''")), QString("empty"));
        // Found by the study fuzzer: a path with no file name still gives its cell a part of the id.
        QCOMPARE(QString::fromStdString(study::derivedLabel("model.init", "runs/")), QString("runs_"));
        QCOMPARE(QString::fromStdString(study::derivedLabel(".", "\"|\"")), QString("_"));
    }

    void stateComesFromTheRunFolderAndLock()
    {
        const study::Study s = study::Study::create(project_, sparsityStudy());
        const std::vector<study::StudyCell> cells = s.expand();
        QCOMPARE(study::cellStatus(s, cells[0]).state, study::CellState::Queued);

        // A folder of that name that the study did not make is never taken for its cell.
        const std::string dir = s.runDir(cells[0]);
        fs::create_directories(dir);
        cells[0].config.save(dir + "/config.yaml");
        QCOMPARE(study::cellStatus(s, cells[0]).state, study::CellState::Conflict);
        QVERIFY(QString::fromStdString(study::cellStatus(s, cells[0]).error).contains("no study.json"));
        study::markCellFolder(s, cells[1]);
        fs::copy_file(s.runDir(cells[1]) + "/study.json", dir + "/study.json");  // another cell's claim
        QVERIFY(QString::fromStdString(study::cellStatus(s, cells[0]).error).contains("sparsity-none-seed2"));

        // Started and killed: a config and a run.json still saying "running".
        study::markCellFolder(s, cells[0]);
        train::RunInfo info;
        info.launches.push_back({"2026-12-08T00:00:00Z", "", "running", 0, ""});
        train::writeRunInfo(dir, info);
        QCOMPARE(study::cellStatus(s, cells[0]).state, study::CellState::Interrupted);

        // Finished: with no test sets there is no results/summary.json, the launch says so.
        info.launches.back().status = "finished";
        train::writeRunInfo(dir, info);
        QCOMPARE(study::cellStatus(s, cells[0]).state, study::CellState::Done);

        info.launches.back().status = "failed";
        info.launches.back().error = "loss is NaN";
        train::writeRunInfo(dir, info);
        const study::CellStatus failed = study::cellStatus(s, cells[0]);
        QCOMPARE(failed.state, study::CellState::Failed);
        QCOMPARE(QString::fromStdString(failed.error), QString("loss is NaN"));

        {
            std::optional<io::FileLock> lock = io::FileLock::tryLock(s.lockFile(cells[1]));
            QVERIFY(lock);
            QVERIFY(!io::FileLock::tryLock(s.lockFile(cells[1])));  // held: a second taker is refused
            QCOMPARE(study::cellStatus(s, cells[1]).state, study::CellState::Running);
        }
        QCOMPARE(study::cellStatus(s, cells[1]).state, study::CellState::Queued);  // released with its holder
        // Asking takes nothing: a status poll never makes a taker fail.
        QVERIFY(!io::FileLock::isHeld(s.lockFile(cells[1])));
        QVERIFY(io::FileLock::tryLock(s.lockFile(cells[1])));
        {
            // A trainer of the folder (TrainJob's lock) makes the cell running too.
            std::optional<io::FileLock> trainer = io::FileLock::tryLock(s.runDir(cells[1]) + "/.lock");
            QCOMPARE(study::cellStatus(s, cells[1], true).state, study::CellState::Running);
        }
        const auto counts = study::countStates(study::studyStatus(s, cells));
        QCOMPARE(counts.at(study::CellState::Failed), 1);
        QCOMPARE(counts.at(study::CellState::Queued), 5);
        QCOMPARE(study::countOf(counts, study::CellState::Done), 0);
    }

    // The studies the demo project ships expand on its corpus, and a user's edit is never overwritten.
    void demoStudiesExpand()
    {
        QCOMPARE(project::writeDemoStudies(project_).size(), project::demoStudyFiles().size());
        const study::Study sparsity = study::Study::open(project_, "seed-sparsity");
        const std::vector<study::StudyCell> cells = sparsity.expand();
        QCOMPARE(cells.size(), size_t(3));
        QCOMPARE(QString::fromStdString(cells[2].runId), QString("seed-sparsity-s70"));
        QCOMPARE(cells[2].config.steps, 1500LL);
        QVERIFY(cells[0].config.recipe.empty());
        QCOMPARE(study::Study::open(project_, "augment").expand().size(), size_t(3));
        writeFile(fs::path(project_) / "studies" / "augment" / "study.yaml", "espalier_study: 1\nbase: tiny\ncorpus: demo\n");
        QVERIFY(project::writeDemoStudies(project_).empty());
        QCOMPARE(study::Study::open(project_, "augment").expand().size(), size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestStudy)
#include "test_study.moc"
