#include "widgets/pages/devices_page.h"

#include "core/deploy/bench_job.h"
#include "core/deploy/device_session.h"
#include "core/deploy/espm_export.h"
#include "core/deploy/latency_table.h"
#include "core/job/shell_quote.h"
#include "core/project/project.h"
#include "core/runtime/error.h"
#include "core/train/run_record.h"
#include "widgets/command_dialog.h"
#include "widgets/devices/bench_settings_form.h"
#include "widgets/devices/device_dialog.h"
#include "widgets/error_dialog.h"
#include "widgets/job_controller.h"
#include "widgets/job_panel.h"
#include "widgets/models/device_table_model.h"
#include "widgets/models/latency_table_model.h"
#include "widgets/plots/latency_box_plot.h"
#include "widgets/plots/layer_bar_plot.h"

#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <filesystem>

namespace espalier::widgets {

namespace {

QString text(const std::string& s)
{
    return QString::fromStdString(s);
}

} // namespace

DevicesPage::DevicesPage(QWidget* parent) : Page(parent)
{
    heading_ = makeHeading(this);

    // Devices: the registry with its probes, and the selected one's details.
    devicesBox_ = new QGroupBox(this);
    devices_ = new DeviceTableModel(this);
    deviceTable_ = new QTableView(devicesBox_);
    deviceTable_->setObjectName("deviceTable");
    deviceTable_->setModel(devices_);
    deviceTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    deviceTable_->setSelectionMode(QAbstractItemView::SingleSelection);
    deviceTable_->verticalHeader()->hide();
    deviceTable_->setWordWrap(false);
    deviceTable_->setMinimumHeight(110);
    deviceTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    deviceTable_->horizontalHeader()->setStretchLastSection(true);
    add_ = new QPushButton(style()->standardIcon(QStyle::SP_FileDialogNewFolder), QString(), devicesBox_);
    add_->setObjectName("addDeviceButton");
    edit_ = new QPushButton(devicesBox_);
    remove_ = new QPushButton(style()->standardIcon(QStyle::SP_TrashIcon), QString(), devicesBox_);
    probe_ = new QPushButton(style()->standardIcon(QStyle::SP_BrowserReload), QString(), devicesBox_);
    probe_->setObjectName("probeDeviceButton");
    probeCommand_ = new QPushButton(devicesBox_);
    details_ = new QLabel(devicesBox_);
    details_->setObjectName("deviceDetails");
    details_->setWordWrap(true);
    details_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    details_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto* deviceButtons = new QHBoxLayout;
    for (QPushButton* b : {add_, edit_, remove_, probe_, probeCommand_})
        deviceButtons->addWidget(b);
    deviceButtons->addStretch(1);
    auto* devicesLayout = new QVBoxLayout(devicesBox_);
    devicesLayout->addWidget(deviceTable_, 2);
    devicesLayout->addLayout(deviceButtons);
    devicesLayout->addWidget(details_, 1);

    // Benchmark settings.
    benchBox_ = new QGroupBox(this);
    benchForm_ = new BenchSettingsForm(benchBox_);
    problemLabel_ = new QLabel(benchBox_);
    problemLabel_->setObjectName("benchProblem");
    problemLabel_->setWordWrap(true);
    problemLabel_->setStyleSheet("color: #b42828;");
    problemLabel_->hide();
    run_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), QString(), benchBox_);
    run_->setObjectName("runBenchmarkButton");
    runCommand_ = new QPushButton(benchBox_);
    runCommand_->setObjectName("benchCommandButton");

    auto* runRow = new QHBoxLayout;
    runRow->addWidget(runCommand_);
    runRow->addStretch(1);
    runRow->addWidget(run_);
    auto* benchLayout = new QVBoxLayout(benchBox_);
    benchLayout->addWidget(benchForm_, 1);
    benchLayout->addWidget(problemLabel_);
    benchLayout->addLayout(runRow);

    // Results: the session and input shown, then the plots and the table.
    resultsBox_ = new QGroupBox(this);
    sessionBox_ = new QComboBox(resultsBox_);
    sessionBox_->setObjectName("sessionBox");
    inputBox_ = new QComboBox(resultsBox_);
    inputBox_->setObjectName("inputBox");
    sessionNote_ = new QLabel(resultsBox_);
    sessionNote_->setWordWrap(true);
    tabs_ = new QTabWidget(resultsBox_);
    boxPlot_ = new LatencyBoxPlot(tabs_);
    boxPlot_->setObjectName("latencyBoxPlot");
    layerPlot_ = new LayerBarPlot(tabs_);
    layerPlot_->setObjectName("layerBarPlot");
    latencyModel_ = new LatencyTableModel(this);
    latencyView_ = new QTableView(tabs_);
    latencyView_->setObjectName("latencyTable");
    latencyView_->setModel(latencyModel_);
    latencyView_->verticalHeader()->hide();
    latencyView_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    tabs_->addTab(boxPlot_, QString());
    tabs_->addTab(layerPlot_, QString());
    tabs_->addTab(latencyView_, QString());
    auto* pick = new QHBoxLayout;
    pick->addWidget(sessionBox_, 2);
    pick->addWidget(inputBox_, 1);
    auto* resultsLayout = new QVBoxLayout(resultsBox_);
    resultsLayout->addLayout(pick);
    resultsLayout->addWidget(sessionNote_);
    resultsLayout->addWidget(tabs_, 1);

    auto* left = makeSplitter(Qt::Vertical, {devicesBox_, benchBox_}, {2, 3}, {300, 450}, this);
    auto* splitter = makeSplitter(Qt::Horizontal, {left, resultsBox_}, {2, 3}, {470, 640}, this);

    controller_ = new JobController(this);
    jobPanel_ = new JobPanel(this);
    jobPanel_->setController(controller_);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 16, 16, 16);
    layout->addWidget(heading_);
    layout->addWidget(splitter, 1);
    layout->addWidget(jobPanel_);

    connect(deviceTable_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        showDeviceDetails();
        showNewestSessionOf(selectedDevice());
        updateButtons();
    });
    connect(add_, &QPushButton::clicked, this, [this] {
        if (!project_)
            return;
        DeviceDialog dialog(text(project_->dir()), this);
        if (dialog.exec() == QDialog::Accepted)
            addDevice(dialog.device());
    });
    connect(edit_, &QPushButton::clicked, this, [this] {
        const DeviceTableModel::Row* row = devices_->find(selectedDevice());
        if (!project_ || !row)
            return;
        DeviceDialog dialog(text(project_->dir()), this);
        dialog.setDevice(row->device);
        if (dialog.exec() == QDialog::Accepted)
            addDevice(dialog.device());
    });
    connect(remove_, &QPushButton::clicked, this, &DevicesPage::removeSelectedDevice);
    connect(probe_, &QPushButton::clicked, this, &DevicesPage::probeSelectedDevice);
    connect(probeCommand_, &QPushButton::clicked, this, [this] {
        if (project_ && !selectedDevice().isEmpty())
            showCommandDialog(this, text(job::shellJoin({"espalier-cli", "device", "probe", selectedDevice().toStdString(),
                                                             "--project", project_->dir()})));
    });
    connect(run_, &QPushButton::clicked, this, &DevicesPage::runBenchmark);
    connect(runCommand_, &QPushButton::clicked, this, [this] {
        const QString command = benchCommand();
        if (!command.isEmpty())
            showCommandDialog(this, command);
    });
    connect(sessionBox_, &QComboBox::currentIndexChanged, this, &DevicesPage::showSession);
    connect(inputBox_, &QComboBox::currentIndexChanged, this, &DevicesPage::showInput);
    connect(controller_, &JobController::taggedMetric, this, &DevicesPage::onTaggedMetric);
    connect(controller_, &JobController::finished, this, [this](JobController::State outcome, const QString&) {
        const bool benchmark = benchmarking_;
        benchmarking_ = false;
        refreshDevices();
        if (benchmark)
            refreshSessions(outcome == JobController::State::Failed ? QString() : QStringLiteral("newest"));
        updateButtons();
        emit jobEnded();
    });
    retranslate();
    updateButtons();
}

DevicesPage::~DevicesPage() = default;

QString DevicesPage::title() const
{
    return tr("Devices");
}

QIcon DevicesPage::icon() const
{
    return style()->standardIcon(QStyle::SP_ComputerIcon);
}

void DevicesPage::retranslate()
{
    heading_->setText(tr("Devices"));
    devicesBox_->setTitle(tr("Devices of this project"));
    add_->setText(tr("Add…"));
    edit_->setText(tr("Edit…"));
    remove_->setText(tr("Remove"));
    probe_->setText(tr("Probe"));
    probe_->setToolTip(tr("Connect, push the runner and read the architecture, cores, clusters, memory and OS"));
    probeCommand_->setText(tr("Show command"));
    benchBox_->setTitle(tr("Benchmark"));
    run_->setText(tr("Run benchmark"));
    runCommand_->setText(tr("Show command"));
    resultsBox_->setTitle(tr("Results"));
    tabs_->setTabText(0, tr("Latency"));
    tabs_->setTabText(1, tr("Per layer"));
    tabs_->setTabText(2, tr("CER / latency"));
    devices_->retranslate();
    latencyModel_->retranslate();
    showDeviceDetails();
    refreshSessions(sessionBox_->currentData().toString());
}

void DevicesPage::setProject(std::shared_ptr<const project::Project> project)
{
    Page::setProject(std::move(project));
    refreshDevices();
    refreshModelsAndTestSets();
    refreshSessions();
    showNewestSessionOf(selectedDevice());
    updateButtons();
}

void DevicesPage::refreshDevices()
{
    const QString keep = selectedDevice();
    std::vector<DeviceTableModel::Row> rows;
    if (project_) {
        try {
            const deploy::DeviceRegistry registry = deploy::DeviceRegistry::load(project_->dir());
            for (const deploy::DeviceSpec& d : registry.devices())
                rows.push_back({d, deploy::loadProbe(registry, d.name)});
        } catch (const std::exception& e) {
            setProblem(QString::fromUtf8(e.what()));
        }
    }
    devices_->setRows(std::move(rows));
    if (!selectDevice(keep) && devices_->rowCount() > 0)
        deviceTable_->selectRow(0);
    showDeviceDetails();
}

void DevicesPage::refreshModelsAndTestSets()
{
    benchForm_->setProject(project_.get());
}

void DevicesPage::checkModel(const QString& path, bool checked)
{
    benchForm_->checkModel(path, checked);
}

void DevicesPage::setBenchmarkSettings(int frames, int runs, int warmup, int rounds, double cooldownSeconds)
{
    benchForm_->setBenchmarkSettings(frames, runs, warmup, rounds, cooldownSeconds);
}

void DevicesPage::setFeaturesInput(bool on)
{
    benchForm_->setFeaturesInput(on);
}

QListWidget* DevicesPage::modelList() const
{
    return benchForm_->modelList();
}

QListWidget* DevicesPage::testSetList() const
{
    return benchForm_->testSetList();
}

QString DevicesPage::selectedDevice() const
{
    const QModelIndex index = deviceTable_->currentIndex();
    return index.isValid() ? devices_->data(index, DeviceTableModel::NameRole).toString() : QString();
}

bool DevicesPage::selectDevice(const QString& name)
{
    const int row = devices_->rowOf(name);
    if (row < 0)
        return false;
    deviceTable_->selectRow(row);
    return true;
}

bool DevicesPage::addDevice(const deploy::DeviceSpec& device)
{
    if (!project_)
        return false;
    try {
        deploy::DeviceRegistry registry = deploy::DeviceRegistry::load(project_->dir());
        registry.replace(device);
        registry.save();
    } catch (const std::exception& e) {
        showError(this, tr("The device could not be added"), e);
        return false;
    }
    refreshDevices();
    selectDevice(text(device.name));
    return true;
}

bool DevicesPage::removeSelectedDevice()
{
    const QString name = selectedDevice();
    if (!project_ || name.isEmpty())
        return false;
    try {
        deploy::DeviceRegistry registry = deploy::DeviceRegistry::load(project_->dir());
        registry.remove(name.toStdString());
        registry.save();
    } catch (const std::exception& e) {
        showError(this, tr("The device could not be removed"), e);
        return false;
    }
    refreshDevices();
    return true;
}

void DevicesPage::showDeviceDetails()
{
    const DeviceTableModel::Row* row = devices_->find(selectedDevice());
    benchForm_->setDevice(row && row->probe ? &row->probe->info : nullptr, row ? text(row->device.cpus) : QString());
    if (!row) {
        details_->setText(project_ ? tr("No device selected. Add this machine, an SSH board, an ADB phone or an "
                                        "emulated aarch64 device.")
                                   : tr("Open a project first."));
        return;
    }
    QString html = QStringLiteral("<b>%1</b> — %2").arg(text(row->device.name).toHtmlEscaped(),
                                                          deviceDescriptionText(row->device).toHtmlEscaped());
    if (row->device.kind == deploy::DeviceKind::Emulated)
        html += "<br><i>" + tr("Timings under emulation are the emulator's, not a board's.") + "</i>";
    if (!row->probe) {
        html += "<br>" + tr("Not probed yet: Probe connects and reads what it is.");
    } else {
        const runtime::DeviceInfo& info = row->probe->info;
        html += "<br>" + tr("Architecture: %1, sparse kernel %2").arg(text(info.arch), text(row->probe->kernel));
        html += "<br>" + tr("CPU: %1").arg(text(info.cpu).toHtmlEscaped());
        for (size_t i = 0; i < info.clusters.size(); ++i) {
            const runtime::CpuCluster& c = info.clusters[i];
            const QString cpus = text(runtime::cpuListText(c.cpus));
            html += "<br>" + tr("Cluster: CPUs %1 (taskset mask %2), %3%4")
                                 .arg(cpus, text(runtime::cpuMaskHex(c.cpus)), text(c.core).toHtmlEscaped(),
                                      c.maxKHz > 0 ? tr(", up to %1 MHz").arg(c.maxKHz / 1000) : QString());
        }
        html += "<br>" + tr("Memory: %1 MiB; %2 (kernel %3)")
                             .arg(info.memoryKb / 1024)
                             .arg(text(info.os).toHtmlEscaped(), text(info.kernel).toHtmlEscaped());
        html += "<br><span style='color:gray'>" + tr("Probed %1").arg(text(row->probe->probedAt)) + "</span>";
    }
    details_->setText(html);
}

bool DevicesPage::probeSelectedDevice()
{
    const QString name = selectedDevice();
    if (!project_ || name.isEmpty() || controller_->isRunning())
        return false;
    const std::string dir = project_->dir(), device = name.toStdString();
    auto job = std::make_unique<job::FunctionJob>(
        "Probe " + device, std::vector<std::string>{"espalier-cli", "device", "probe", device, "--project", dir},
        [dir, device](job::JobContext& context) {
            context.beginStage("probe " + device, 0, 1);
            const deploy::DeviceRegistry registry = deploy::DeviceRegistry::load(dir);
            deploy::DeviceSession session(registry.get(device), registry, &context.token());
            const deploy::DeviceProbe probe = session.probe();
            deploy::saveProbe(registry, probe);
            context.info(device + ": " + probe.info.cpu + ", " + probe.info.os);
        });
    return controller_->start(std::move(job));
}

void DevicesPage::setProblem(const QString& problem)
{
    problem_ = problem;
    problemLabel_->setText(problem);
    problemLabel_->setVisible(!problem.isEmpty());
}

std::unique_ptr<job::Job> DevicesPage::makeBenchJob(QString* problem) const
{
    if (!project_) {
        *problem = tr("Open a project first.");
        return nullptr;
    }
    if (selectedDevice().isEmpty()) {
        *problem = tr("Add and select a device first.");
        return nullptr;
    }
    const std::vector<deploy::BenchModelSource> models = benchForm_->models();
    if (models.empty()) {
        *problem = tr("Check at least one model (a run of the project or an .espm file).");
        return nullptr;
    }
    try {
        const deploy::BenchSettings settings = benchForm_->settings();
        return std::make_unique<deploy::DeviceBenchJob>(project_->dir(), selectedDevice().toStdString(), models, settings,
                                                        deploy::exportForDevice);
    } catch (const std::exception& e) {
        *problem = QString::fromUtf8(e.what());
        return nullptr;
    }
}

QString DevicesPage::benchCommand() const
{
    QString problem;
    const std::unique_ptr<job::Job> job = makeBenchJob(&problem);
    const_cast<DevicesPage*>(this)->setProblem(problem);
    return job ? text(job::shellJoin(job->cliCommand())) : QString();
}

bool DevicesPage::runBenchmark()
{
    if (controller_->isRunning())
        return false;
    QString problem;
    std::unique_ptr<job::Job> job = makeBenchJob(&problem);
    setProblem(problem);
    if (!job)
        return false;
    // The live view: every checked model's samples on the first input, as they arrive.
    live_.clear();
    liveModels_.clear();
    liveInputs_.clear();
    for (const deploy::BenchModelSource& model : benchForm_->models())
        liveModels_ << text(model.label);
    liveInputs_ = benchForm_->inputNames();
    benchmarking_ = true;
    {
        const QSignalBlocker block(sessionBox_);
        sessionBox_->insertItem(0, tr("Running on %1…").arg(selectedDevice()), QString());
        sessionBox_->setCurrentIndex(0);
    }
    {
        const QSignalBlocker block(inputBox_);
        inputBox_->clear();
        for (const QString& input : liveInputs_)
            inputBox_->addItem(input, input);
    }
    sessionNote_->clear();
    boxPlot_->setDistributions(liveModels_, QVector<QVector<double>>(liveModels_.size()));
    layerPlot_->clear();
    latencyModel_->setTable({});
    tabs_->setCurrentIndex(0);
    const bool started = controller_->start(std::move(job));
    updateButtons();
    return started;
}

void DevicesPage::onTaggedMetric(const QString& series, double, double value, const QVariantMap& tags)
{
    if (!benchmarking_ || series != "latency_ms")
        return;
    const QString model = tags.value("model").toString(), input = tags.value("input").toString();
    live_[model][input].append(value);
    if (input != inputBox_->currentData().toString())
        return;
    QVector<QVector<double>> samples;
    for (const QString& m : liveModels_)
        samples.append(live_.value(m).value(input));
    boxPlot_->setDistributions(liveModels_, samples);
}

void DevicesPage::refreshSessions(const QString& select)
{
    sessions_.clear();
    try {
        if (project_)
            sessions_ = deploy::listSessions(project_->dir());
    } catch (const std::exception& e) {
        setProblem(QString::fromUtf8(e.what()));
    }
    const QSignalBlocker block(sessionBox_);
    sessionBox_->clear();
    for (const deploy::BenchSession& s : sessions_) {
        QString label = tr("%1 on %2 (%3 models)").arg(text(s.startedAt), text(s.device)).arg(s.models.size());
        if (!s.complete)
            label += tr(" — incomplete");
        sessionBox_->addItem(label, text(s.id));
    }
    if (sessions_.empty())
        sessionBox_->addItem(tr("No benchmark sessions yet"), QString());
    int at = select == "newest" ? 0 : sessionBox_->findData(select);
    sessionBox_->setCurrentIndex(std::max(0, at));
    showSession();
}

void DevicesPage::showNewestSessionOf(const QString& device)
{
    if (benchmarking_)
        return;
    for (const deploy::BenchSession& s : sessions_)  // newest first
        if (text(s.device) == device) {
            const int at = sessionBox_->findData(text(s.id));
            if (at >= 0 && at != sessionBox_->currentIndex())
                sessionBox_->setCurrentIndex(at);
            return;
        }
}

void DevicesPage::showSession()
{
    const QString id = sessionBox_->currentData().toString();
    const deploy::BenchSession* s = nullptr;
    for (const deploy::BenchSession& candidate : sessions_)
        if (text(candidate.id) == id)
            s = &candidate;
    const QString keepInput = inputBox_->currentData().toString();
    {
        const QSignalBlocker block(inputBox_);
        inputBox_->clear();
        if (s)
            for (const std::string& input : s->inputNames())
                inputBox_->addItem(text(input), text(input));
        const int at = inputBox_->findData(keepInput);
        inputBox_->setCurrentIndex(std::max(0, at));
    }
    if (!s) {
        sessionNote_->clear();
        if (!benchmarking_) {
            boxPlot_->clear();
            layerPlot_->clear();
            latencyModel_->setTable({});
        }
        return;
    }
    const DeviceTableModel::Row* known = devices_->find(text(s->device));
    QString note = tr("%1 — %2; %3 rounds × %4 runs, %5 thread(s)")
                       .arg(known ? deviceDescriptionText(known->device) : text(s->deviceDescription),
                            text(s->probe.info.cpu))
                       .arg(s->settings.rounds)
                       .arg(s->settings.runs)
                       .arg(s->settings.threads);
    note += s->settings.cpus.empty() ? tr(", not pinned") : tr(", pinned to CPUs %1").arg(text(s->settings.cpus));
    if (!s->probe.info.arch.empty() && s->probe.info.arch != "x86_64" && s->deviceDescription.find("emulated") != std::string::npos)
        note += " " + tr("(emulated: not a board's timings)");
    sessionNote_->setText(note);
    // The seed's table, with each model's CER from its run.
    std::map<std::string, std::map<std::string, double>> cers;
    for (const deploy::BenchModel& m : s->models)
        if (!m.runDir.empty())
            for (const auto& [set, result] : train::readRunRecord(m.runDir).tests)
                cers[m.label][set] = result.cer;
    latencyModel_->setTable(deploy::buildLatencyTable(*s, cers));
    showInput();
}

void DevicesPage::showInput()
{
    const QString id = sessionBox_->currentData().toString();
    const std::string input = inputBox_->currentData().toString().toStdString();
    if (benchmarking_ && id.isEmpty()) {
        QVector<QVector<double>> samples;
        for (const QString& m : liveModels_)
            samples.append(live_.value(m).value(text(input)));
        boxPlot_->setDistributions(liveModels_, samples);
        return;
    }
    const deploy::BenchSession* s = nullptr;
    for (const deploy::BenchSession& candidate : sessions_)
        if (text(candidate.id) == id)
            s = &candidate;
    if (!s)
        return;
    QStringList labels;
    QVector<QVector<double>> samples;
    for (const deploy::BenchModel& m : s->models) {
        labels << text(m.label);
        const std::vector<double> v = s->latencies(m.label, input);
        samples.append(QVector<double>(v.begin(), v.end()));
    }
    boxPlot_->setDistributions(labels, samples);
    // Per layer: the layers in execution order, each model's mean time on them.
    QStringList layers;
    QVector<QVector<double>> values;
    for (const deploy::BenchModel& m : s->models)
        for (const auto& [layer, ms] : s->layerProfile(m.label, input))
            if (!layers.contains(text(layer)))
                layers << text(layer);
    for (const deploy::BenchModel& m : s->models) {
        QVector<double> row(layers.size(), 0.0);
        for (const auto& [layer, ms] : s->layerProfile(m.label, input))
            row[layers.indexOf(text(layer))] = ms;
        values.append(row);
    }
    layerPlot_->setBars(layers, labels, values);
}

void DevicesPage::showResultsTab(int index)
{
    tabs_->setCurrentIndex(index);
}

void DevicesPage::updateButtons()
{
    const bool running = controller_->isRunning();
    const bool device = !selectedDevice().isEmpty();
    add_->setEnabled(project_ != nullptr);
    edit_->setEnabled(device && !running);
    remove_->setEnabled(device && !running);
    probe_->setEnabled(device && !running);
    probeCommand_->setEnabled(device);
    run_->setEnabled(device && !running);
}

} // namespace espalier::widgets
