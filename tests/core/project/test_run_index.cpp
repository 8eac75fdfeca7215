// The run store: the index equals what the folders say, follows their changes, filters, keeps
// annotations in the folders, removes runs whole, survives a damaged index or run folder.
#include "core/project/run_index.h"
#include "core/runtime/error.h"
#include "tests/core/project/run_fixture.h"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>

using namespace espalier;
using project::IndexedRun;
using project::RunIndex;
namespace fs = std::filesystem;

namespace {

// Everything the index keeps of a run, as one comparable string.
std::string describe(const IndexedRun& run)
{
    const auto& r = run.record;
    std::string s = r.id + "|" + r.dir + "|" + run.kind + "|" + r.name + "|" + r.model + "|" + r.precision + "|"
        + train::runStateNames().name(r.state) + "|" + std::to_string(r.plannedSteps) + "|" + std::to_string(r.stepsDone)
        + "|" + (r.sparsity ? std::to_string(*r.sparsity) : "-") + "|" + (r.bestDevCer ? std::to_string(*r.bestDevCer) : "-")
        + "|" + r.problem + "|" + run.note + "|" + (run.archived ? "archived" : "") + "|" + run.modified;
    for (const auto& t : run.tags)
        s += "|tag:" + t;
    for (const auto& p : run.parents)
        s += "|parent:" + p;
    for (const auto& [k, v] : run.config)
        s += "|" + k + "=" + v;
    for (const auto& [name, t] : r.tests)
        s += "|" + name + ":" + std::to_string(t.cer) + "/" + std::to_string(t.n) + "/" + std::to_string(t.s);
    if (run.info)
        s += "|info:" + train::runInfoJson(*run.info);
    return s;
}

// A filter built by one change to the default (C++17 has no designated initialisers).
template <typename Set>
project::RunFilter filter(Set set)
{
    project::RunFilter f;
    set(f);
    return f;
}

const project::RunFilter kEverything = filter([](project::RunFilter& f) { f.includeArchived = true; });

std::vector<std::string> describeAll(const std::vector<IndexedRun>& runs)
{
    std::vector<std::string> out;
    for (const auto& r : runs)
        out.push_back(describe(r));
    return out;
}

struct Project {
    QTemporaryDir tmp;
    std::string dir = tmp.path().toStdString();
    std::string runs = dir + "/runs";
};

void writeThree(const Project& p)
{
    runfixture::writeRun(p.runs, {"20261201-090000-dense", "", 1, 0.002, 100, {{"test_clean", 0.12}, {"test_noisy", 0.31}}, 0.15});
    runfixture::writeRun(p.runs, {"20261202-090000-sparse50",
                                  "recipe: recipe.yaml\n", 1, 0.002, 100, {{"test_clean", 0.13}}, 0.16, 0.5});
    runfixture::writeRun(p.runs, {"20261203-090000-going", "", 2, 0.001, 50, {}, 0.4});
    train::RunInfo info;
    info.command = "espalier-cli train --config x.yaml --out y";
    info.environment = train::currentEnvironment();
    info.launches.push_back({"2026-12-01T09:00:00Z", "2026-12-01T09:20:00Z", "finished", 100, ""});
    train::writeRunInfo(p.runs + "/20261201-090000-dense", info);
}

} // namespace

class TestRunIndex : public QObject {
    Q_OBJECT
private slots:
    void indexEqualsTheFolders()
    {
        Project p;
        writeThree(p);
        RunIndex index(p.dir);
        const auto stats = index.refresh();
        QCOMPARE(stats.read, 3);
        const auto runs = index.runs();
        QCOMPARE(runs.size(), size_t(3));
        QCOMPARE(runs[0].record.id, std::string("20261203-090000-going"));  // newest first
        for (const auto& run : runs)
            QCOMPARE(describe(run), describe(project::readIndexedRun(run.record.dir, p.runs)));
        const auto sparse = index.run("20261202-090000-sparse50");
        QVERIFY(sparse);
        QCOMPARE(sparse->kind, std::string("prune"));
        QCOMPARE(*sparse->record.sparsity, 0.5);
        QCOMPARE(sparse->record.tests.at("test_clean").cer, 0.13);
        QCOMPARE(sparse->config.at("optimizer.betas"), std::string("[0.9, 0.98]"));
        QCOMPARE(index.run("20261203-090000-going")->record.state, train::RunState::Stopped);
        const auto dense = index.run("20261201-090000-dense");
        QVERIFY(dense->info && !index.run("20261203-090000-going")->info);
        QCOMPARE(dense->info->launches.at(0).steps, 100LL);
        QCOMPARE(dense->info->environment.cores, train::currentEnvironment().cores);
        const auto loss = index.series("20261201-090000-dense", "loss");
        QCOMPARE(loss.size(), size_t(10));
        QCOMPARE(loss.front().step, 10.0);
        QCOMPARE(loss.front().value, 10.0);
        QVERIFY(fs::exists(index.dbPath()));
    }

    void refreshFollowsChangedFolders()
    {
        Project p;
        writeThree(p);
        RunIndex index(p.dir);
        index.refresh();
        QCOMPARE(index.refresh().unchanged, 3);
        // The running one finishes; another is removed; a new one appears.
        runfixture::writeRun(p.runs, {"20261203-090000-going", "", 2, 0.001, 60, {{"test_clean", 0.2}}, 0.3});
        fs::remove_all(p.runs + "/20261201-090000-dense");
        runfixture::writeRun(p.runs, {"20261204-090000-new", "", 1, 0.002, 20, {}, 0.5});
        const auto stats = index.refresh();
        QCOMPARE(stats.read, 2);
        QCOMPARE(stats.unchanged, 1);
        QCOMPARE(stats.removed, 1);
        QCOMPARE(index.run("20261203-090000-going")->record.state, train::RunState::Finished);
        QCOMPARE(index.run("20261203-090000-going")->record.stepsDone, 60LL);
        QVERIFY(!index.run("20261201-090000-dense"));
    }

    void reindexEqualsTheLiveIndex()
    {
        Project p;
        writeThree(p);
        RunIndex index(p.dir);
        index.refresh();
        index.tag("20261201-090000-dense", {"baseline", "paper"});
        index.setNote("20261202-090000-sparse50", "50 % 稀疏, gradual");
        index.setArchived("20261203-090000-going", true);
        index.refresh();
        const auto live = describeAll(index.runs(kEverything));
        index.reindex();
        QCOMPARE(describeAll(index.runs(kEverything)), live);
        // And a second index of the same folders, built from nothing, says the same.
        fs::remove(index.dbPath());
        RunIndex fresh(p.dir);
        fresh.refresh();
        QCOMPARE(describeAll(fresh.runs(kEverything)), live);
    }

    void filters()
    {
        Project p;
        writeThree(p);
        RunIndex index(p.dir);
        index.refresh();
        index.tag("20261201-090000-dense", {"baseline"});
        index.setArchived("20261203-090000-going", true);
        QCOMPARE(index.runs().size(), size_t(2));
        QCOMPARE(index.runs(kEverything).size(), size_t(3));
        QCOMPARE(index.runs(filter([](auto& f) { f.kind = "prune"; })).size(), size_t(1));
        QCOMPARE(index.runs(filter([](auto& f) { f.tag = "baseline"; })).front().record.id, std::string("20261201-090000-dense"));
        QCOMPARE(index.runs(filter([](auto& f) { f.state = "stopped"; f.includeArchived = true; })).size(), size_t(1));
        project::RunFilter lr;
        lr.includeArchived = true;
        lr.config = {{"optimizer.lr", "0.001000"}};
        QCOMPARE(index.runs(lr).size(), size_t(1));
        QCOMPARE(index.runs(filter([](auto& f) { f.text = "sparse"; })).size(), size_t(1));
    }

    void annotationsLiveInTheFolder()
    {
        Project p;
        writeThree(p);
        RunIndex index(p.dir);
        index.refresh();
        index.tag("20261201-090000-dense", {"b", "a", "a"});
        index.tag("20261201-090000-dense", {"c"}, {"b"});
        const IndexedRun read = project::readIndexedRun(p.runs + "/20261201-090000-dense", p.runs);
        QCOMPARE(read.tags, (std::vector<std::string>{"a", "c"}));
        QCOMPARE(index.run("20261201-090000-dense")->tags, read.tags);
        QVERIFY_THROWS_EXCEPTION(InputError, index.tag("no-such-run", {"x"}));
        QVERIFY_THROWS_EXCEPTION(InputError, index.tag("20261201-090000-dense", {"a,b"}));
        QVERIFY_THROWS_EXCEPTION(InputError, index.setNote("../escape", "x"));
    }

    void damagedFoldersAreListedNotFatal()
    {
        Project p;
        writeThree(p);
        runfixture::writeText(p.runs + "/20261202-090000-sparse50/results/summary.json", "{\"tests\": {\"x\": {\"cer\": \"high\"");
        runfixture::writeText(p.runs + "/20261201-090000-dense/annotations.json", "{\"tags\": \"not a list\"}");
        runfixture::writeText(p.runs + "/20261203-090000-going/run.json", "{\"launches\": [{\"steps\": \"many\"}]}");
        RunIndex index(p.dir);
        index.refresh();
        QCOMPARE(index.runs().size(), size_t(3));
        const auto sparse = index.run("20261202-090000-sparse50");
        QVERIFY2(sparse->record.problem.find("summary.json") != std::string::npos, sparse->record.problem.c_str());
        const auto going = index.run("20261203-090000-going");
        QVERIFY2(going->record.problem.find("run.json: launches: field 'steps' is not a whole number") != std::string::npos,
                 going->record.problem.c_str());
        const auto dense = index.run("20261201-090000-dense");
        QVERIFY2(dense->record.problem.find("field 'tags' is not a list") != std::string::npos, dense->record.problem.c_str());
        // Tagging rewrites the damaged annotations file whole.
        index.tag("20261201-090000-dense", {"fixed"});
        QCOMPARE(index.run("20261201-090000-dense")->tags, std::vector<std::string>{"fixed"});
        QCOMPARE(index.run("20261201-090000-dense")->record.problem, std::string());
    }

    void aDamagedIndexIsRebuilt()
    {
        Project p;
        writeThree(p);
        runfixture::writeText(p.dir + "/espalier.db", std::string(4096, 'x'));
        RunIndex index(p.dir);
        QCOMPARE(index.refresh().read, 3);
        QCOMPARE(index.runs().size(), size_t(3));
    }

    void removeIsWhole()
    {
        Project p;
        writeThree(p);
        RunIndex index(p.dir);
        index.refresh();
        index.remove("20261201-090000-dense");
        QVERIFY(!fs::exists(p.runs + "/20261201-090000-dense"));
        QVERIFY(!index.run("20261201-090000-dense"));
        QVERIFY_THROWS_EXCEPTION(InputError, index.remove("20261201-090000-dense"));
        // A removal cut short by a kill leaves a hidden folder: not listed, swept by the next refresh.
        fs::copy(p.runs + "/20261202-090000-sparse50", p.runs + "/.deleting-20261202-090000-old", fs::copy_options::recursive);
        QCOMPARE(train::listRuns(p.runs).size(), size_t(2));
        index.refresh();
        QVERIFY(!fs::exists(p.runs + "/.deleting-20261202-090000-old"));
        QCOMPARE(index.runs(kEverything).size(), size_t(2));
    }

    void parentsFromTheInitCheckpoint()
    {
        Project p;
        writeThree(p);
        runfixture::writeRun(p.runs, {"20261205-090000-finetune",
                                      "recipe: r.yaml\n", 1, 0.002, 100, {}, 0.2});
        // model.init names the dense run's best checkpoint.
        const std::string config = p.runs + "/20261205-090000-finetune/config.yaml";
        std::string text;
        {
            std::ifstream in(config);
            text.assign(std::istreambuf_iterator<char>(in), {});
        }
        const auto at = text.find("model:\n  size: tiny\n");
        text.replace(at, 20, "model:\n  init: " + p.runs + "/20261201-090000-dense/checkpoints/best.pt\n");
        runfixture::writeText(config, text);
        RunIndex index(p.dir);
        index.refresh();
        QCOMPARE(index.run("20261205-090000-finetune")->parents, std::vector<std::string>{"20261201-090000-dense"});
    }
};

QTEST_GUILESS_MAIN(TestRunIndex)
#include "test_run_index.moc"
