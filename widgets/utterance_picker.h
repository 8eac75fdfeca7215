#pragma once
// Picks an utterance from any corpus of the open project: corpus and split combos over a filterable
// utterance table (the Data page's browser and the Augment page's source). Splits and manifests are
// read in the background, and only while the picker is shown; failures show in its status line and
// in loadFailed(), which a host may turn into a dialog.
#include "core/data/corpus.h"
#include "core/data/manifest.h"

#include <QWidget>

#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QModelIndex;
class QSortFilterProxyModel;
class QTableView;

namespace espalier::project {
class Project;
}

namespace espalier::widgets {

class UtteranceTableModel;

class UtterancePicker : public QWidget {
    Q_OBJECT
public:
    // Compact: corpus and split side by side above the filter, no speaker column (a side panel).
    // Wide: split and filter on one row above every column; the host lays out corpusBar().
    enum class Layout { Compact, Wide };

    explicit UtterancePicker(Layout layout, QWidget* parent = nullptr);
    ~UtterancePicker() override;

    void setProject(const project::Project* project);
    // The corpus label and combo: part of the picker in the Compact layout; in the Wide layout the
    // host puts it in a layout of its own (the Data page shows it above its statistics). Its focus
    // proxy is the combo.
    QWidget* corpusBar() const { return corpusBar_; }
    // The status line's text while the project has no corpus (by default the utterance count).
    void setNoCorpusText(const QString& text);

    // True while splits or a manifest are read (a hidden picker reads nothing).
    bool isBusy() const { return runningTasks_ > 0; }
    QString currentCorpusName() const;
    QString currentCorpusPath() const { return corpusPath_; }
    bool selectCorpus(const QString& name);
    bool selectSplit(const QString& name);
    // Selects the utterance on row of the filtered view (emits utterancePicked).
    void selectRow(int row);
    // Selects the utterance with this key in the current split; false if there is none.
    bool selectKey(const QString& key);
    UtteranceTableModel* model() const { return model_; }
    // For hosts that name them (tests find them by objectName).
    QLineEdit* filterEdit() const { return filterEdit_; }
    QTableView* table() const { return table_; }

signals:
    // Another corpus was selected (an empty path when none); its splits are read once it is shown.
    void corpusChanged(const QString& path);
    // Reading the current corpus began: hosts start their own work on it here.
    void loadStarted(const QString& path);
    void splitsLoaded(int count);
    void utterancesLoaded(int count);
    // The list was emptied (another corpus or split): the picked utterance is no longer listed.
    void cleared();
    void utterancePicked(const QString& audioPath, const QString& key, const QString& text);
    // The corpus or a manifest cannot be read; the message also shows in the status line.
    void loadFailed(const QString& title, const QString& message);

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void buildLayout();
    void retranslate();
    void loadCorpus(int index);
    void startPendingLoad();
    void onSplitsRead(const std::vector<data::CorpusSplit>& splits, const QString& error);
    void loadManifest(int splitIndex);
    void onCurrentChanged(const QModelIndex& proxyIndex);
    void clearList();
    void setStatus(const QString& text, bool error);
    void updateStatus();
    void updateIssues();

    const Layout layout_;
    QWidget* corpusBar_;
    QLabel* corpusLabel_;
    QComboBox* corpusCombo_;
    QLabel* splitLabel_;
    QComboBox* splitCombo_;
    QLineEdit* filterEdit_;
    QTableView* table_;
    QLabel* statusLabel_;
    QLabel* issuesLabel_;
    UtteranceTableModel* model_;
    QSortFilterProxyModel* proxy_;

    // Each background read carries a generation; results of superseded ones are dropped.
    QString corpusPath_;
    QString noCorpusText_;
    bool loadPending_ = false;
    std::vector<data::CorpusSplit> splits_;
    std::vector<data::ManifestIssue> issues_;
    int splitsGeneration_ = 0;
    int manifestGeneration_ = 0;
    int runningTasks_ = 0;
    QString error_;
    QPalette::ColorRole statusRole_ = QPalette::WindowText;  // the status line's colour when not an error
};

} // namespace espalier::widgets
