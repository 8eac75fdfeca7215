// espalier-cli runs ... and report: the project's run store (list, show, tag, note, archive,
// delete, compare) and comparison reports rendered to Markdown, HTML or CSV.
#include "app/cli/commands.h"
#include "core/io/atomic_file.h"
#include "core/model/torch_setup.h"
#include "core/project/project.h"
#include "core/project/run_compare.h"
#include "core/project/run_index.h"
#include "core/report/comparison_report.h"
#include "core/report/renderers.h"
#include "core/report/report_text.h"
#include "core/runtime/error.h"
#include "core/study/study.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <ctime>

namespace espalier::cli {

namespace {

struct RunsArgs {
    std::string project;
    std::string folder;  // runs list: a project folder or a plain runs folder
    std::string id;      // the one run of tag, note, archive, delete
    std::vector<std::string> ids;
    std::string kind, tag, state, text, baseline, language = "en", out, note, study;
    std::vector<std::string> where, tags;
    bool all = false, remove = false, undo = false, yes = false, groupSeeds = false;
};

nlohmann::json runJson(const project::IndexedRun& run)
{
    const train::RunRecord& r = run.record;
    nlohmann::json tests = nlohmann::json::object();
    for (const auto& [name, t] : r.tests)
        tests[name] = {{"cer", t.cer}, {"n", t.n}, {"c", t.c}, {"s", t.s}, {"d", t.d}, {"i", t.i}};
    return {{"id", r.id},
            {"dir", r.dir},
            {"kind", run.kind},
            {"name", r.name},
            {"model", r.model},
            {"precision", r.precision},
            {"state", train::runStateNames().name(r.state)},
            {"steps_done", r.stepsDone},
            {"planned_steps", r.plannedSteps},
            {"sparsity", r.sparsity ? nlohmann::json(*r.sparsity) : nlohmann::json()},
            {"best_dev_cer", r.bestDevCer ? nlohmann::json(*r.bestDevCer) : nlohmann::json()},
            {"tests", tests},
            {"tags", run.tags},
            {"note", run.note},
            {"archived", run.archived},
            {"parents", run.parents},
            {"modified", run.modified},
            {"problem", r.problem},
            {"config", run.config},
            {"info", run.info ? nlohmann::json::parse(train::runInfoJson(*run.info)) : nlohmann::json()}};
}

project::RunFilter filterOf(const RunsArgs& a)
{
    project::RunFilter filter;
    filter.kind = a.kind;
    filter.tag = a.tag;
    filter.state = a.state;
    filter.text = a.text;
    filter.includeArchived = a.all;
    for (const std::string& w : a.where) {
        const auto eq = w.find('=');
        if (eq == std::string::npos || eq == 0)
            throw InputError("--where " + w + ": expected KEY=VALUE (a config key such as optimizer.lr=0.002)");
        filter.config.emplace_back(w.substr(0, eq), w.substr(eq + 1));
    }
    return filter;
}

// A study's runs that exist and pass the filter, in the study's grid order.
std::vector<project::IndexedRun> studyRuns(project::RunIndex& index, const RunsArgs& a)
{
    const std::vector<std::string> ids = study::Study::open(index.projectDir(), a.study).runIds();
    std::vector<project::IndexedRun> runs;
    for (project::IndexedRun& run : index.runs(filterOf(a)))
        if (std::find(ids.begin(), ids.end(), run.record.id) != ids.end())
            runs.push_back(std::move(run));
    std::sort(runs.begin(), runs.end(), [&ids](const project::IndexedRun& x, const project::IndexedRun& y) {
        return std::find(ids.begin(), ids.end(), x.record.id) < std::find(ids.begin(), ids.end(), y.record.id);
    });
    return runs;
}

// The runs a command names: by id in the given order, a study's, else by filter.
std::vector<project::IndexedRun> selectRuns(project::RunIndex& index, const RunsArgs& a)
{
    index.refresh();
    if (!a.study.empty()) {
        if (!a.ids.empty())
            throw InputError("give run ids or --study, not both");
        return studyRuns(index, a);
    }
    if (a.ids.empty())
        return index.runs(filterOf(a));
    std::vector<project::IndexedRun> runs;
    for (const std::string& id : a.ids) {
        auto run = index.run(id);
        if (!run)
            throw InputError("no run '" + id + "' in " + index.runsDir() + " (espalier-cli runs list --project "
                             + index.projectDir() + " lists them)");
        runs.push_back(std::move(*run));
    }
    return runs;
}

std::string nowText()
{
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm local{};
    localtime_r(&now, &local);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &local);
    return text;
}

// The runs `runs list` shows: a project's from its store, or a plain folder's runs read directly.
std::vector<project::IndexedRun> listedRuns(RunsArgs a)
{
    if (a.project.empty() && !a.folder.empty() && project::Project::isProject(a.folder))
        a.project = a.folder;
    if (!a.project.empty()) {
        project::RunIndex index(project::Project::open(a.project).dir());
        return selectRuns(index, a);
    }
    if (a.folder.empty())
        throw InputError("runs list: give a project (--project DIR) or a runs folder");
    if (!std::filesystem::is_directory(a.folder))
        throw InputError(a.folder + ": not a folder (give a project folder or a runs folder)");
    std::vector<project::IndexedRun> runs;
    for (const train::RunRecord& record : train::listRuns(a.folder))
        runs.push_back(project::readIndexedRun(record.dir, a.folder));
    return runs;
}

int listRuns(const CliContext& context, const RunsArgs& a)
{
    const auto runs = listedRuns(a);
    if (context.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& run : runs)
            list.push_back(runJson(run));
        context.printJson({{"runs", list}});
        return kExitOk;
    }
    report::Table table;
    table.header = {"id", "kind", "state", "model", "steps", "sparsity", "best dev CER", "tags"};
    table.numeric = {false, false, false, false, true, true, true, false};
    for (const auto& run : runs) {
        const auto& r = run.record;
        std::string tags;
        for (const auto& t : run.tags)
            tags += (tags.empty() ? "" : ",") + t;
        table.rows.push_back({r.id + (run.archived ? " (archived)" : "") + (r.problem.empty() ? "" : " (damaged)"),
                              run.kind, std::string(train::runStateNames().name(r.state)), r.model,
                              std::to_string(r.stepsDone), report::percentText(r.sparsity), report::percentText(r.bestDevCer), tags});
    }
    std::fputs(report::renderTextTable(table).c_str(), stdout);
    std::printf("%zu run%s\n", runs.size(), runs.size() == 1 ? "" : "s");
    return kExitOk;
}

int showRun(const CliContext& context, const RunsArgs& a)
{
    project::RunIndex index(project::Project::open(a.project).dir());
    const auto runs = selectRuns(index, a);
    for (const auto& run : runs) {
        if (context.json) {
            context.printJson(runJson(run));
            continue;
        }
        const auto& r = run.record;
        std::printf("run       %s\nfolder    %s\nkind      %s\nstate     %s\nmodel     %s\nsteps     %lld\n", r.id.c_str(),
                    r.dir.c_str(), run.kind.c_str(), train::runStateNames().name(r.state), r.model.c_str(), r.stepsDone);
        if (r.bestDevCer)
            std::printf("dev CER   %s\n", report::percentText(r.bestDevCer).c_str());
        for (const auto& [name, t] : r.tests)
            std::printf("test      %s  CER %s\n", name.c_str(), report::percentText(t.cer).c_str());
        for (const auto& p : run.parents)
            std::printf("parent    %s\n", p.c_str());
        if (!run.tags.empty()) {
            std::string tags;
            for (const auto& t : run.tags)
                tags += (tags.empty() ? "" : ", ") + t;
            std::printf("tags      %s\n", tags.c_str());
        }
        if (!run.note.empty())
            std::printf("note      %s\n", run.note.c_str());
        if (run.info) {
            const train::RunEnvironment& e = run.info->environment;
            std::printf("command   %s\nbuild     espalier %s, LibTorch %s, %s%s\nmachine   %s (%d cores) on %s\n",
                        run.info->command.c_str(), e.espalier.c_str(), e.libtorch.c_str(), e.compiler.c_str(),
                        e.frontEnd.empty() ? "" : ("; launched by " + e.frontEnd).c_str(), e.cpu.c_str(),
                        e.cores, e.host.c_str());
            for (const auto& l : run.info->launches)
                std::printf("launch    %s → %s  %s at step %lld%s\n", l.started.c_str(), l.ended.empty() ? "…" : l.ended.c_str(),
                            l.status.c_str(), l.steps, l.error.empty() ? "" : ("  " + l.error).c_str());
        }
        if (!r.problem.empty())
            std::printf("problem   %s\n", r.problem.c_str());
    }
    return kExitOk;
}

report::ComparisonReportRequest reportRequest(const RunsArgs& a, project::RunIndex& index, const project::Project& p)
{
    report::ComparisonReportRequest request;
    request.projectName = p.config().name;
    request.projectDir = p.dir();
    request.runs = selectRuns(index, a);
    if (request.runs.empty() && !a.study.empty())
        throw InputError("study " + a.study + " has no runs yet (espalier-cli study run " + a.study + " --project " + p.dir() + ")");
    if (request.runs.empty())
        throw InputError("no runs match: name them (runs compare ID ID ...) or loosen the filter");
    request.compare.baseline = a.baseline;
    request.compare.groupSeeds = a.groupSeeds;
    request.language = a.language;
    request.generated = nowText();
    request.version = std::string("espalier-cli ") + ESPALIER_VERSION + " (LibTorch " + model::torchVersion() + ")";
    return request;
}

int compareRuns(const CliContext& context, const RunsArgs& a)
{
    const project::Project p = project::Project::open(a.project);
    project::RunIndex index(p.dir());
    const auto request = reportRequest(a, index, p);
    if (context.json) {
        const auto c = project::compareRuns(request.runs, request.compare);
        nlohmann::json columns = nlohmann::json::array(), metrics = nlohmann::json::array(),
                       differences = nlohmann::json::object();
        for (const auto& column : c.columns)
            columns.push_back({{"label", column.label}, {"runs", column.runIds}, {"seeds", column.seeds}});
        const auto optional = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
        for (const auto& row : c.metrics) {
            nlohmann::json values = nlohmann::json::array(), spreads = nlohmann::json::array(), deltas = nlohmann::json::array();
            for (std::size_t i = 0; i < row.values.size(); ++i) {
                values.push_back(optional(row.values[i]));
                spreads.push_back(optional(row.spreads[i]));
                deltas.push_back(optional(row.deltas[i]));
            }
            metrics.push_back({{"key", row.key}, {"values", values}, {"spreads", spreads}, {"deltas", deltas}});
        }
        for (const auto& d : c.differences)
            differences[d.key] = d.values;
        context.printJson({{"columns", columns}, {"baseline", c.baseline}, {"metrics", metrics},
                           {"differences", differences}});
        return kExitOk;
    }
    const report::Document doc = report::comparisonReport(request);
    // The summary and the differences: the report's tables before its per-run table.
    int tables = 0;
    // (The primary table's own heading, just before it, is left out too.)
    for (std::size_t i = 0; i + 1 < doc.blocks.size() && static_cast<int>(i + 1) != doc.primaryTable; ++i) {
        const auto& block = doc.blocks[i];
        if (block.kind == report::Block::Kind::Heading && i > 0)
            std::printf("%s%s\n", tables++ ? "\n" : "", block.text.c_str());
        else if (block.kind == report::Block::Kind::Table)
            std::fputs(report::renderTextTable(block.table).c_str(), stdout);
        else if (block.kind == report::Block::Kind::Paragraph && i > 1)
            std::printf("%s\n", block.text.c_str());
    }
    return kExitOk;
}

void renderReport(const RunsArgs& a)
{
    const report::Format format = report::formatOfPath(a.out);  // before any work
    report::checkLanguage(a.language);
    const project::Project p = project::Project::open(a.project);
    project::RunIndex index(p.dir());
    const report::Document doc = report::comparisonReport(reportRequest(a, index, p));
    io::writeFileAtomic(a.out, report::render(doc, format));
}

int writeReport(const CliContext& context, const RunsArgs& a)
{
    renderReport(a);
    if (context.json)
        context.printJson({{"out", a.out}, {"runs", a.ids}});
    else if (!context.quiet)
        std::printf("wrote %s\n", a.out.c_str());
    return kExitOk;
}

void addSelection(CLI::App* command, RunsArgs& a)
{
    command->add_option("--kind", a.kind, "Only runs of this kind (train, prune)");
    command->add_option("--tag", a.tag, "Only runs with this tag");
    command->add_option("--state", a.state, "Only runs in this state (empty, stopped, finished)");
    command->add_option("--where", a.where, "Only runs whose config has KEY=VALUE (repeatable)");
    command->add_option("--search", a.text, "Only runs whose id, name or note contains this text");
    command->add_flag("--all", a.all, "Include archived runs");
    command->add_option("--study", a.study, "Only the runs of this study, in its grid order");
}

} // namespace

void writeStudyReport(const std::string& project, const std::string& study, const std::string& out,
                      const std::string& language, bool groupSeeds)
{
    RunsArgs a;
    a.project = project;
    a.study = study;
    a.out = out;
    a.language = language;
    a.groupSeeds = groupSeeds;
    renderReport(a);
}

void addRunsCommands(CLI::App& app, const CliContext& context, Action& action)
{
    auto a = std::make_shared<RunsArgs>();
    CLI::App* runs = app.add_subcommand("runs", "The project's runs: list, show, tag, note, archive, delete, compare");
    runs->require_subcommand(1);
    const auto projectOption = [a](CLI::App* command) {
        command->add_option("--project", a->project, "Project folder")->required();
    };

    CLI::App* list = runs->add_subcommand("list", "List the runs of a project (or of a plain runs folder), newest first");
    list->add_option("folder", a->folder, "A project folder or a runs folder (instead of --project)");
    list->add_option("--project", a->project, "Project folder");
    addSelection(list, *a);
    list->callback([&context, &action, a] { action = [&context, a] { return listRuns(context, *a); }; });

    CLI::App* show = runs->add_subcommand("show", "Describe runs: state, results, parents, tags, problems");
    projectOption(show);
    show->add_option("ids", a->ids, "Run ids")->required();
    show->callback([&context, &action, a] { action = [&context, a] { return showRun(context, *a); }; });

    CLI::App* tag = runs->add_subcommand("tag", "Add tags to a run (--remove: take them off)");
    projectOption(tag);
    tag->add_option("id", a->id, "Run id")->required();
    tag->add_option("tags", a->tags, "Tags")->required();
    tag->add_flag("--remove", a->remove, "Remove the tags instead");
    tag->callback([&action, a] {
        action = [a] {
            project::RunIndex index(project::Project::open(a->project).dir());
            index.refresh();
            a->remove ? index.tag(a->id, {}, a->tags) : index.tag(a->id, a->tags);
            return kExitOk;
        };
    });

    CLI::App* note = runs->add_subcommand("note", "Set a run's note (\"\" clears it)");
    projectOption(note);
    note->add_option("id", a->id, "Run id")->required();
    note->add_option("text", a->note, "The note")->required();
    note->callback([&action, a] {
        action = [a] {
            project::RunIndex index(project::Project::open(a->project).dir());
            index.setNote(a->id, a->note);
            return kExitOk;
        };
    });

    CLI::App* archive = runs->add_subcommand("archive", "Hide a run from lists and comparisons (--undo: show it again)");
    projectOption(archive);
    archive->add_option("id", a->id, "Run id")->required();
    archive->add_flag("--undo", a->undo, "Unarchive");
    archive->callback([&action, a] {
        action = [a] {
            project::RunIndex index(project::Project::open(a->project).dir());
            index.setArchived(a->id, !a->undo);
            return kExitOk;
        };
    });

    CLI::App* remove = runs->add_subcommand("delete", "Delete a run folder and everything in it (needs --yes)");
    projectOption(remove);
    remove->add_option("id", a->id, "Run id")->required();
    remove->add_flag("--yes", a->yes, "Confirm the deletion");
    remove->callback([&context, &action, a] {
        action = [&context, a] {
            project::RunIndex index(project::Project::open(a->project).dir());
            const std::string dir = index.runsDir() + "/" + a->id;
            if (!a->yes)
                throw InputError("runs delete: this removes " + dir + " and everything in it; add --yes to confirm");
            index.remove(a->id);
            if (!context.quiet && !context.json)
                std::printf("deleted %s\n", dir.c_str());
            return kExitOk;
        };
    });

    CLI::App* compare = runs->add_subcommand("compare", "Compare runs: metrics with changes against a baseline, differing settings");
    projectOption(compare);
    compare->add_option("ids", a->ids, "Run ids (none: every run the filter selects)");
    addSelection(compare, *a);
    compare->add_option("--baseline", a->baseline, "The run the changes are measured against (default: the first)");
    compare->add_flag("--group-seeds", a->groupSeeds, "Fold runs that differ only in their seed (mean ± spread)");
    compare->add_option("--language", a->language, "en or zh_CN")->capture_default_str();
    compare->callback([&context, &action, a] { action = [&context, a] { return compareRuns(context, *a); }; });

    CLI::App* report = app.add_subcommand("report", "Write a comparison report of runs (.md, .html or .csv)");
    report->add_option("--project", a->project, "Project folder")->required();
    report->add_option("--runs", a->ids, "Run ids (none: every run the filter selects)");
    addSelection(report, *a);
    report->add_option("--baseline", a->baseline, "The run the changes are measured against (default: the first)");
    report->add_flag("--group-seeds", a->groupSeeds, "Fold runs that differ only in their seed (mean ± spread)");
    report->add_option("--language", a->language, "en or zh_CN")->capture_default_str();
    report->add_option("--out", a->out, "The report file: .md, .html or .csv")->required();
    report->callback([&context, &action, a] { action = [&context, a] { return writeReport(context, *a); }; });
}

} // namespace espalier::cli
