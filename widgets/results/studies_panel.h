#pragma once
// The Results page's Studies view: the project's studies with their cells per state, the chosen
// study's grid (each cell's values, state and progress, dev and test CER), and Run / Stop for its
// queue (a StudyJob of training runs, with progress and ETA; Stop leaves a checkpoint that the next
// Run continues from). Choosing a study selects its runs in the Results table, so the comparison
// below shows it. Each action is an espalier-cli study command (Show command).
#include "core/study/study_status.h"

#include <QStringList>
#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;
class QTimer;

namespace espalier::project {
class Project;
}

namespace espalier::widgets {

class JobController;
class JobPanel;

class StudiesPanel : public QWidget {
    Q_OBJECT
public:
    explicit StudiesPanel(QWidget* parent = nullptr);
    ~StudiesPanel() override;

    void setProject(std::shared_ptr<const project::Project> project);

    // Test and scripting hooks.
    QComboBox* studyBox() const { return studies_; }
    QTableWidget* cellTable() const { return cells_; }
    JobController* controller() const { return controller_; }
    QString currentStudy() const;
    QStringList currentRunIds() const;  // the shown study's cells, in grid order
    // Starts the current study's queue; false when none is chosen or one runs.
    bool runStudy();
    // `espalier-cli study run NAME --project DIR`.
    QString runCommand() const;

public slots:
    // Reads the studies and the current one's cells again (in the background).
    void reload();

signals:
    // A study was chosen (or its cells changed state): its run ids, in grid order.
    void studyRunsChanged(const QStringList& runIds);
    // A reload finished and the view shows it.
    void loaded();

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Loaded;
    void showLoaded(const Loaded& loaded);
    void retranslate();
    void updateButtons();

    std::shared_ptr<const project::Project> project_;
    QLabel* studyLabel_;
    QComboBox* studies_;
    QLabel* summary_;
    QTableWidget* cells_;
    QPushButton* runButton_;
    QPushButton* stopButton_;
    QPushButton* commandButton_;
    QLabel* empty_;
    JobController* controller_;
    JobPanel* jobPanel_;
    QTimer* poll_;
    bool loading_ = false;
    bool reloadAgain_ = false;  // asked while a load was under way
    int generation_ = 0;        // of the project: a load for an earlier one is dropped
    std::vector<study::CellStatus> shown_;
    QStringList shownWithRuns_; // the cells with a run folder, as last announced
    QStringList shownAxes_;
    QString problem_;
};

} // namespace espalier::widgets
