#pragma once
// The Train page: launch a training run on a project corpus from a shipped config (model size,
// augmentation, precision, steps, time budget), watch its loss, learning rate, loss scale, throughput
// and dev CER live, pause (a checkpoint, then stop) and resume it, and compare the project's runs
// (runs/<id>/: config, curves, CER per test set, the equivalent espalier-cli command).
#include "widgets/pages/page.h"

#include <QMap>
#include <QString>

class QGroupBox;
class QLabel;
class QPushButton;
class QTableView;
class QTableWidget;

namespace espalier::widgets {

class JobController;
class JobPanel;
class MetricPlot;
class NewRunForm;
class RunTableModel;

class TrainPage : public Page {
    Q_OBJECT
public:
    explicit TrainPage(QWidget* parent = nullptr);
    ~TrainPage() override;

    QString title() const override;
    QIcon icon() const override;
    void setProject(std::shared_ptr<const project::Project> project) override;

    // Test and scripting hooks.
    NewRunForm* form() const { return form_; }
    RunTableModel* runModel() const { return runModel_; }
    JobController* controller() const { return controller_; }
    // The plot of a metric series ("loss", "lr", "loss_scale", "utterances_per_s", "dev_cer").
    MetricPlot* plot(const QString& series) const { return plots_.value(series); }
    QTableWidget* testTable() const { return testTable_; }
    QString selectedRunDir() const { return shownRun_; }
    bool selectRun(const QString& dir);
    // The espalier-cli command that reproduces the selected run (resumes it when it is paused).
    QString runCommand() const;

public slots:
    // Starts a run from the form; false (with the reason shown) when the form is invalid or a run is going.
    bool startRun();
    // Stops the running run after writing a checkpoint; it can be resumed.
    void pauseRun();
    // Resumes the selected paused run; false when it cannot be resumed.
    bool resumeRun();

signals:
    // A run ended (finished, paused, failed); the runs table is up to date.
    void runEnded();

protected:
    void retranslate() override;

private:
    void refreshRuns();
    void showRun(const QString& dir);
    void loadCurves(const QString& dir);
    void showTests(const QString& dir);
    void updateButtons();
    void onMetric(const QString& series, double step, double value);
    void onFinished(int outcome, const QString& message);
    bool launch(const QString& dir, bool resume);

    QLabel* heading_;
    QGroupBox* newRunBox_;
    NewRunForm* form_;
    QLabel* formProblem_;
    QPushButton* start_;
    QGroupBox* runsBox_;
    QTableView* runTable_;
    RunTableModel* runModel_;
    QPushButton* pause_;
    QPushButton* resume_;
    QPushButton* command_;
    QPushButton* openFolder_;
    QGroupBox* testsBox_;
    QTableWidget* testTable_;
    QMap<QString, MetricPlot*> plots_;
    JobController* controller_;
    JobPanel* jobPanel_;
    QString activeRun_;  // the folder of the run training now
    QString shownRun_;   // the folder whose curves and results are shown
    bool curvesStale_ = false;  // a resumed run's first points replace what its metrics file had after the checkpoint
};

} // namespace espalier::widgets
