#include "core/report/comparison_report.h"

#include "core/io/atomic_file.h"
#include "core/report/report_text.h"
#include "core/train/run_paths.h"

#include <cmath>
#include <cstdio>

namespace espalier::report {

namespace {

std::string number(double v, int decimals)
{
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
    return text;
}

std::string signedNumber(double v, int decimals)
{
    if (std::fabs(v) < 0.5 * std::pow(10.0, -decimals))
        v = 0.0;
    return (v > 0 ? "+" : v < 0 ? "−" : "") + number(std::fabs(v), decimals);
}

std::string joined(const std::vector<std::string>& items)
{
    std::string out;
    for (const auto& s : items)
        out += (out.empty() ? "" : ", ") + s;
    return out;
}

} // namespace

std::string metricLabel(const std::string& key, const std::string& language)
{
    if (key.rfind("test_cer.", 0) == 0)
        return text(language, "CER") + " " + key.substr(9);
    if (key == "best_dev_cer")
        return text(language, "Best dev CER");
    if (key == "sparsity")
        return text(language, "Sparsity");
    if (key == "steps")
        return text(language, "Steps");
    return key;
}

std::string formatMetric(const project::MetricRow& row, std::size_t column)
{
    const auto& v = row.values[column];
    if (!v)
        return "—";
    const bool percent = row.unit == "%";
    std::string out = percent ? number(*v * 100.0, 2) + " %" : number(*v, 0);
    if (row.spreads[column] && *row.spreads[column] > 0)
        out += " ± " + (percent ? number(*row.spreads[column] * 100.0, 2) : number(*row.spreads[column], 0));
    return out;
}

std::string formatMetricWithChange(const project::MetricRow& row, std::size_t column, std::size_t baseline)
{
    std::string cell = formatMetric(row, column);
    if (column != baseline && row.deltas[column]) {
        const bool percent = row.unit == "%";
        cell += " (" + signedNumber(*row.deltas[column] * (percent ? 100.0 : 1.0), percent ? 2 : 0) + ")";
    }
    return cell;
}

Document comparisonReport(const ComparisonReportRequest& request)
{
    checkLanguage(request.language);
    const std::string& lang = request.language;
    const auto t = [&](const std::string& english) { return text(lang, english); };
    const project::RunComparison comparison = project::compareRuns(request.runs, request.compare);

    Document doc;
    doc.language = lang;
    doc.title = t("Espalier report") + ": " + request.projectName;
    doc.paragraph(t("Project") + ": " + request.projectDir + " · " + t("Generated") + ": " + request.generated + " · "
                  + request.version);

    // Summary: metrics × columns, each non-baseline cell with its change.
    doc.heading(t("Summary"));
    Table summary;
    summary.header.push_back(t("Metric"));
    summary.numeric.push_back(false);
    bool grouped = false;
    for (std::size_t c = 0; c < comparison.columns.size(); ++c) {
        grouped = grouped || comparison.columns[c].runIds.size() > 1;
        summary.header.push_back(comparison.columns[c].label + (c == comparison.baseline ? " (" + t("baseline") + ")" : ""));
        summary.numeric.push_back(true);
    }
    for (const project::MetricRow& row : comparison.metrics) {
        std::vector<std::string> cells{metricLabel(row.key, lang)};
        for (std::size_t c = 0; c < comparison.columns.size(); ++c)
            cells.push_back(formatMetricWithChange(row, c, comparison.baseline));
        summary.rows.push_back(cells);
    }
    doc.table(summary);
    doc.paragraph(t("Change against the baseline in brackets (percentage points for CER and sparsity). Lower CER is better.")
                  + (grouped ? " " + t("mean ± standard deviation over seeds") + "." : ""));

    doc.heading(t("What differs"));
    if (comparison.differences.empty()) {
        doc.paragraph(t("The compared runs have the same settings."));
    } else {
        doc.paragraph(t("Only the settings whose values differ between the compared runs."));
        Table differences;
        differences.header.push_back(t("Setting"));
        for (const auto& column : comparison.columns)
            differences.header.push_back(column.label);
        for (const auto& d : comparison.differences) {
            std::vector<std::string> cells{d.key};
            cells.insert(cells.end(), d.values.begin(), d.values.end());
            differences.rows.push_back(cells);
        }
        doc.table(differences);
    }

    // One row per run: the table a CSV export holds, with every metric and differing setting.
    doc.heading(t("Runs"));
    Table runs;
    runs.header = {t("Run"), t("Kind"), t("Model"), t("Precision"), t("State"), t("Tags"), t("Note")};
    runs.numeric.assign(runs.header.size(), false);
    for (const auto& row : comparison.metrics) {
        runs.header.push_back(metricLabel(row.key, lang));
        runs.numeric.push_back(true);
    }
    for (const auto& d : comparison.differences) {
        runs.header.push_back(d.key);
        runs.numeric.push_back(false);
    }
    for (const project::IndexedRun& run : request.runs) {
        const train::RunRecord& r = run.record;
        std::vector<std::string> cells{r.id, t(run.kind), r.model, r.precision,
                                       t(std::string(train::runStateNames().name(r.state))), joined(run.tags), run.note};
        for (const auto& row : comparison.metrics) {
            const auto v = project::runMetric(run, row.key);
            cells.push_back(!v ? "" : row.unit == "%" ? number(*v * 100.0, 2) : number(*v, 0));
        }
        for (const auto& d : comparison.differences) {
            const auto it = run.config.find(d.key);
            cells.push_back(it == run.config.end() ? "" : it->second);
        }
        runs.rows.push_back(cells);
    }
    doc.table(runs, true);

    // Where each run came from (run.json): the build, the machine, when it ran.
    doc.heading(t("Environment"));
    Table environment;
    environment.header = {t("Run"), "Espalier", "LibTorch", t("Compiler"), t("Launched by"), t("CPU"), t("Instruction sets"),
                          t("Started"), t("Ended"), t("Launches")};
    environment.numeric.assign(environment.header.size(), false);
    bool anyInfo = false;
    for (const project::IndexedRun& run : request.runs) {
        if (!run.info) {
            environment.rows.push_back({run.record.id, "—", "", "", "", "", "", "", "", ""});
            continue;
        }
        anyInfo = true;
        const train::RunInfo& info = *run.info;
        const train::RunEnvironment& e = info.environment;
        const std::string started = info.launches.empty() ? "" : info.launches.front().started;
        const std::string ended = info.launches.empty() ? "" : info.launches.back().ended;
        std::string launches;
        for (const auto& l : info.launches)
            launches += (launches.empty() ? "" : ", ") + t(l.status);
        environment.rows.push_back({run.record.id, e.espalier, e.libtorch, e.compiler, e.frontEnd,
                                    e.cpu + (e.cores ? " (" + std::to_string(e.cores) + " " + t("cores") + ")" : ""),
                                    joined(e.isa), started, ended, launches});
    }
    if (anyInfo)
        doc.table(environment);
    else
        doc.paragraph(t("These runs were made before Espalier recorded its environment (run.json)."));

    doc.heading(t("Configuration"));
    for (const project::IndexedRun& run : request.runs) {
        std::string config;
        try {
            config = io::readFile(train::RunPaths(run.record.dir).config());
        } catch (const std::exception& e) {
            config = e.what();
        }
        doc.details(run.record.id, config);
    }

    doc.heading(t("Reproduce"));
    doc.paragraph(t("Each run again, from its resolved config:"));
    std::string commands;
    for (const project::IndexedRun& run : request.runs)
        commands += "espalier-cli train --config " + train::RunPaths(run.record.dir).config() + " --out "
            + request.projectDir + "/runs/" + run.record.id + "-again\n";
    bool recorded = false;
    for (const project::IndexedRun& run : request.runs)
        recorded = recorded || (run.info && !run.info->command.empty());
    if (recorded) {
        commands += "\n# " + t("as they were launched") + ":\n";
        for (const project::IndexedRun& run : request.runs)
            if (run.info && !run.info->command.empty())
                commands += run.info->command + "\n";
    }
    doc.code(commands);

    std::vector<std::string> problems;
    for (const project::IndexedRun& run : request.runs)
        if (!run.record.problem.empty())
            problems.push_back(run.record.id + ": " + run.record.problem);
    if (!problems.empty()) {
        doc.heading(t("Problems"));
        doc.paragraph(t("These run folders could not be read fully:"));
        std::string lines;
        for (const auto& p : problems)
            lines += p + "\n";
        doc.code(lines);
    }
    return doc;
}

} // namespace espalier::report
