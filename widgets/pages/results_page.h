#pragma once
// The Results page: every run of the project from the run store (espalier.db, refreshed from the run
// folders while runs are going), filtered by kind, tag, state, any config value or text, sortable;
// tags, notes, archive and delete; and a comparison of the selected runs — metrics against a chosen
// baseline with a change column, mean ± spread over seeds, only the settings that differ — with CER
// against sparsity plotted. Every view is an espalier-cli runs command (Show command).
#include "widgets/pages/page.h"

#include "core/project/run_index.h"

#include <QStringList>

#include <functional>
#include <vector>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTabWidget;
class QTableWidget;
class QTimer;

namespace espalier::widgets {

class MetricPlot;
class RunTableModel;
class StudiesPanel;

class ResultsPage : public Page {
    Q_OBJECT
public:
    explicit ResultsPage(QWidget* parent = nullptr);
    ~ResultsPage() override;

    QString title() const override;
    QIcon icon() const override;
    void setProject(std::shared_ptr<const project::Project> project) override;

    // Test and scripting hooks.
    RunTableModel* runModel() const { return model_; }
    QTableWidget* comparisonTable() const { return comparison_; }
    MetricPlot* sparsityPlot() const { return plot_; }
    QComboBox* baselineBox() const { return baseline_; }
    QCheckBox* groupSeedsBox() const { return groupSeeds_; }
    QLineEdit* whereEdit() const { return where_; }
    StudiesPanel* studiesPanel() const { return studies_; }
    QTabWidget* tabs() const { return tabs_; }
    // Selects these runs in the table (the comparison follows); false if one is not listed.
    bool selectRuns(const QStringList& ids);
    QStringList selectedRuns() const;  // oldest id first
    // The filter the controls describe; throws InputError for a malformed "key=value" condition.
    project::RunFilter filter() const;
    // The espalier-cli command that prints the comparison shown.
    QString compareCommand() const;

public slots:
    // Refreshes the index from the run folders and lists the runs again (in the background).
    void reload();
    // Annotations of the selected runs, done in the background; then the list reloads.
    void tagSelected(const QString& tag);
    void noteSelected(const QString& note);
    void archiveSelected(bool archived);
    void deleteSelected();  // without asking: the button asks first

signals:
    // A reload finished and the table shows its result.
    void runsLoaded();
    // The user asked for a report of these runs (the Reports page takes them).
    void reportRequested(const QStringList& ids, const QString& baseline, bool groupSeeds);

protected:
    void retranslate() override;

private:
    void showRuns(std::vector<project::IndexedRun> runs, const QString& error);
    void updateComparison();
    void updatePlot();
    void updateButtons();
    void annotate(const QString& title, std::function<void(project::RunIndex&, const std::string&)> change);

    QLabel* heading_;
    QLabel* filterLabel_;
    QComboBox* kind_;
    QComboBox* state_;
    QLineEdit* tag_;
    QLineEdit* where_;
    QLineEdit* search_;
    QCheckBox* archived_;
    QLabel* problem_;
    QTabWidget* tabs_;
    QGroupBox* runsBox_;
    StudiesPanel* studies_;
    QTableView* table_;
    RunTableModel* model_;
    QSortFilterProxyModel* proxy_;
    QPushButton* tagButton_;
    QPushButton* noteButton_;
    QPushButton* archiveButton_;
    QPushButton* deleteButton_;
    QGroupBox* compareBox_;
    QLabel* baselineLabel_;
    QComboBox* baseline_;
    QCheckBox* groupSeeds_;
    QTableWidget* comparison_;
    QLabel* compareNote_;
    QPushButton* commandButton_;
    QPushButton* reportButton_;
    QGroupBox* plotBox_;
    QComboBox* plotTest_;
    MetricPlot* plot_;
    QTimer* poll_;
    bool loading_ = false;
    bool reloadAgain_ = false;
    std::string listedSignature_;
};

} // namespace espalier::widgets
