// espalier-cli study create | list | status | run: grids of training runs over a base config
// (docs/formats/study.md), run one cell after another, stopped and continued at will.
#include "app/cli/commands.h"
#include "core/job/shell_quote.h"
#include "core/project/project.h"
#include "core/report/renderers.h"
#include "core/report/report_text.h"
#include "core/runtime/error.h"
#include "core/study/study.h"
#include "core/study/study_job.h"
#include "core/study/study_status.h"
#include "core/train/train_job.h"

#include <memory>

namespace espalier::cli {

namespace {

struct StudyArgs {
    std::string project, name, base, corpus, description;
    std::vector<std::string> axes, settings;
    bool retryFailed = false, groupSeeds = false;
    int maxCells = 0;
    std::string report, language = "en";
};

std::string projectDir(const StudyArgs& a)
{
    return project::Project::open(a.project).dir();
}

int createStudy(const CliContext& context, const StudyArgs& a)
{
    study::StudyDefinition d;
    d.name = a.name;
    d.base = a.base;
    d.corpus = a.corpus;
    d.description = a.description;
    for (const std::string& s : a.settings)
        d.set.push_back(study::settingFromText(s));
    for (const std::string& s : a.axes)
        d.axes.push_back(study::axisFromText(s));
    const study::Study s = study::Study::create(projectDir(a), d);
    const std::vector<std::string> ids = s.runIds();
    if (context.json) {
        context.printJson({{"study", d.name}, {"file", s.file()}, {"cells", ids}});
        return kExitOk;
    }
    std::printf("study %s: %zu cell%s (%s)\n", d.name.c_str(), ids.size(), ids.size() == 1 ? "" : "s", s.file().c_str());
    for (const std::string& id : ids)
        std::printf("  %s\n", id.c_str());
    std::printf("run it: %s\n", job::shellJoin({"espalier-cli", "study", "run", d.name, "--project", a.project}).c_str());
    return kExitOk;
}

int listStudies(const CliContext& context, const StudyArgs& a)
{
    const std::string dir = projectDir(a);
    nlohmann::json list = nlohmann::json::array();
    report::Table table;
    table.header = {"study", "cells", "done", "running", "interrupted", "failed", "queued"};
    table.numeric = {false, true, true, true, true, true, true};
    std::vector<std::string> problems;
    for (const std::string& name : study::Study::list(dir)) {
        std::map<study::CellState, int> counts;
        long long cells = 0;
        try {  // one broken study.yaml is reported, not the end of the listing
            const study::Study s = study::Study::open(dir, name);
            counts = study::countStates(study::studyStatus(s));
            cells = s.definition().cellCount();
        } catch (const Error& e) {
            problems.push_back(e.what());
            list.push_back({{"study", name}, {"problem", e.what()}});
            table.rows.push_back({name + " (damaged)", "", "", "", "", "", ""});
            continue;
        }
        nlohmann::json states = nlohmann::json::object();
        std::vector<std::string> row = {name, std::to_string(cells)};
        for (study::CellState state : {study::CellState::Done, study::CellState::Running, study::CellState::Interrupted,
                                       study::CellState::Failed, study::CellState::Queued}) {
            states[study::cellStateNames().name(state)] = study::countOf(counts, state);
            row.push_back(std::to_string(study::countOf(counts, state)));
        }
        list.push_back({{"study", name}, {"cells", cells}, {"states", states}});
        table.rows.push_back(row);
    }
    if (context.json)
        context.printJson({{"studies", list}});
    else if (table.rows.empty())
        std::printf("no studies in %s (espalier-cli study create NAME --project %s ...)\n", dir.c_str(), dir.c_str());
    else
        std::fputs(report::renderTextTable(table).c_str(), stdout);
    for (const std::string& p : problems)
        std::fprintf(stderr, "espalier-cli: %s\n", p.c_str());
    return kExitOk;
}

int showStatus(const CliContext& context, const StudyArgs& a)
{
    const study::Study s = study::Study::open(projectDir(a), a.name);
    const std::vector<study::CellStatus> cells = study::studyStatus(s);
    if (context.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const study::CellStatus& c : cells) {
            nlohmann::json values = nlohmann::json::object();
            for (const auto& [key, value] : c.values)
                values[key] = value;
            list.push_back({{"run", c.runId}, {"values", values}, {"state", study::cellStateNames().name(c.state)},
                            {"steps_done", c.stepsDone}, {"planned_steps", c.plannedSteps},
                            {"best_dev_cer", c.bestDevCer ? nlohmann::json(*c.bestDevCer) : nlohmann::json()},
                            {"test_cer", c.testCer}, {"error", c.error}});
        }
        context.printJson({{"study", a.name}, {"cells", list}});
        return kExitOk;
    }
    report::Table table;
    for (const auto& axis : s.definition().axes)
        table.header.push_back(axis.key);
    std::vector<std::string> tests;
    for (const study::CellStatus& c : cells)
        for (const auto& [name, cer] : c.testCer)
            if (std::find(tests.begin(), tests.end(), name) == tests.end())
                tests.push_back(name);
    table.header.insert(table.header.begin(), "run");
    table.header.insert(table.header.end(), {"state", "steps", "dev CER"});
    table.header.insert(table.header.end(), tests.begin(), tests.end());
    table.numeric.assign(table.header.size(), false);
    for (size_t i = 1 + s.definition().axes.size() + 1; i < table.numeric.size(); ++i)
        table.numeric[i] = true;
    for (const study::CellStatus& c : cells) {
        std::vector<std::string> row = {c.runId};
        for (const auto& value : c.values)
            row.push_back(value.second);
        row.push_back(study::cellStateNames().name(c.state));
        row.push_back(std::to_string(c.stepsDone) + (c.plannedSteps > 0 ? "/" + std::to_string(c.plannedSteps) : ""));
        row.push_back(report::percentText(c.bestDevCer));
        for (const std::string& t : tests)
            row.push_back(c.testCer.count(t) ? report::percentText(c.testCer.at(t)) : "");
        table.rows.push_back(row);
    }
    std::fputs(report::renderTextTable(table).c_str(), stdout);
    for (const study::CellStatus& c : cells)
        if (!c.error.empty())
            std::printf("%s: %s\n", c.runId.c_str(), c.error.c_str());
    return kExitOk;
}

int runStudy(const CliContext& context, const StudyArgs& a)
{
    if (!a.report.empty()) {  // a report that could not be written is refused before hours of training
        report::formatOfPath(a.report);
        report::checkLanguage(a.language);
    }
    const int threads = context.threads;
    study::StudyJob job(study::Study::open(projectDir(a), a.name),
                        [threads](const study::StudyCell& cell, const std::string& runDir, bool resume) {
                            train::TrainConfig config = cell.config;
                            if (threads > 0)
                                config.threads = threads;
                            return std::make_unique<train::TrainJob>(config, runDir, resume);
                        },
                        {a.retryFailed, a.maxCells});
    const int code = context.runJob(job);
    const study::StudyRunSummary& sum = job.summary();
    if (context.json)
        context.printJson({{"study", a.name}, {"ran", sum.ran}, {"already_done", sum.alreadyDone},
                           {"running_elsewhere", sum.runningElsewhere}, {"failed", sum.failed},
                           {"failed_before", sum.failedBefore}, {"conflicts", sum.conflicts}});
    else if (!context.quiet || code == kExitOk)
        std::printf("study %s: ran %d, %d already done, %d running elsewhere, %zu failed%s\n", a.name.c_str(), sum.ran,
                    sum.alreadyDone, sum.runningElsewhere, sum.failed.size() + sum.failedBefore.size(),
                    sum.conflicts.empty() ? "" : (", " + std::to_string(sum.conflicts.size()) + " in conflict").c_str());
    if (code == kExitOk && !a.report.empty()) {
        writeStudyReport(a.project, a.name, a.report, a.language, a.groupSeeds);
        if (!context.json)
            std::printf("wrote %s\n", a.report.c_str());
    }
    return code;
}

} // namespace

void addStudyCommands(CLI::App& app, const CliContext& context, Action& action)
{
    CLI::App* studyCmd = app.add_subcommand("study", "Grids of runs over a base config: create, list, status, run")
                             ->require_subcommand(1);
    const auto bind = [&context, &action](CLI::App* cmd, std::shared_ptr<StudyArgs> a, int (*body)(const CliContext&, const StudyArgs&)) {
        cmd->add_option("--project", a->project, "Project folder")->required();
        cmd->callback([&context, &action, a, body] { action = [&context, a, body] { return body(context, *a); }; });
    };

    auto create = std::make_shared<StudyArgs>();
    CLI::App* createCmd = studyCmd->add_subcommand("create", "Write studies/NAME/study.yaml: a base config and axes over its keys");
    createCmd->add_option("name", create->name, "Study name (names its folder and its runs)")->required();
    createCmd->add_option("--base", create->base, "Training config file (relative to the project) or a shipped config's name")
        ->required();
    createCmd->add_option("--corpus", create->corpus, "A corpus of the project (by name) or a corpus folder replacing the base's data");
    createCmd->add_option("--set", create->settings, "KEY=VALUE set in every cell (steps=300)");
    createCmd->add_option("--axis", create->axes, "KEY=V1,V2,... one axis of the grid (seed=1,2,3); repeat for more");
    createCmd->add_option("--description", create->description, "What the study is for");
    bind(createCmd, create, createStudy);

    auto list = std::make_shared<StudyArgs>();
    bind(studyCmd->add_subcommand("list", "The project's studies with their cells per state"), list, listStudies);

    auto status = std::make_shared<StudyArgs>();
    CLI::App* statusCmd = studyCmd->add_subcommand("status", "Each cell of a study: its values, state, steps and CER");
    statusCmd->add_option("name", status->name, "Study name")->required();
    bind(statusCmd, status, showStatus);

    auto run = std::make_shared<StudyArgs>();
    CLI::App* runCmd = studyCmd->add_subcommand(
        "run", "Run the study's cells not yet done, resuming interrupted ones (Ctrl-C stops with a checkpoint; run again to go on)");
    runCmd->add_option("name", run->name, "Study name")->required();
    runCmd->add_flag("--retry-failed", run->retryFailed, "Run failed cells again");
    runCmd->add_option("--max-cells", run->maxCells, "Run at most this many cells, then stop")->check(CLI::PositiveNumber);
    runCmd->add_option("--report", run->report, "Then write the report of the study's runs here (.md, .html or .csv)");
    runCmd->add_option("--language", run->language, "The report's language: en or zh_CN")->capture_default_str();
    runCmd->add_flag("--group-seeds", run->groupSeeds, "The report folds runs that differ only in their seed");
    bind(runCmd, run, runStudy);
}

} // namespace espalier::cli
