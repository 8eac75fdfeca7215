#pragma once
// Picks an utterance from any corpus of the open project: corpus and split combos over a filterable
// utterance table. Manifests are read in the background, only while the picker is shown; errors show
// inline (the Data page reports corpus errors in dialogs already).
#include "data/corpus.h"

#include <QWidget>

#include <memory>
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
    explicit UtterancePicker(QWidget* parent = nullptr);
    ~UtterancePicker() override;

    void setProject(const project::Project* project);

    // True while splits or a manifest are read (a hidden picker reads nothing).
    bool isBusy() const { return runningTasks_ > 0; }
    bool selectCorpus(const QString& name);
    bool selectSplit(const QString& name);
    // Selects the utterance on row of the filtered view (emits utterancePicked).
    void selectRow(int row);
    // Selects the utterance with this key in the current split; false if there is none.
    bool selectKey(const QString& key);
    UtteranceTableModel* model() const { return model_; }
    QString currentCorpusName() const;

signals:
    void utterancePicked(const QString& audioPath, const QString& key, const QString& text);
    void utterancesLoaded(int count);

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void loadCorpus(int index);
    void startPendingLoad();
    void loadManifest(int splitIndex);
    void onCurrentChanged(const QModelIndex& proxyIndex);
    void setStatus(const QString& text, bool error);
    void updateCount();

    QLabel* corpusLabel_;
    QComboBox* corpusCombo_;
    QLabel* splitLabel_;
    QComboBox* splitCombo_;
    QLineEdit* filterEdit_;
    QTableView* table_;
    QLabel* statusLabel_;
    UtteranceTableModel* model_;
    QSortFilterProxyModel* proxy_;

    QString corpusPath_;
    bool loadPending_ = false;
    std::vector<data::CorpusSplit> splits_;
    int splitsGeneration_ = 0;
    int manifestGeneration_ = 0;
    int runningTasks_ = 0;
    QString error_;
};

} // namespace espalier::widgets
