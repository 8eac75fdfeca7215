// The Data page on a tiny WeNet corpus: statistics computed in the background, split and utterance
// browsing, waveform and features of the selected utterance, errors reported without breaking the
// page. Also the two table models it shows.
#include "core/audio/audio_file.h"
#include "core/project/project.h"
#include "tests/widgets/widget_test_util.h"
#include "widgets/models/split_stats_model.h"
#include "widgets/models/utterance_table_model.h"
#include "widgets/pages/data_page.h"
#include "widgets/plots/spectrogram_plot.h"
#include "widgets/plots/waveform_plot.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <QTimer>

#include <cmath>
#include <random>

using namespace espalier;
using widgettest::DialogCloser;
using widgettest::saveScreenshot;
using widgets::DataPage;
using widgets::SplitStatsModel;
using widgets::UtteranceTableModel;

namespace {
constexpr int kRate = 16000;

// A speech-like test signal: a gliding harmonic tone under a syllable-rate envelope, plus noise.
audio::Audio makeAudio(double seconds, double baseHz, unsigned seed)
{
    audio::Audio audio;
    audio.sampleRate = kRate;
    audio.samples.resize(size_t(seconds * kRate));
    std::mt19937 rng(seed);
    std::normal_distribution<float> noise(0.0f, 0.01f);
    double phase = 0.0;
    for (size_t i = 0; i < audio.samples.size(); ++i) {
        const double t = double(i) / kRate;
        const double f0 = baseHz * (1.0 + 0.3 * std::sin(2.0 * M_PI * 0.7 * t));
        phase += 2.0 * M_PI * f0 / kRate;
        const double envelope = std::pow(std::sin(M_PI * 4.0 * t), 2.0);
        double v = 0.0;
        for (int h = 1; h <= 6; ++h)
            v += std::sin(h * phase) / h;
        audio.samples[i] = float(0.35 * envelope * v) + noise(rng);
    }
    return audio;
}

struct Line {
    const char* key;
    const char* text;
    double seconds;  // 0: an unreadable file
};

void writeSplit(const QString& corpus, const QString& split, const std::vector<Line>& lines)
{
    QDir(corpus).mkpath(split);
    QDir(corpus).mkpath("wav");
    QFile list(corpus + "/" + split + "/data.list");
    QVERIFY(list.open(QIODevice::WriteOnly));
    unsigned seed = 1;
    for (const Line& line : lines) {
        const QString wav = corpus + "/wav/" + line.key + ".wav";
        if (line.seconds > 0.0) {
            audio::writeWav(wav.toStdString(), makeAudio(line.seconds, 110.0 + 20.0 * seed, seed));
        } else {
            QFile bad(wav);
            QVERIFY(bad.open(QIODevice::WriteOnly));
            bad.write("RIFF\x10\x00\x00\x00WAVEnot really a wave file");
        }
        ++seed;
        list.write(QStringLiteral("{\"key\": \"%1\", \"wav\": \"../wav/%1.wav\", \"txt\": \"%2\"}\n")
                       .arg(line.key, QString::fromUtf8(line.text))
                       .toUtf8());
    }
}

} // namespace

class TestDataPage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void splitStatsModelFormatsAndRoles();
    void utteranceModelRolesAndHeaders();
    void browsesCorpus();
    void unreadableAudioShowsErrorAndPageStaysUsable();
    void missingCorpusReportsOnce();
    void hiddenPageLoadsNothing();

private:
    DataPage* makePage();

    QTemporaryDir dir_;
    QString corpus_;
    std::shared_ptr<const project::Project> project_;
    std::unique_ptr<DataPage> page_;
};

void TestDataPage::initTestCase()
{
    qputenv("ESPALIER_NO_AUDIO", "1");
    QVERIFY(dir_.isValid());
    const QString projectDir = dir_.filePath("project");
    corpus_ = projectDir + "/corpus";
    auto project = project::Project::create(projectDir.toStdString(), "Data page test");
    writeSplit(corpus_, "train",
               {{"spk1_a", "今天天气很好", 1.5}, {"spk1_b", "hello world", 2.5}, {"spk2_c", "我们去公园", 1.0}});
    writeSplit(corpus_, "dev", {{"dev_ok", "你好", 1.25}, {"dev_bad", "坏文件", 0.0}});
    project.addCorpus("tiny", corpus_.toStdString());
    project.addCorpus("missing", dir_.filePath("nowhere").toStdString());
    project.save();
    project_ = std::make_shared<const project::Project>(project);
}

void TestDataPage::splitStatsModelFormatsAndRoles()
{
    data::CorpusStats stats;
    stats.path = "/c";
    data::SplitStats train;
    train.name = "train";
    train.utterances = 1200;
    train.hours = 1.5;
    train.characters = 34000;
    train.vocabulary = 2100;
    train.speakers = 12;
    train.meanDuration = 4.5;
    stats.splits = {train};
    stats.total = train;
    stats.total.name = "total";

    SplitStatsModel model;
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setStats(stats);
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(SplitStatsModel::ColumnCount));
    QCOMPARE(model.totalRow(), 1);
    QCOMPARE(model.index(0, SplitStatsModel::Split).data().toString(), QString("train"));
    QCOMPARE(model.index(1, SplitStatsModel::Split).data().toString(), QString("Total"));
    QCOMPARE(model.index(0, SplitStatsModel::Utterances).data(SplitStatsModel::RawValueRole).toULongLong(), 1200ull);
    QCOMPARE(model.index(0, SplitStatsModel::Hours).data(SplitStatsModel::RawValueRole).toDouble(), 1.5);
    QCOMPARE(model.index(0, SplitStatsModel::Hours).data().toString(), QLocale().toString(1.5, 'f', 3));
    QCOMPARE(model.index(0, SplitStatsModel::MeanDuration).data(SplitStatsModel::RawValueRole).toDouble(), 4.5);
    QVERIFY(model.index(1, 0).data(SplitStatsModel::IsTotalRole).toBool());
    QVERIFY(!model.index(0, 0).data(SplitStatsModel::IsTotalRole).toBool());
    QVERIFY(model.index(1, 0).data(Qt::FontRole).value<QFont>().bold());
    QCOMPARE(model.headerData(SplitStatsModel::Vocabulary, Qt::Horizontal).toString(), QString("Vocabulary"));

    QSignalSpy headers(&model, &QAbstractItemModel::headerDataChanged);
    model.retranslate();
    QCOMPARE(headers.count(), 1);
    QCOMPARE(headers.at(0).at(2).toInt(), SplitStatsModel::ColumnCount - 1);

    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.totalRow(), -1);
}

void TestDataPage::utteranceModelRolesAndHeaders()
{
    UtteranceTableModel model;
    model.setUtterances({{"k1", "/a/k1.wav", "你好", 1.25, "spk"}, {"k2", "/a/k2.wav", "hi", 0.0, ""}});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, UtteranceTableModel::Key).data().toString(), QString("k1"));
    QCOMPARE(model.index(0, UtteranceTableModel::Text).data().toString(), QString::fromUtf8("你好"));
    QCOMPARE(model.index(0, UtteranceTableModel::Duration).data(UtteranceTableModel::RawValueRole).toDouble(), 1.25);
    QCOMPARE(model.index(0, UtteranceTableModel::Speaker).data().toString(), QString("spk"));
    QCOMPARE(model.index(0, UtteranceTableModel::Key).data(Qt::ToolTipRole).toString(), QString("/a/k1.wav"));
    QCOMPARE(model.utterance(1).key, std::string("k2"));
    QCOMPARE(model.headerData(UtteranceTableModel::Duration, Qt::Horizontal).toString(), QString("Duration (s)"));
    QSignalSpy headers(&model, &QAbstractItemModel::headerDataChanged);
    model.retranslate();
    QCOMPARE(headers.count(), 1);
}

DataPage* TestDataPage::makePage()
{
    page_ = std::make_unique<DataPage>();
    page_->resize(1400, 860);
    return page_.get();
}

void TestDataPage::browsesCorpus()
{
    DialogCloser closer;
    DataPage* page = makePage();
    QCOMPARE(page->title(), QString("Data"));
    QSignalSpy statsReady(page, &DataPage::statsReady);
    QSignalSpy loaded(page, &DataPage::utterancesLoaded);
    page->setProject(project_);
    page->show();
    QVERIFY(QTest::qWaitForWindowExposed(page));

    auto* corpusCombo = page->findChild<QComboBox*>("corpusCombo");
    QVERIFY(corpusCombo);
    QCOMPARE(corpusCombo->count(), 2);
    QCOMPARE(corpusCombo->currentText(), QString("tiny"));
    QCOMPARE(QDir(page->currentCorpusPath()).canonicalPath(), QDir(corpus_).canonicalPath());

    // Statistics: train, dev and the total row.
    QTRY_VERIFY_WITH_TIMEOUT(!statsReady.isEmpty(), 10000);
    SplitStatsModel* stats = page->statsModel();
    QCOMPARE(stats->rowCount(), 3);
    QCOMPARE(page->findChild<QTableView*>("statsTable")->model()->rowCount(), 3);
    auto value = [stats](int row, int column) { return stats->index(row, column).data(SplitStatsModel::RawValueRole); };
    QCOMPARE(value(0, SplitStatsModel::Split).toString(), QString("train"));
    QCOMPARE(value(0, SplitStatsModel::Utterances).toULongLong(), 3ull);
    QVERIFY(std::abs(value(0, SplitStatsModel::Hours).toDouble() - 5.0 / 3600.0) < 1e-6);
    QCOMPARE(value(1, SplitStatsModel::Split).toString(), QString("dev"));
    QCOMPARE(value(1, SplitStatsModel::Utterances).toULongLong(), 2ull);
    QCOMPARE(value(2, SplitStatsModel::Utterances).toULongLong(), 5ull);
    QVERIFY(page->statsCommand().startsWith("espalier-cli corpus stats "));
    QVERIFY(page->statsCommand().contains("corpus"));

    // The browser starts on dev (smaller than train).
    auto* splitCombo = page->findChild<QComboBox*>("splitCombo");
    QVERIFY(splitCombo);
    QTRY_COMPARE(splitCombo->count(), 2);
    QTRY_COMPARE(page->utteranceModel()->rowCount(), 2);
    QCOMPARE(splitCombo->currentText(), QString("dev"));

    QVERIFY(page->selectSplit("train"));
    QTRY_COMPARE(page->utteranceModel()->rowCount(), 3);
    QTRY_VERIFY(!page->isBusy());
    auto* table = page->findChild<QTableView*>("utteranceTable");
    QVERIFY(table);
    QCOMPARE(table->model()->rowCount(), 3);

    // Filtering (any column, case-insensitive).
    auto* filter = page->findChild<QLineEdit*>("filterEdit");
    QVERIFY(filter);
    filter->setText("HELLO");
    QCOMPARE(table->model()->rowCount(), 1);
    QCOMPARE(table->model()->index(0, UtteranceTableModel::Key).data().toString(), QString("spk1_b"));

    // Selecting it decodes it in the background and fills both plots.
    QSignalSpy shown(page, &DataPage::utteranceShown);
    page->selectUtteranceRow(0);
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 10000);
    QCOMPARE(shown.at(0).at(0).toString(), QString("spk1_b"));
    QCOMPARE(page->currentUtteranceKey(), QString("spk1_b"));
    auto* waveform = page->findChild<widgets::WaveformPlot*>("waveformPlot");
    auto* spectrogram = page->findChild<widgets::SpectrogramPlot*>("spectrogramPlot");
    QVERIFY(waveform && spectrogram);
    const int samples = int(2.5 * kRate);
    QCOMPARE(waveform->sampleCount(), size_t(samples));
    QCOMPARE(waveform->sampleRate(), kRate);
    QCOMPARE(spectrogram->frames(), 1 + (samples - 400) / 160);
    QCOMPARE(spectrogram->bins(), 80);
    QCOMPARE(waveform->xUpper(), 2.5);
    QCOMPARE(spectrogram->xUpper(), 2.5);
    QVERIFY(spectrogram->dataUpper() > spectrogram->dataLower());

    // Linked time axes.
    waveform->setXRange(0.5, 1.0);
    QCOMPARE(spectrogram->xLower(), 0.5);
    QCOMPARE(spectrogram->xUpper(), 1.0);
    waveform->resetXRange();
    QCOMPARE(spectrogram->xUpper(), 2.5);

    // Equivalent commands, also through the buttons.
    QVERIFY(page->utteranceCommand().startsWith("espalier-cli features "));
    QVERIFY(page->utteranceCommand().contains("spk1_b.wav"));
    QVERIFY(page->utteranceCommand().endsWith("--out spk1_b.npy"));
    page->findChild<QPushButton*>("featuresCommandButton")->click();
    page->findChild<QPushButton*>("statsCommandButton")->click();
    QCOMPARE(closer.commands, QStringList({page->utteranceCommand(), page->statsCommand()}));

    // No audio device here: Play says so instead of failing.
    auto* play = page->findChild<QPushButton*>("playButton");
    QVERIFY(play && play->isEnabled());
    play->click();
    QVERIFY(page->findChild<QLabel*>("playerStatus")->text().contains("No audio output"));
    QVERIFY(closer.errors.isEmpty());

    filter->clear();
    QCOMPARE(table->model()->rowCount(), 3);
    saveScreenshot(page, "data_page.png");

    // Language change re-sets the strings and headers.
    QSignalSpy headers(page->statsModel(), &QAbstractItemModel::headerDataChanged);
    QEvent languageChange(QEvent::LanguageChange);
    QApplication::sendEvent(page, &languageChange);
    QCOMPARE(headers.count(), 1);
    QCOMPARE(page->title(), QString("Data"));
}

void TestDataPage::unreadableAudioShowsErrorAndPageStaysUsable()
{
    DialogCloser closer;
    DataPage* page = makePage();
    page->setProject(project_);
    page->show();
    QTRY_COMPARE(page->utteranceModel()->rowCount(), 2);  // dev
    QCOMPARE(page->utteranceModel()->utterance(1).key, std::string("dev_bad"));

    QSignalSpy failed(page, &DataPage::loadFailed);
    page->selectUtteranceRow(1);
    QTRY_COMPARE(closer.errors.size(), 1);
    QVERIFY2(closer.errors.at(0).contains("dev_bad.wav"), qPrintable(closer.errors.at(0)));
    QCOMPARE(failed.count(), 1);
    QTRY_VERIFY(!page->isBusy());
    QVERIFY(!page->waveformPlot()->hasData());
    QVERIFY(!page->spectrogramPlot()->hasData());
    QVERIFY(!page->findChild<QPushButton*>("playButton")->isEnabled());

    // Still usable: the good utterance shows.
    QSignalSpy shown(page, &DataPage::utteranceShown);
    page->selectUtteranceRow(0);
    QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 10000);
    QCOMPARE(page->waveformPlot()->sampleCount(), size_t(1.25 * kRate));
    QCOMPARE(closer.errors.size(), 1);

    // Back to the bad one: reported again.
    page->selectUtteranceRow(1);
    QTRY_COMPARE(closer.errors.size(), 2);
}

void TestDataPage::missingCorpusReportsOnce()
{
    DialogCloser closer;
    DataPage* page = makePage();
    page->setProject(project_);
    page->show();
    QTRY_COMPARE(page->statsModel()->rowCount(), 3);

    QVERIFY(page->selectCorpus("missing"));
    QTRY_VERIFY(!page->isBusy());
    QTRY_COMPARE(closer.errors.size(), 1);
    QVERIFY2(closer.errors.at(0).contains("nowhere"), qPrintable(closer.errors.at(0)));
    QTest::qWait(50);
    QCOMPARE(closer.errors.size(), 1);  // the statistics and the browser fail alike: one dialog
    QCOMPARE(page->statsModel()->rowCount(), 0);
    QCOMPARE(page->utteranceModel()->rowCount(), 0);
    QVERIFY(page->findChild<QLabel*>("statsStatus")->text().contains("nowhere"));

    QVERIFY(page->selectCorpus("tiny"));
    QTRY_COMPARE(page->statsModel()->rowCount(), 3);
    QTRY_COMPARE(page->utteranceModel()->rowCount(), 2);
}

void TestDataPage::hiddenPageLoadsNothing()
{
    DataPage* page = makePage();
    page->setProject(project_);
    QVERIFY(!page->isBusy());
    QCOMPARE(page->statsModel()->rowCount(), 0);
    QSignalSpy statsReady(page, &DataPage::statsReady);
    page->show();
    QVERIFY(page->isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(!statsReady.isEmpty(), 10000);

    // Closing the project empties the page.
    page->setProject(nullptr);
    QCOMPARE(page->statsModel()->rowCount(), 0);
    QCOMPARE(page->findChild<QComboBox*>("corpusCombo")->count(), 0);
    QTRY_VERIFY(!page->isBusy());
    QVERIFY(!page->waveformPlot()->hasData());
    saveScreenshot(page, "data_page_empty.png");
}

QTEST_MAIN(TestDataPage)
#include "test_data_page.moc"
