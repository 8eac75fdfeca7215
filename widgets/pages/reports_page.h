#pragma once
// The Reports page: choose runs of the project (or take them from the Results page), a baseline,
// seed folding and the language, preview the comparison report as it will read, and save it as
// Markdown, HTML or CSV — the same document `espalier-cli report` writes (Show command).
#include "widgets/pages/page.h"

#include <QStringList>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QListWidget;
class QPushButton;
class QTextBrowser;

namespace espalier::report {
struct ComparisonReportRequest;
}

namespace espalier::widgets {

class ReportsPage : public Page {
    Q_OBJECT
public:
    explicit ReportsPage(QWidget* parent = nullptr);
    ~ReportsPage() override;

    QString title() const override;
    QIcon icon() const override;
    void setProject(std::shared_ptr<const project::Project> project) override;

    // Test and scripting hooks.
    QListWidget* runList() const { return runs_; }
    QTextBrowser* preview() const { return preview_; }
    QComboBox* languageBox() const { return language_; }
    QStringList checkedRuns() const;  // oldest id first
    // The command that writes this report to `out`.
    QString reportCommand(const QString& out) const;
    // Writes the report shown to path (format from its extension) in the background; reportSaved follows.
    void saveReport(const QString& path);
    QString lastPreviewMarkdown() const { return markdown_; }

public slots:
    // Checks exactly these runs (listed ones), with this baseline and seed folding; the preview follows.
    void setSelection(const QStringList& ids, const QString& baseline, bool groupSeeds);
    void reloadRuns();
    void updatePreview();

signals:
    void runsListed();
    void previewReady();
    void reportSaved(const QString& path, const QString& error);

protected:
    void retranslate() override;

private:
    void updateBaselines();
    // The request the controls describe, without its runs (read on a worker thread).
    report::ComparisonReportRequest requestTemplate() const;

    QLabel* heading_;
    QGroupBox* runsBox_;
    QListWidget* runs_;
    QLabel* baselineLabel_;
    QComboBox* baseline_;
    QCheckBox* groupSeeds_;
    QLabel* languageLabel_;
    QComboBox* language_;
    QPushButton* save_;
    QPushButton* command_;
    QGroupBox* previewBox_;
    QTextBrowser* preview_;
    QString markdown_;
    QStringList pendingSelection_;
    QString pendingBaseline_;
    int previewGeneration_ = 0;
};

} // namespace espalier::widgets
