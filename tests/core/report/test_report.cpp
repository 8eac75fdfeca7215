// Comparison reports from fixture runs: the expected rows, numbers and changes in Markdown, HTML and
// CSV, in English and Chinese; text escaped for each format; bad requests refused.
#include "core/report/comparison_report.h"
#include "core/report/renderers.h"
#include "core/runtime/error.h"
#include "tests/core/project/run_fixture.h"

#include <QTemporaryDir>
#include <QTest>

using namespace espalier;

namespace {

struct Fixture {
    QTemporaryDir tmp;
    std::string runs = tmp.path().toStdString() + "/runs";
    report::ComparisonReportRequest request;

    Fixture()
    {
        for (const auto& r : std::vector<runfixture::FixtureRun>{
                 {"dense", "", 1, 0.002, 100, {{"test_clean", 0.0812}, {"test_noisy", 0.2}}, 0.09},
                 {"sparse70", "recipe: gradual-70.yaml\n", 1, 0.002, 100, {{"test_clean", 0.0931}, {"test_noisy", 0.19}}, 0.1, 0.7}})
            request.runs.push_back(project::readIndexedRun(runfixture::writeRun(runs, r), runs));
        train::RunInfo info;
        info.command = "espalier-cli train --config c.yaml --out sparse70";
        info.environment.espalier = "0.1.0 (git abc123)";
        info.environment.libtorch = "1.13.1";
        info.environment.compiler = "GCC 12.2.0";
        info.environment.frontEnd = "espalier (Qt 6.4.2)";
        info.environment.cpu = "2x AMD EPYC 7B12";
        info.environment.cores = 2;
        info.environment.isa = {"avx2", "fma"};
        info.launches.push_back({"2026-12-06T14:03:00Z", "2026-12-06T14:25:00Z", "finished", 100, ""});
        request.runs[1].info = info;
        request.runs[1].note = "a <b> & \"c\", d";
        request.runs[1].tags = {"seed-table"};
        request.projectName = "Demo";
        request.projectDir = tmp.path().toStdString();
        request.generated = "2026-12-07 20:00";
        request.version = "espalier-cli test";
    }
};

QStringList csvRows(const std::string& csv)
{
    QString text = QString::fromStdString(csv);
    if (text.startsWith(QChar(0xFEFF)))
        text.remove(0, 1);
    return text.split("\r\n", Qt::SkipEmptyParts);
}

} // namespace

class TestReport : public QObject {
    Q_OBJECT
private slots:
    void markdownHasTheRowsAndChanges()
    {
        Fixture f;
        const std::string md = report::renderMarkdown(report::comparisonReport(f.request));
        QVERIFY(md.rfind("# Espalier report: Demo\n", 0) == 0);
        // The summary: values as percentages, the change in percentage points against the baseline.
        QVERIFY2(md.find("| CER test_clean | 8.12 % | 9.31 % (+1.19) |") != std::string::npos, md.c_str());
        QVERIFY2(md.find("| CER test_noisy | 20.00 % | 19.00 % (−1.00) |") != std::string::npos, md.c_str());
        QVERIFY(md.find("| Sparsity | — | 70.00 % |") != std::string::npos);
        QVERIFY(md.find("| Metric | dense (baseline) | sparse70 |\n| --- | ---: | ---: |") != std::string::npos);
        // Only the recipe differs.
        QVERIFY(md.find("| recipe | — | gradual-70.yaml |") != std::string::npos);
        QVERIFY(md.find("| optimizer.lr |") == std::string::npos);
        // Each run's config folded, and the commands that reproduce it.
        QVERIFY(md.find("<details><summary>sparse70</summary>") != std::string::npos);
        QVERIFY(md.find("espalier-cli train --config " + f.runs + "/sparse70/config.yaml") != std::string::npos);
        QVERIFY(md.find("| a &lt;b> &amp; \"c\", d |") != std::string::npos);  // a note as text, not HTML
        // Where each run came from, and the command it was launched with.
        QVERIFY2(md.find("| sparse70 | 0.1.0 (git abc123) | 1.13.1 | GCC 12.2.0 | espalier (Qt 6.4.2) | 2x AMD EPYC 7B12 (2 cores) | avx2, fma | "
                         "2026-12-06T14:03:00Z | 2026-12-06T14:25:00Z | finished |") != std::string::npos, md.c_str());
        QVERIFY(md.find("| dense | — |") != std::string::npos);
        QVERIFY(md.find("espalier-cli train --config c.yaml --out sparse70\n") != std::string::npos);
    }

    void theBaselineCanBeAnyRun()
    {
        Fixture f;
        f.request.compare.baseline = "sparse70";
        const std::string md = report::renderMarkdown(report::comparisonReport(f.request));
        QVERIFY2(md.find("| CER test_clean | 8.12 % (−1.19) | 9.31 % |") != std::string::npos, md.c_str());
        QVERIFY(md.find("| Metric | dense | sparse70 (baseline) |") != std::string::npos);
    }

    void htmlIsSelfContainedAndEscaped()
    {
        Fixture f;
        const std::string html = report::renderHtml(report::comparisonReport(f.request));
        QVERIFY(html.rfind("<!DOCTYPE html>", 0) == 0);
        QVERIFY(html.find("<meta charset=\"utf-8\">") != std::string::npos);
        QVERIFY(html.find("a &lt;b&gt; &amp; &quot;c&quot;, d") != std::string::npos);
        QVERIFY(html.find("<td class=\"num\">9.31 % (+1.19)</td>") != std::string::npos);
        for (const char* outside : {"http://", "https://", "<script", "<link", "src="})
            QVERIFY2(html.find(outside) == std::string::npos, outside);
    }

    void csvHoldsOneRowPerRun()
    {
        Fixture f;
        const QStringList rows = csvRows(report::renderCsv(report::comparisonReport(f.request)));
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows[0], QString("Run,Kind,Model,Precision,State,Tags,Note,CER test_clean,CER test_noisy,Best dev CER,"
                                  "Sparsity,Steps,recipe"));
        QCOMPARE(rows[1], QString("dense,train,Conformer tiny,fp32,finished,,,8.12,20.00,9.00,,100,"));
        QCOMPARE(rows[2], QString("sparse70,prune,Conformer tiny,fp32,finished,seed-table,\"a <b> & \"\"c\"\", d\",9.31,"
                                  "19.00,10.00,70.00,100,gradual-70.yaml"));
    }

    void chinese()
    {
        Fixture f;
        f.request.language = "zh_CN";
        const report::Document doc = report::comparisonReport(f.request);
        const std::string md = report::renderMarkdown(doc);
        QVERIFY(md.rfind("# Espalier 报告: Demo\n", 0) == 0);
        QVERIFY(md.find("## 结果对比") != std::string::npos);
        QVERIFY(md.find("| 指标 | dense (基线) | sparse70 |") != std::string::npos);
        QVERIFY(md.find("## 复现") != std::string::npos);
        QVERIFY(report::renderHtml(doc).find("<html lang=\"zh-CN\">") != std::string::npos);
        QVERIFY(csvRows(report::renderCsv(doc))[2].startsWith("sparse70,剪枝,"));
    }

    void textTablesAlignWideCharacters()
    {
        report::Table t;
        t.header = {"名称", "n"};
        t.numeric = {false, true};
        t.rows = {{"ab", "1"}, {"稀疏", "10"}};
        QCOMPARE(report::renderTextTable(t), std::string("名称   n\nab     1\n稀疏  10\n"));
    }

    void badRequestsAreRefused()
    {
        Fixture f;
        f.request.language = "fr";
        QVERIFY_THROWS_EXCEPTION(InputError, report::comparisonReport(f.request));
        QVERIFY_THROWS_EXCEPTION(InputError, report::formatOfPath("out.docx"));
        QCOMPARE(report::formatOfPath("a/B.HTML"), report::Format::Html);
        f.request.language = "en";
        f.request.runs.clear();
        QVERIFY_THROWS_EXCEPTION(InputError, report::comparisonReport(f.request));
    }
};

QTEST_GUILESS_MAIN(TestReport)
#include "test_report.moc"
