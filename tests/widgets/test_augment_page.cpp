// The Augment page: a WAV previewed before and after a preset, SpecAugment's masks outlined where the
// engine put them, parameters edited through the generated form (the preview follows; invalid values
// are refused inline and the pipeline is kept), locked draws, stepping through draws, presets, YAML
// round trip, dropped files and corpus utterances. Also the page's table models and text helpers.
#include "core/audio/audio_file.h"
#include "core/augment/op_registry.h"
#include "core/project/project.h"
#include "tests/widgets/widget_test_util.h"
#include "widgets/augment/applied_ops_model.h"
#include "widgets/augment/op_param_form.h"
#include "widgets/augment/param_text.h"
#include "widgets/augment/pipeline_editor.h"
#include "widgets/augment/pipeline_table_model.h"
#include "widgets/main_window.h"
#include "widgets/pages/augment_page.h"
#include "widgets/plots/spectrogram_plot.h"
#include "widgets/plots/waveform_plot.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <QTimer>
#include <QToolButton>
#include <QUrl>

#include <cmath>
#include <random>
#include <set>

using namespace espalier;
using widgettest::DialogCloser;
using widgettest::saveScreenshot;
using widgets::AppliedOpsModel;
using widgets::AugmentPage;
using widgets::AugmentText;
using widgets::OpParamForm;
using widgets::PipelineTableModel;
using widgets::SpectrogramPlot;
using widgets::WaveformPlot;

namespace {
constexpr int kRate = 16000;
constexpr int kPreviewTimeoutMs = 15000;

// A 2 s test signal: a 440 Hz tone with harmonics under a slow envelope, plus white noise.
audio::Audio toneAndNoise(double seconds, unsigned seed)
{
    audio::Audio audio;
    audio.sampleRate = kRate;
    audio.samples.resize(size_t(seconds * kRate));
    std::mt19937 rng(seed);
    std::normal_distribution<float> noise(0.0f, 0.02f);
    for (size_t i = 0; i < audio.samples.size(); ++i) {
        const double t = double(i) / kRate;
        const double envelope = 0.5 + 0.5 * std::sin(2.0 * M_PI * 1.5 * t);
        double v = 0.0;
        for (int h = 1; h <= 4; ++h)
            v += std::sin(2.0 * M_PI * 440.0 * h * t) / h;
        audio.samples[i] = float(0.3 * envelope * v) + noise(rng);
    }
    return audio;
}

// The bands the after spectrogram should outline for these records (empty masks dropped).
std::vector<SpectrogramPlot::MaskBand> expectedBands(const std::vector<augment::AppliedOp>& records, int frames, int bins)
{
    std::vector<SpectrogramPlot::MaskBand> bands;
    for (const augment::AppliedOp& record : records) {
        if (!record.applied)
            continue;
        for (const augment::MaskRegion& mask : record.masks) {
            const bool time = mask.axis == augment::MaskAxis::Time;
            const int limit = time ? frames : bins;
            const int start = std::clamp(mask.start, 0, limit);
            const int end = std::clamp(mask.start + mask.width, 0, limit);
            if (end > start)
                bands.push_back({time ? SpectrogramPlot::MaskBand::Axis::Time : SpectrogramPlot::MaskBand::Axis::Frequency,
                                 start, end - start});
        }
    }
    return bands;
}

int countMasks(const augment::AppliedOp& record, augment::MaskAxis axis)
{
    return int(std::count_if(record.masks.begin(), record.masks.end(),
                             [axis](const augment::MaskRegion& m) { return m.axis == axis; }));
}

} // namespace

class TestAugmentPage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void parsesNumberLists_data();
    void parsesNumberLists();
    void formatsNumbersAsYamlDoes();
    void pipelineTableModelShowsOps();
    void appliedOpsModelTogglesLocks();
    void spectrogramOutlinesMaskBands();
    void previewsFileWithMaskOutlines();
    void editsParametersAndRefusesInvalidOnesInline();
    void lockedOpKeepsItsDrawWhileOthersRedraw();
    void stepsThroughDraws();
    void presetsKeepTheUsersPipeline();
    void addsRemovesAndMovesOps();
    void savesAndLoadsYaml();
    void showsEquivalentCommand();
    void acceptsDroppedFileAndReportsBadAudio();
    void picksUtteranceFromCorpus();
    void isTheMainWindowsAugmentPage();

private:
    AugmentPage* makePage();
    bool waitForPreview(AugmentPage* page);
    template <typename T>
    T* child(const char* name)
    {
        T* widget = page_->findChild<T*>(name);
        if (!widget)
            qWarning("no child %s", name);
        return widget;
    }

    QTemporaryDir dir_;
    QString wav_;
    std::unique_ptr<AugmentPage> page_;
};

void TestAugmentPage::initTestCase()
{
    qputenv("ESPALIER_NO_AUDIO", "1");
    QVERIFY(dir_.isValid());
    wav_ = dir_.filePath("tone.wav");
    audio::writeWav(wav_.toStdString(), toneAndNoise(2.0, 7));
}

void TestAugmentPage::parsesNumberLists_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QList<double>>("numbers");
    QTest::newRow("commas") << "0.9, 1.0, 1.1" << true << QList<double>{0.9, 1.0, 1.1};
    QTest::newRow("spaces and brackets") << "[0.8 1.2]" << true << QList<double>{0.8, 1.2};
    QTest::newRow("negative and exponent") << "-10, 1e1" << true << QList<double>{-10.0, 10.0};
    QTest::newRow("empty") << "  " << true << QList<double>{};
    QTest::newRow("word") << "0.9, fast" << false << QList<double>{};
}

void TestAugmentPage::parsesNumberLists()
{
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(QList<double>, numbers);
    QString error;
    const auto parsed = AugmentText::parseNumbers(text, &error);
    QCOMPARE(parsed.has_value(), ok);
    if (!ok) {
        QVERIFY2(error.contains("fast"), qPrintable(error));
        return;
    }
    QCOMPARE(QList<double>(parsed->begin(), parsed->end()), numbers);
}

void TestAugmentPage::formatsNumbersAsYamlDoes()
{
    QCOMPARE(AugmentText::number(0.1), QString("0.1"));
    QCOMPARE(AugmentText::number(2.0), QString("2"));
    QCOMPARE(AugmentText::number(0.05), QString("0.05"));
    QCOMPARE(AugmentText::number(1.0 / 3.0).toDouble(), 1.0 / 3.0);  // round-trips
    QCOMPARE(AugmentText::value(std::vector<double>{0.9, 1.0, 1.1}), QString("0.9, 1, 1.1"));
    QCOMPARE(AugmentText::value(std::vector<std::string>{"white", "pink"}), QString("white, pink"));
    QCOMPARE(AugmentText::opName("spec_augment"), QString("SpecAugment"));
    augment::AppliedOp skipped;
    skipped.type = "gain";
    skipped.applied = false;
    QCOMPARE(AugmentText::draw(skipped), QString("skipped"));
}

void TestAugmentPage::pipelineTableModelShowsOps()
{
    PipelineTableModel model;
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setPipeline(augment::Pipeline::preset("seed-full"));
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.rowCount(), 6);
    QCOMPARE(model.columnCount(), int(PipelineTableModel::ColumnCount));
    QCOMPARE(model.index(0, PipelineTableModel::Type).data().toString(), QString("1. Speed"));
    QCOMPARE(model.index(5, PipelineTableModel::Type).data(PipelineTableModel::TypeRole).toString(), QString("spec_augment"));
    QCOMPARE(model.index(1, PipelineTableModel::Probability).data(PipelineTableModel::RawValueRole).toDouble(), 0.5);
    QCOMPARE(model.index(0, PipelineTableModel::Parameters).data().toString(), QString("factors=[0.9, 1, 1.1]"));
    QVERIFY(model.index(5, PipelineTableModel::Parameters).data().toString().contains("freq_masks=2"));
    QCOMPARE(model.headerData(PipelineTableModel::Probability, Qt::Horizontal).toString(), QString("Probability"));
    QSignalSpy headers(&model, &QAbstractItemModel::headerDataChanged);
    model.retranslate();
    QCOMPARE(headers.count(), 1);
}

void TestAugmentPage::appliedOpsModelTogglesLocks()
{
    augment::AppliedOp speed;
    speed.type = "speed";
    speed.index = 0;
    speed.set("factor", 1.1);
    augment::AppliedOp gain;
    gain.type = "gain";
    gain.index = 1;
    gain.applied = false;
    AppliedOpsModel model;
    model.setRecords({speed, gain}, {false, true});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, AppliedOpsModel::Op).data().toString(), QString("1. Speed"));
    QCOMPARE(model.index(0, AppliedOpsModel::Draw).data().toString(), QString::fromStdString(speed.summary()));
    QCOMPARE(model.index(1, AppliedOpsModel::Draw).data().toString(), QString("skipped"));
    QVERIFY(!model.index(1, 0).data(AppliedOpsModel::AppliedRole).toBool());
    QVERIFY(model.index(0, AppliedOpsModel::Draw).data(Qt::ToolTipRole).toString().contains("factor = 1.1"));
    QCOMPARE(model.index(1, AppliedOpsModel::Lock).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
    QVERIFY(model.flags(model.index(0, AppliedOpsModel::Lock)) & Qt::ItemIsUserCheckable);
    QVERIFY(!(model.flags(model.index(0, AppliedOpsModel::Draw)) & Qt::ItemIsUserCheckable));

    QSignalSpy toggled(&model, &AppliedOpsModel::lockToggled);
    QVERIFY(model.setData(model.index(0, AppliedOpsModel::Lock), Qt::Checked, Qt::CheckStateRole));
    QCOMPARE(toggled.count(), 1);
    QCOMPARE(toggled.at(0).at(0).toInt(), 0);
    QVERIFY(toggled.at(0).at(1).toBool());
    QVERIFY(model.isLocked(0));
    QVERIFY(model.setData(model.index(0, AppliedOpsModel::Lock), Qt::Checked, Qt::CheckStateRole));
    QCOMPARE(toggled.count(), 1);  // no change, no signal
    QVERIFY(!model.setData(model.index(0, AppliedOpsModel::Draw), Qt::Checked, Qt::CheckStateRole));
}

void TestAugmentPage::spectrogramOutlinesMaskBands()
{
    using Band = SpectrogramPlot::MaskBand;
    using Axis = Band::Axis;
    SpectrogramPlot plot;
    plot.setMaskBands({{Axis::Time, 0, 5}});
    QVERIFY(plot.maskBands().empty());  // nothing to outline without features
    std::vector<float> features(100 * 80);
    for (size_t i = 0; i < features.size(); ++i)
        features[i] = float(i % 80) * 0.25f;
    plot.setFeatures(100, 80, features, 0.01);
    QCOMPARE(plot.colorLower(), 0.0);
    QCOMPARE(plot.colorUpper(), 79 * 0.25);
    // Clipped to the matrix; empty and negative widths dropped.
    plot.setMaskBands({{Axis::Time, 10, 20}, {Axis::Frequency, 75, 10}, {Axis::Time, 95, 0},
                       {Axis::Frequency, -3, 5}, {Axis::Time, 120, 4}, {Axis::Frequency, 5, -2}});
    const std::vector<Band> expected{{Axis::Time, 10, 20}, {Axis::Frequency, 75, 5}, {Axis::Frequency, 0, 2}};
    QVERIFY(plot.maskBands() == expected);
    plot.setColorRange(-5.0, 30.0);
    QCOMPARE(plot.colorLower(), -5.0);
    QCOMPARE(plot.colorUpper(), 30.0);
    QCOMPARE(plot.dataUpper(), 79 * 0.25);  // the data's own range is unchanged
    // New features: the old outlines and colour range no longer apply.
    plot.setFeatures(50, 80, std::vector<float>(50 * 80, 1.0f), 0.01);
    QVERIFY(plot.maskBands().empty());
    QCOMPARE(plot.colorLower(), 1.0);
    plot.setMaskBands({{Axis::Time, 40, 20}});
    QVERIFY(plot.maskBands() == (std::vector<Band>{{Axis::Time, 40, 10}}));
    plot.clear();
    QVERIFY(plot.maskBands().empty());
}

AugmentPage* TestAugmentPage::makePage()
{
    page_ = std::make_unique<AugmentPage>();
    page_->resize(1400, 900);
    page_->show();
    return page_.get();
}

bool TestAugmentPage::waitForPreview(AugmentPage* page)
{
    // Every change makes the page busy at once (a coalescing timer, then the background run); the
    // preview is up to date when it is no longer busy.
    if (!QTest::qWaitFor([page] { return !page->isBusy(); }, kPreviewTimeoutMs))
        return false;
    return page->preview() != nullptr;
}

void TestAugmentPage::previewsFileWithMaskOutlines()
{
    DialogCloser closer;
    AugmentPage* page = makePage();
    QCOMPARE(page->title(), QString("Augment"));
    auto* presetCombo = child<QComboBox>("presetCombo");
    QVERIFY(presetCombo);
    QCOMPARE(presetCombo->count(), int(augment::Pipeline::presetNames().size()));
    QVERIFY(page->pipelineEditor()->selectPreset("wenet-aishell"));
    QCOMPARE(page->pipeline().size(), size_t(1));
    page->setSourceFile(wav_);
    QVERIFY(page->pipelineEditor()->selectPreset("wenet-aishell+speed"));
    QCOMPARE(presetCombo->currentText(), QString("wenet-aishell+speed"));
    QCOMPARE(page->pipelineEditor()->presetName(), QString("wenet-aishell+speed"));
    QVERIFY(waitForPreview(page));
    QVERIFY(page->previewError().isEmpty());

    auto* opTable = child<QTableView>("opTable");
    QCOMPARE(opTable->model()->rowCount(), 2);
    QCOMPARE(opTable->model()->index(0, 0).data(PipelineTableModel::TypeRole).toString(), QString("speed"));
    QCOMPARE(opTable->model()->index(1, 0).data(PipelineTableModel::TypeRole).toString(), QString("spec_augment"));

    // Before: the file as it is.
    auto* beforeWaveform = child<WaveformPlot>("beforeWaveform");
    auto* afterWaveform = child<WaveformPlot>("afterWaveform");
    auto* beforeSpectrogram = child<SpectrogramPlot>("beforeSpectrogram");
    auto* afterSpectrogram = child<SpectrogramPlot>("afterSpectrogram");
    QVERIFY(beforeWaveform && afterWaveform && beforeSpectrogram && afterSpectrogram);
    QCOMPARE(beforeWaveform->sampleCount(), size_t(2 * kRate));
    QCOMPARE(beforeSpectrogram->frames(), 1 + (2 * kRate - 400) / 160);
    QCOMPARE(beforeSpectrogram->bins(), 80);
    QVERIFY(beforeSpectrogram->maskBands().empty());

    // After: the speed factor drawn changes the length; the masks drawn are outlined.
    const std::vector<augment::AppliedOp>& applied = page->appliedOps();
    QCOMPARE(applied.size(), size_t(2));
    QVERIFY(applied[0].applied);
    const double factor = applied[0].value("factor", 0.0);
    QVERIFY2(factor == 0.9 || factor == 1.0 || factor == 1.1, qPrintable(QString::number(factor)));
    QVERIFY(std::abs(double(afterWaveform->sampleCount()) - 2.0 * kRate / factor) <= 2.0);
    QCOMPARE(afterSpectrogram->frames(), 1 + (int(afterWaveform->sampleCount()) - 400) / 160);
    QCOMPARE(countMasks(applied[1], augment::MaskAxis::Frequency), 2);
    QCOMPARE(countMasks(applied[1], augment::MaskAxis::Time), 2);
    const auto expected = expectedBands(applied, afterSpectrogram->frames(), afterSpectrogram->bins());
    QVERIFY(!expected.empty());
    QVERIFY(afterSpectrogram->maskBands() == expected);
    // The masked cells really are filled (zero) in the features shown.
    const augment::Signal* output = page->preview();
    QVERIFY(output);
    for (const augment::MaskRegion& mask : applied[1].masks) {
        if (mask.width <= 0)
            continue;
        const int frame = mask.axis == augment::MaskAxis::Time ? mask.start : output->features.frames / 2;
        const int bin = mask.axis == augment::MaskAxis::Frequency ? mask.start : 40;
        QCOMPARE(output->features.at(frame, bin), 0.0f);
    }
    // One colour range for both, covering both.
    QCOMPARE(beforeSpectrogram->colorLower(), afterSpectrogram->colorLower());
    QCOMPARE(beforeSpectrogram->colorUpper(), afterSpectrogram->colorUpper());
    QVERIFY(afterSpectrogram->colorLower() <= std::min(beforeSpectrogram->dataLower(), afterSpectrogram->dataLower()));
    QVERIFY(afterSpectrogram->colorUpper() >= std::max(beforeSpectrogram->dataUpper(), afterSpectrogram->dataUpper()));
    // One time axis for both sides (the longer signal's).
    saveScreenshot(page, "augment_page.png");
    const double extent = std::max(2.0, afterWaveform->duration());
    QCOMPARE(beforeWaveform->xUpper(), extent);
    QCOMPARE(afterSpectrogram->xUpper(), extent);
    beforeWaveform->setXRange(0.5, 1.0);
    QCOMPARE(afterSpectrogram->xLower(), 0.5);
    QCOMPARE(afterWaveform->xUpper(), 1.0);

    // The ops applied, with what they drew.
    auto* appliedList = child<QTableView>("appliedList");
    QCOMPARE(appliedList->model()->rowCount(), 2);
    QCOMPARE(appliedList->model()->index(0, AppliedOpsModel::Draw).data().toString(),
             QString::fromStdString(applied[0].summary()));

    // Both versions can be played (no device here: the page says so instead of failing).
    auto* playAfter = child<QPushButton>("playAfterButton");
    QVERIFY(playAfter->isEnabled() && child<QPushButton>("playBeforeButton")->isEnabled());
    playAfter->click();
    QVERIFY(child<QLabel>("playerStatus")->text().contains("No audio output"));
    QVERIFY(closer.errors.isEmpty());

    // Language change re-sets the strings.
    QEvent languageChange(QEvent::LanguageChange);
    QApplication::sendEvent(page, &languageChange);
    QCOMPARE(child<QPushButton>("nextDrawButton")->text(), QString("Next draw ▶"));
}

void TestAugmentPage::editsParametersAndRefusesInvalidOnesInline()
{
    DialogCloser closer;
    AugmentPage* page = makePage();
    QVERIFY(page->pipelineEditor()->selectPreset("wenet-aishell+speed"));
    page->setSourceFile(wav_);
    QVERIFY(waitForPreview(page));

    // freq_masks 2 -> 0 through the form: the preview follows, without frequency masks.
    page->pipelineEditor()->selectOp(1);
    OpParamForm* form = page->pipelineEditor()->paramForm();
    QCOMPARE(form->objectName(), QString("paramForm"));
    QCOMPARE(form->opIndex(), 1);
    auto* freqMasks = form->findChild<QSpinBox*>("param_freq_masks");
    QVERIFY(freqMasks);
    QCOMPARE(freqMasks->value(), 2);
    QVERIFY(form->findChild<QComboBox*>("param_fill"));
    QVERIFY(form->findChild<QDoubleSpinBox*>("param_probability"));
    QSignalSpy updated(page, &AugmentPage::previewUpdated);
    freqMasks->setValue(0);
    QVERIFY(page->isBusy());
    QVERIFY(waitForPreview(page));
    QCOMPARE(updated.count(), 1);  // one coalesced update
    QCOMPARE(std::get<double>(page->pipeline().op(1).params().at("freq_masks")), 0.0);
    QVERIFY(page->pipelineEditor()->presetName().isEmpty());
    QVERIFY(page->pipelineEditor()->isModified());
    QCOMPARE(countMasks(page->appliedOps()[1], augment::MaskAxis::Frequency), 0);
    QCOMPARE(countMasks(page->appliedOps()[1], augment::MaskAxis::Time), 2);
    auto* afterSpectrogram = child<SpectrogramPlot>("afterSpectrogram");
    for (const SpectrogramPlot::MaskBand& band : afterSpectrogram->maskBands())
        QVERIFY(band.axis == SpectrogramPlot::MaskBand::Axis::Time);
    QVERIFY(child<QTableView>("opTable")->model()->index(1, PipelineTableModel::Parameters).data().toString().contains("freq_masks=0"));
    QCOMPARE(page->pipelineEditor()->selectedOp(), 1);

    // Invalid: wider than the 80 mel bins. Refused inline, the pipeline and preview stay.
    const std::string yamlBefore = page->pipeline().toYaml();
    auto* error = form->findChild<QLabel*>("paramError");
    QVERIFY(error);
    QVERIFY(error->isHidden());
    updated.clear();
    form->findChild<QSpinBox*>("param_freq_width")->setValue(200);
    QVERIFY(!error->isHidden());
    QVERIFY2(error->text().contains("freq_width") && error->text().contains("80"), qPrintable(error->text()));
    QCOMPARE(page->pipeline().toYaml(), yamlBefore);
    QVERIFY(!page->isBusy());  // nothing to preview
    QCOMPARE(updated.count(), 0);
    QVERIFY(!QApplication::activeModalWidget());
    QCOMPARE(closer.errors.size() + closer.others, 0);

    // Fixing it clears the error.
    form->findChild<QSpinBox*>("param_freq_width")->setValue(20);
    QVERIFY(error->isHidden());
    QCOMPARE(std::get<double>(page->pipeline().op(1).params().at("freq_width")), 20.0);
    QVERIFY(waitForPreview(page));

    // A list that does not parse, then one the engine refuses (speed factors are 0.5 to 2).
    page->pipelineEditor()->selectOp(0);
    auto* factors = form->findChild<QLineEdit*>("param_factors");
    QVERIFY(factors);
    QCOMPARE(factors->text(), QString("0.9, 1, 1.1"));
    const std::string yamlValid = page->pipeline().toYaml();
    factors->setFocus();
    factors->setText("0.9, quick");
    QTest::keyClick(factors, Qt::Key_Return);
    QVERIFY2(error->text().contains("quick"), qPrintable(error->text()));
    factors->setText("0.9, 5");
    QTest::keyClick(factors, Qt::Key_Return);
    QVERIFY2(!error->isHidden() && error->text().contains("factors"), qPrintable(error->text()));
    QCOMPARE(page->pipeline().toYaml(), yamlValid);
    factors->setText("0.8 1.2");
    QTest::keyClick(factors, Qt::Key_Return);
    QVERIFY(error->isHidden());
    QCOMPARE(std::get<std::vector<double>>(page->pipeline().op(0).params().at("factors")), (std::vector<double>{0.8, 1.2}));
    QVERIFY(waitForPreview(page));
    const double factor = page->appliedOps()[0].value("factor", 0.0);
    QVERIFY(factor == 0.8 || factor == 1.2);

    // Probability 0: the op is listed as skipped.
    form->findChild<QDoubleSpinBox*>("param_probability")->setValue(0.0);
    QVERIFY(waitForPreview(page));
    QVERIFY(!page->appliedOps()[0].applied);
    QCOMPARE(child<QTableView>("appliedList")->model()->index(0, AppliedOpsModel::Draw).data().toString(), QString("skipped"));
    QCOMPARE(child<WaveformPlot>("afterWaveform")->sampleCount(), size_t(2 * kRate));
    QCOMPARE(closer.errors.size() + closer.others, 0);
}

void TestAugmentPage::lockedOpKeepsItsDrawWhileOthersRedraw()
{
    AugmentPage* page = makePage();
    QVERIFY(page->pipelineEditor()->selectPreset("wenet-aishell+speed"));
    page->setSourceFile(wav_);
    QVERIFY(waitForPreview(page));

    // Lock SpecAugment through the check box of the applied list: its masks stay while the speed
    // factor is drawn anew.
    auto* appliedModel = child<QTableView>("appliedList")->model();
    QVERIFY(appliedModel->setData(appliedModel->index(1, AppliedOpsModel::Lock), Qt::Checked, Qt::CheckStateRole));
    QVERIFY(page->isOpLocked(1));
    const augment::AppliedOp lockedMasks = page->appliedOps()[1];
    std::set<double> factors{page->appliedOps()[0].value("factor", 0.0)};
    for (int draw = 0; draw < 12 && factors.size() < 2; ++draw) {
        page->nextDraw();
        QVERIFY(waitForPreview(page));
        QVERIFY(page->appliedOps()[1].masks == lockedMasks.masks);
        QCOMPARE(appliedModel->index(1, AppliedOpsModel::Lock).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        factors.insert(page->appliedOps()[0].value("factor", 0.0));
    }
    QVERIFY2(factors.size() >= 2, "the unlocked speed op never drew another factor");

    // Lock speed and unlock SpecAugment: the factor stays, the masks move.
    page->setOpLocked(0, true);
    page->setOpLocked(1, false);
    QVERIFY(!page->isOpLocked(1));
    QVERIFY(waitForPreview(page));
    const double lockedFactor = page->appliedOps()[0].value("factor", 0.0);
    const auto masks = page->appliedOps()[1].masks;
    page->nextDraw();
    QVERIFY(waitForPreview(page));
    QCOMPARE(page->appliedOps()[0].value("factor", 0.0), lockedFactor);
    QVERIFY(page->appliedOps()[1].masks != masks);
    // The locked record replays exactly: the output length follows the locked factor.
    QVERIFY(std::abs(double(page->preview()->samples.size()) - 2.0 * kRate / lockedFactor) <= 2.0);

    // Editing the locked op's parameters unlocks it (its draw may no longer fit).
    page->pipelineEditor()->selectOp(0);
    page->pipelineEditor()->paramForm()->findChild<QDoubleSpinBox*>("param_probability")->setValue(0.5);
    QVERIFY(!page->isOpLocked(0));
    QVERIFY(waitForPreview(page));
}

void TestAugmentPage::stepsThroughDraws()
{
    AugmentPage* page = makePage();
    page->setSourceFile(wav_);
    QVERIFY(waitForPreview(page));
    auto* seedSpin = child<QSpinBox>("seedSpin");
    auto* next = child<QPushButton>("nextDrawButton");
    auto* previous = child<QPushButton>("prevDrawButton");
    auto* drawLabel = child<QLabel>("drawLabel");
    page->setSeed(100);
    QVERIFY(waitForPreview(page));
    QCOMPARE(page->drawNumber(), 1);
    QVERIFY(!previous->isEnabled());
    const auto firstMasks = page->appliedOps().back().masks;

    next->click();
    QCOMPARE(page->seed(), quint64(101));
    QCOMPARE(seedSpin->value(), 101);
    QCOMPARE(page->drawNumber(), 2);
    QCOMPARE(drawLabel->text(), QString("Draw 2"));
    QVERIFY(waitForPreview(page));
    QVERIFY(page->appliedOps().back().masks != firstMasks);
    QVERIFY(previous->isEnabled());

    previous->click();
    QCOMPARE(page->seed(), quint64(100));
    QCOMPARE(drawLabel->text(), QString("Draw 1"));
    QVERIFY(waitForPreview(page));
    QVERIFY(page->appliedOps().back().masks == firstMasks);  // same seed, same draw

    // Rapid steps are coalesced; the preview ends on the last seed.
    for (int i = 0; i < 5; ++i)
        next->click();
    QCOMPARE(page->seed(), quint64(105));
    QVERIFY(waitForPreview(page));
    augment::Pipeline pipeline = page->pipeline();
    const augment::Signal* shown = page->preview();
    QVERIFY(shown);
    augment::Signal input;
    input.samples = audio::readAudio(wav_.toStdString()).samples;
    const augment::PipelineResult direct = pipeline.run(input, 105);
    QCOMPARE(shown->samples.size(), direct.output.samples.size());
    QVERIFY(page->appliedOps().back().masks == direct.applied.back().masks);

    child<QPushButton>("reseedButton")->click();
    QCOMPARE(page->drawNumber(), 1);
    QCOMPARE(quint64(seedSpin->value()), page->seed());
    QVERIFY(waitForPreview(page));
}

void TestAugmentPage::presetsKeepTheUsersPipeline()
{
    AugmentPage* page = makePage();
    QVERIFY(page->pipelineEditor()->selectPreset("wenet-aishell+speed"));
    page->pipelineEditor()->selectOp(1);
    page->pipelineEditor()->paramForm()->findChild<QSpinBox*>("param_time_masks")->setValue(5);
    const std::string edited = page->pipeline().toYaml();
    auto* combo = child<QComboBox>("presetCombo");
    QCOMPARE(combo->currentText(), QString("Edited pipeline"));

    // Comparing with a preset keeps the edited pipeline in the list...
    QVERIFY(page->pipelineEditor()->selectPreset("espnet-nemo"));
    QCOMPARE(page->pipeline().size(), size_t(1));
    QCOMPARE(page->pipelineEditor()->presetName(), QString("espnet-nemo"));
    const int own = combo->findText("Edited pipeline");
    QVERIFY(own >= 0);
    // ...and choosing it brings it back.
    combo->setCurrentIndex(own);
    emit combo->activated(own);
    QCOMPARE(page->pipeline().toYaml(), edited);
    QVERIFY(page->pipelineEditor()->presetName().isEmpty());
    QVERIFY(page->pipelineEditor()->isModified());
    QVERIFY(!page->pipelineEditor()->selectPreset("no-such-preset"));
}

void TestAugmentPage::addsRemovesAndMovesOps()
{
    AugmentPage* page = makePage();
    QVERIFY(page->pipelineEditor()->selectPreset("wenet-aishell+speed"));
    page->setSourceFile(wav_);
    QVERIFY(waitForPreview(page));

    // The Add menu lists every op type.
    auto* add = child<QPushButton>("addOpButton");
    QVERIFY(add->menu());
    QCOMPARE(add->menu()->actions().size(), int(augment::opTypes().size()));
    // SpecAugment's draw is locked; the lock follows the op as others come and go.
    page->setOpLocked(1, true);
    const auto lockedMasks = page->appliedOps()[1].masks;
    // A waveform op goes before the features' ops, even with SpecAugment selected.
    page->pipelineEditor()->selectOp(1);
    QAction* gain = add->menu()->findChild<QAction*>("addOp_gain");
    QVERIFY(gain);
    gain->trigger();
    QCOMPARE(page->pipeline().size(), size_t(3));
    QCOMPARE(page->pipeline().op(1).type(), std::string("gain"));
    QCOMPARE(page->pipelineEditor()->selectedOp(), 1);
    QVERIFY(!page->isOpLocked(1));
    QVERIFY(page->isOpLocked(2));
    QVERIFY(waitForPreview(page));
    QCOMPARE(page->appliedOps().size(), size_t(3));
    QCOMPARE(page->appliedOps()[1].type, std::string("gain"));
    QVERIFY(page->appliedOps()[2].masks == lockedMasks);

    // Up: gain before speed; down again.
    child<QToolButton>("upOpButton")->click();
    QCOMPARE(page->pipeline().op(0).type(), std::string("gain"));
    QCOMPARE(page->pipelineEditor()->selectedOp(), 0);
    child<QToolButton>("downOpButton")->click();
    QCOMPARE(page->pipeline().op(1).type(), std::string("gain"));
    // Below SpecAugment a waveform op cannot go: refused inline.
    child<QToolButton>("downOpButton")->click();
    QCOMPARE(page->pipeline().op(1).type(), std::string("gain"));
    QVERIFY(!page->pipelineEditor()->paramForm()->error().isEmpty());

    QVERIFY(page->isOpLocked(2));

    // Remove it.
    page->pipelineEditor()->selectOp(1);
    child<QPushButton>("removeOpButton")->click();
    QCOMPARE(page->pipeline().size(), size_t(2));
    QCOMPARE(page->pipeline().op(1).type(), std::string("spec_augment"));
    QVERIFY(page->isOpLocked(1));
    QVERIFY(waitForPreview(page));
    QCOMPARE(page->appliedOps().size(), size_t(2));
    QVERIFY(page->appliedOps()[1].masks == lockedMasks);
    page->setOpLocked(1, false);

    // Every op type can be added with its defaults.
    for (const augment::OpType& type : augment::opTypes())
        QVERIFY2(page->pipelineEditor()->addOp(QString::fromStdString(type.name)), qPrintable(page->pipelineEditor()->paramForm()->error()));
    QVERIFY(waitForPreview(page));
    QVERIFY2(page->previewError().isEmpty(), qPrintable(page->previewError()));
    QCOMPARE(page->appliedOps().size(), page->pipeline().size());
    // The noise op's form: a choice list, a path with a browse button, number lists.
    for (size_t i = 0; i < page->pipeline().size(); ++i)
        if (page->pipeline().op(i).type() == "noise")
            page->pipelineEditor()->selectOp(int(i));
    QVERIFY(page->pipelineEditor()->paramForm()->findChild<QLineEdit*>("param_source"));
    QVERIFY(page->pipelineEditor()->paramForm()->findChild<QLineEdit*>("param_noise_manifest"));
    QVERIFY(page->pipelineEditor()->paramForm()->findChild<QToolButton*>("param_noise_manifest_browse"));
    saveScreenshot(page, "augment_page_all_ops.png");
}

void TestAugmentPage::savesAndLoadsYaml()
{
    DialogCloser closer;
    AugmentPage* page = makePage();
    QVERIFY(page->pipelineEditor()->selectPreset("wenet-aishell+speed"));
    page->pipelineEditor()->selectOp(1);
    page->pipelineEditor()->paramForm()->findChild<QComboBox*>("param_fill")->setCurrentText("mean");
    page->pipelineEditor()->paramForm()->findChild<QSpinBox*>("param_time_warp")->setValue(5);
    const std::string edited = page->pipeline().toYaml();
    QVERIFY(page->pipelineEditor()->isModified());

    const QString path = dir_.filePath("mine.yaml");
    QVERIFY(page->pipelineEditor()->savePipeline(path));
    QVERIFY(QFile::exists(path));
    QVERIFY(!page->pipelineEditor()->isModified());
    QCOMPARE(child<QComboBox>("presetCombo")->currentText(), QString("mine.yaml"));
    QCOMPARE(augment::Pipeline::load(path.toStdString()).toYaml(), edited);

    QVERIFY(page->pipelineEditor()->selectPreset("wenet-aishell"));
    QVERIFY(page->pipeline().toYaml() != edited);
    QVERIFY(page->pipelineEditor()->loadPipeline(path));
    QCOMPARE(page->pipeline().toYaml(), edited);
    QVERIFY(!page->pipelineEditor()->isModified());
    QVERIFY(page->pipeline().op(1).params().at("fill") == augment::ParamValue(std::string("mean")));
    QCOMPARE(closer.errors.size(), 0);

    // A malformed file: the error names it, the pipeline stays.
    const QString bad = dir_.filePath("bad.yaml");
    QFile file(bad);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("espalier_augment: 1\nname: bad\nops:\n  - {type: spec_augment, freq_width: -3}\n");
    file.close();
    QVERIFY(!page->pipelineEditor()->loadPipeline(bad));
    QTRY_COMPARE(closer.errors.size(), 1);
    QVERIFY2(closer.errors.at(0).contains("bad.yaml"), qPrintable(closer.errors.at(0)));
    QCOMPARE(page->pipeline().toYaml(), edited);
}

void TestAugmentPage::showsEquivalentCommand()
{
    DialogCloser closer;
    AugmentPage* page = makePage();
    QVERIFY(page->previewCommand().isEmpty());
    QVERIFY(page->pipelineEditor()->selectPreset("wenet-aishell+speed"));
    page->setSourceFile(wav_);
    page->setSeed(42);
    QVERIFY(waitForPreview(page));
    QCOMPARE(page->previewCommand(),
             QString("espalier-cli augment preview %1 --preset wenet-aishell+speed --seed 42 --out tone-augmented").arg(wav_));
    child<QPushButton>("commandButton")->click();
    QCOMPARE(closer.commands, QStringList{page->previewCommand()});

    // Edited and unsaved: the command says to save it first.
    page->pipelineEditor()->selectOp(1);
    page->pipelineEditor()->paramForm()->findChild<QSpinBox*>("param_time_masks")->setValue(3);
    QVERIFY(page->previewCommand().startsWith("# "));
    QVERIFY(page->previewCommand().contains("--pipeline pipeline.yaml"));
    const QString path = dir_.filePath("cmd.yaml");
    QVERIFY(page->pipelineEditor()->savePipeline(path));
    QVERIFY(page->previewCommand().startsWith("espalier-cli augment preview "));
    QVERIFY(page->previewCommand().contains("--pipeline " + path));
    QVERIFY(page->previewCommand().contains("--seed 42"));
    QVERIFY(waitForPreview(page));
}

void TestAugmentPage::acceptsDroppedFileAndReportsBadAudio()
{
    DialogCloser closer;
    AugmentPage* page = makePage();
    const QString other = dir_.filePath("short.wav");
    audio::writeWav(other.toStdString(), toneAndNoise(1.0, 3));
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(other)});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(page, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(page, &drop);
    QVERIFY(waitForPreview(page));
    QCOMPARE(page->sourcePath(), QFileInfo(other).absoluteFilePath());
    QCOMPARE(child<WaveformPlot>("beforeWaveform")->sampleCount(), size_t(kRate));

    QSignalSpy failed(page, &AugmentPage::loadFailed);
    const QString broken = dir_.filePath("broken.wav");
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("RIFF\x10\x00\x00\x00WAVEnot really");
    file.close();
    page->setSourceFile(broken);
    QTRY_COMPARE(failed.count(), 1);
    QTRY_COMPARE(closer.errors.size(), 1);
    QVERIFY2(closer.errors.at(0).contains("broken.wav"), qPrintable(closer.errors.at(0)));
    QVERIFY(!child<WaveformPlot>("beforeWaveform")->hasData());
    QVERIFY(!child<QPushButton>("playAfterButton")->isEnabled());
    // Still usable.
    page->setSourceFile(wav_);
    QVERIFY(waitForPreview(page));
    QCOMPARE(child<WaveformPlot>("beforeWaveform")->sampleCount(), size_t(2 * kRate));
}

void TestAugmentPage::picksUtteranceFromCorpus()
{
    const QString projectDir = dir_.filePath("project");
    const QString corpus = projectDir + "/corpus";
    auto project = project::Project::create(projectDir.toStdString(), "Augment page test");
    QDir(corpus).mkpath("dev");
    QDir(corpus).mkpath("wav");
    QFile list(corpus + "/dev/data.list");
    QVERIFY(list.open(QIODevice::WriteOnly));
    for (int i = 0; i < 3; ++i) {
        const QString key = QStringLiteral("utt%1").arg(i);
        audio::writeWav((corpus + "/wav/" + key + ".wav").toStdString(), toneAndNoise(1.0 + 0.5 * i, unsigned(i)));
        list.write(QStringLiteral("{\"key\": \"%1\", \"wav\": \"../wav/%1.wav\", \"txt\": \"你好 %2\"}\n").arg(key).arg(i).toUtf8());
    }
    list.close();
    project.addCorpus("tiny", corpus.toStdString());
    project.save();

    page_ = std::make_unique<AugmentPage>();
    page_->resize(1400, 900);
    AugmentPage* page = page_.get();
    QSignalSpy loaded(page, &AugmentPage::sourceLoaded);
    page->setProject(std::make_shared<const project::Project>(project));
    QVERIFY(!page->isBusy());  // a hidden page reads nothing
    page->show();
    // The first utterance is previewed on arrival.
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 10000);
    QVERIFY(waitForPreview(page));
    QVERIFY(page->sourcePath().endsWith("utt0.wav"));
    QVERIFY(child<QLabel>("sourceLabel")->text().contains("utt0"));

    QVERIFY(page->selectUtterance("utt2"));
    QVERIFY(waitForPreview(page));
    QVERIFY(page->sourcePath().endsWith("utt2.wav"));
    QCOMPARE(child<WaveformPlot>("beforeWaveform")->sampleCount(), size_t(2 * kRate));
    QVERIFY(child<QLabel>("sourceLabel")->text().contains(QString::fromUtf8("你好 2")));
    QVERIFY(page->previewCommand().contains("utt2.wav"));
    QVERIFY(page->previewCommand().endsWith("--out utt2-augmented"));
    auto* filter = page->findChild<QLineEdit*>("sourceFilterEdit");
    QVERIFY(filter);
    filter->setText("utt1");
    QCOMPARE(page->findChild<QTableView*>("sourceTable")->model()->rowCount(), 1);
    page->selectUtteranceRow(0);
    QVERIFY(waitForPreview(page));
    QVERIFY(page->sourcePath().endsWith("utt1.wav"));
    saveScreenshot(page, "augment_page_corpus.png");
}

void TestAugmentPage::isTheMainWindowsAugmentPage()
{
    widgets::MainWindow window;
    auto* page = qobject_cast<AugmentPage*>(window.page(widgets::MainWindow::AugmentPageId));
    QVERIFY(page);
    QCOMPARE(page->title(), QString("Augment"));
    QVERIFY(!page->icon().isNull());
}

QTEST_MAIN(TestAugmentPage)
#include "test_augment_page.moc"
