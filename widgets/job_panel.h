#pragma once
// A strip that follows one JobController: title, stage, progress bar with ETA, Cancel, the
// equivalent CLI command and the job's log.
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QPlainTextEdit;
class QToolButton;

namespace espalier::widgets {

class JobController;

class JobPanel : public QWidget {
    Q_OBJECT
public:
    explicit JobPanel(QWidget* parent = nullptr);
    void setController(JobController* controller);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void onStarted(const QString& title);
    void onProgress(double fraction, double eta, qint64 done, qint64 total);
    void onFinished(int outcome, const QString& message);

    JobController* controller_ = nullptr;
    QLabel* title_;
    QLabel* stage_;
    QProgressBar* bar_;
    QLabel* eta_;
    QPushButton* cancel_;
    QPushButton* command_;
    QToolButton* logToggle_;
    QPlainTextEdit* log_;
};

// "4:07", "1:02:03"; "--:--" when unknown.
QString formatEta(double seconds);

} // namespace espalier::widgets
