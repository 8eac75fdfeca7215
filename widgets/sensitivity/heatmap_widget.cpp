#include "widgets/sensitivity/heatmap_widget.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <limits>

namespace espalier::widgets {

using analysis::SensitivityCell;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

QColor mix(const QColor& a, const QColor& b, double t)
{
    t = std::clamp(t, 0.0, 1.0);
    return QColor::fromRgbF(float(a.redF() + t * (b.redF() - a.redF())), float(a.greenF() + t * (b.greenF() - a.greenF())),
                            float(a.blueF() + t * (b.blueF() - a.blueF())));
}

const QColor kWhite(247, 247, 247);
const QColor kRed(202, 0, 32);
const QColor kBlue(5, 113, 176);
const QColor kGreen(26, 152, 80);
const QColor kPending(228, 228, 228);

QString percentText(double v) { return QString::number(v * 100.0, 'g', 3) + " %"; }

} // namespace

HeatmapWidget::HeatmapWidget(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    rowHeight_ = std::max(14, fontMetrics().height() + 2);
    cellWidth_ = std::max(40, fontMetrics().horizontalAdvance("100 %") + 10);
    headerHeight_ = fontMetrics().height() + 8;
}

QString HeatmapWidget::metricName(Metric metric)
{
    switch (metric) {
    case Metric::DeltaLoss: return tr("Δ loss");
    case Metric::Kl: return tr("KL to the unpruned model");
    case Metric::DeltaCer: return tr("Δ CER (points)");
    case Metric::LatencyGain: return tr("Latency gain");
    case Metric::Magnitude: return tr("|w| removed (data-free)");
    }
    return {};
}

void HeatmapWidget::setResult(const analysis::SensitivityResult& result)
{
    result_ = result;
    chosen_.clear();
    if (selected_ >= int(result_.rows.size()))
        selected_ = -1;
    rescale();
    updateGeometry();
    adjustSize();
    update();
}

void HeatmapWidget::setCell(const QString& rowName, int level, const SensitivityCell& cell)
{
    if (level < 0 || level >= int(result_.levels.size()))
        return;
    const std::string name = rowName.toStdString();
    auto it = std::find_if(result_.rows.begin(), result_.rows.end(),
                           [&](const analysis::SensitivityRow& r) { return r.name == name; });
    if (it == result_.rows.end()) {
        analysis::SensitivityRow row;
        row.name = name;
        row.block = -1;
        row.cells.assign(result_.levels.size(), SensitivityCell());
        result_.rows.push_back(row);
        it = result_.rows.end() - 1;
        updateGeometry();
        adjustSize();
    }
    it->cells[size_t(level)] = cell;
    rescale();
    update();
}

void HeatmapWidget::setMetric(Metric metric)
{
    metric_ = metric;
    rescale();
    update();
}

void HeatmapWidget::setChosen(const std::vector<double>& sparsity)
{
    chosen_ = sparsity;
    update();
}

void HeatmapWidget::setSelectedRow(int row)
{
    selected_ = row;
    update();
}

double HeatmapWidget::value(int row, int level) const
{
    if (row < 0 || row >= int(result_.rows.size()) || level < 0 || level >= int(result_.levels.size()))
        return kNaN;
    const analysis::SensitivityRow& r = result_.rows[size_t(row)];
    const SensitivityCell& c = r.cells[size_t(level)];
    switch (metric_) {
    case Metric::Magnitude:
        return size_t(level) < r.magnitude.size() ? r.magnitude[size_t(level)] : kNaN;
    case Metric::LatencyGain:
        if (r.latencyMs.empty() || r.latencyMs.front() <= 0.0)
            return kNaN;
        return (r.latencyMs.front() - r.latencyMs[size_t(level)]) / r.latencyMs.front();
    default:
        break;
    }
    if (c.state != SensitivityCell::State::Done)
        return kNaN;
    if (metric_ == Metric::DeltaLoss)
        return result_.deltaLoss(r, size_t(level));
    if (metric_ == Metric::Kl)
        return c.kl;
    return 100.0 * result_.deltaCer(r, size_t(level));
}

void HeatmapWidget::rescale()
{
    // The 95th percentile of |value| saturates the colour: one collapsed row (the front end at 95 %)
    // must not wash every other cell out to white.
    std::vector<double> magnitudes;
    for (int r = 0; r < int(result_.rows.size()); ++r)
        for (int l = 0; l < int(result_.levels.size()); ++l) {
            const double v = value(r, l);
            if (std::isfinite(v) && v != 0.0)
                magnitudes.push_back(std::abs(v));
        }
    if (magnitudes.empty()) {
        scale_ = 1.0;
        return;
    }
    const size_t at = std::min(magnitudes.size() - 1, size_t(0.95 * double(magnitudes.size())));
    std::nth_element(magnitudes.begin(), magnitudes.begin() + long(at), magnitudes.end());
    scale_ = magnitudes[at] > 0.0 ? magnitudes[at] : 1.0;
}

QColor HeatmapWidget::color(int row, int level) const
{
    if (row < 0 || row >= int(result_.rows.size()) || level < 0 || level >= int(result_.levels.size()))
        return kPending;
    const SensitivityCell& c = result_.rows[size_t(row)].cells[size_t(level)];
    const bool perCell = metric_ != Metric::Magnitude && metric_ != Metric::LatencyGain;
    if (perCell && c.state == SensitivityCell::State::Skipped)
        return kRed.darker(160);  // past the loss ceiling
    const double v = value(row, level);
    if (!std::isfinite(v))
        return kPending;
    const double t = v / scale_;
    switch (metric_) {
    case Metric::DeltaLoss:
    case Metric::DeltaCer:
        return t >= 0.0 ? mix(kWhite, kRed, t) : mix(kWhite, kBlue, -t);
    case Metric::LatencyGain:
        return mix(kWhite, kGreen, t);
    case Metric::Kl:
    case Metric::Magnitude:
        return mix(kWhite, kRed, t);
    }
    return kPending;
}

QString HeatmapWidget::rowLabel(int row) const
{
    if (row < 0 || row >= int(result_.rows.size()))
        return {};
    const analysis::SensitivityRow& r = result_.rows[size_t(row)];
    QString name = QString::fromStdString(r.name);
    if (name.endsWith(".weight"))
        name.chop(7);
    const QString prefix = "encoder.blocks." + QString::number(r.block) + ".";
    if (r.block >= 0 && name.startsWith(prefix))
        name = name.mid(prefix.size());
    else if (name.startsWith("encoder."))
        name = name.mid(8);
    if (r.block >= 0)
        return tr("b%1 · %2").arg(r.block).arg(name.isEmpty() ? tr("block") : name);
    return name;
}

QString HeatmapWidget::toolTipText(int row, int level) const
{
    if (row < 0 || row >= int(result_.rows.size()) || level < 0 || level >= int(result_.levels.size()))
        return {};
    const analysis::SensitivityRow& r = result_.rows[size_t(row)];
    const SensitivityCell& c = r.cells[size_t(level)];
    QStringList lines;
    lines << "<b>" + QString::fromStdString(r.name).toHtmlEscaped() + "</b>";
    lines << tr("Sparsity %1").arg(percentText(result_.levels[size_t(level)]));
    switch (c.state) {
    case SensitivityCell::State::Pending:
        lines << tr("Not computed yet");
        break;
    case SensitivityCell::State::Skipped:
        lines << tr("Skipped: the row's Δ loss passed the ceiling (%1)").arg(result_.lossCeiling, 0, 'g', 3);
        break;
    case SensitivityCell::State::Done:
        lines << tr("Loss %1 (Δ %2)").arg(c.loss, 0, 'f', 4).arg(c.loss - result_.baselineLoss, 0, 'f', 4);
        lines << tr("KL %1").arg(c.kl, 0, 'g', 4);
        lines << tr("CER %1 (Δ %2 points)").arg(percentText(c.cer)).arg(100.0 * (c.cer - result_.baselineCer), 0, 'f', 2);
        break;
    }
    if (size_t(level) < r.magnitude.size())
        lines << tr("|w| removed %1").arg(percentText(r.magnitude[size_t(level)]));
    if (!r.latencyMs.empty())
        lines << tr("Latency %1 ms (dense %2 ms)").arg(r.latencyMs[size_t(level)], 0, 'f', 4).arg(r.latencyMs.front(), 0, 'f', 4);
    if (r.parameters > 0)
        lines << tr("%1 weights").arg(r.parameters);
    return lines.join("<br>");
}

int HeatmapWidget::labelWidth() const
{
    int w = fontMetrics().horizontalAdvance(tr("Sparsity")) + 12;
    for (int r = 0; r < int(result_.rows.size()); ++r)
        w = std::max(w, fontMetrics().horizontalAdvance(rowLabel(r)) + 12);
    return std::min(w, 360);
}

QRect HeatmapWidget::cellRect(int row, int level) const
{
    return QRect(labelWidth() + level * cellWidth_, headerHeight_ + row * rowHeight_, cellWidth_, rowHeight_);
}

int HeatmapWidget::rowAt(int y) const
{
    const int r = (y - headerHeight_) / rowHeight_;
    return y >= headerHeight_ && r < int(result_.rows.size()) ? r : -1;
}

int HeatmapWidget::levelAt(int x) const
{
    const int l = (x - labelWidth()) / cellWidth_;
    return x >= labelWidth() && l < int(result_.levels.size()) ? l : -1;
}

QSize HeatmapWidget::sizeHint() const
{
    return QSize(labelWidth() + cellWidth_ * std::max<int>(1, int(result_.levels.size())) + 2,
                 headerHeight_ + rowHeight_ * std::max<int>(1, int(result_.rows.size())) + 2);
}

void HeatmapWidget::paintEvent(QPaintEvent* event)
{
    QPainter p(this);
    p.fillRect(event->rect(), palette().base());
    const int labels = labelWidth();
    p.setPen(palette().text().color());
    for (int l = 0; l < int(result_.levels.size()); ++l)
        p.drawText(QRect(labels + l * cellWidth_, 0, cellWidth_, headerHeight_), Qt::AlignCenter,
                   QString::number(result_.levels[size_t(l)] * 100.0, 'g', 3) + "%");
    if (result_.rows.empty()) {
        p.drawText(rect().adjusted(0, headerHeight_, 0, 0), Qt::AlignCenter, tr("No analysis yet"));
        return;
    }
    const int first = std::max(0, (event->rect().top() - headerHeight_) / rowHeight_);
    const int last = std::min(int(result_.rows.size()) - 1, (event->rect().bottom() - headerHeight_) / rowHeight_);
    for (int r = first; r <= last; ++r) {
        const QRect label(0, headerHeight_ + r * rowHeight_, labels, rowHeight_);
        if (r == selected_)
            p.fillRect(label, palette().highlight());
        p.setPen(r == selected_ ? palette().highlightedText().color() : palette().text().color());
        p.drawText(label.adjusted(4, 0, -4, 0), Qt::AlignVCenter | Qt::AlignLeft,
                   fontMetrics().elidedText(rowLabel(r), Qt::ElideLeft, labels - 8));
        for (int l = 0; l < int(result_.levels.size()); ++l)
            p.fillRect(cellRect(r, l).adjusted(0, 0, -1, -1), color(r, l));
        // A block boundary: a line above the block's first row.
        if (r > 0 && result_.rows[size_t(r)].block != result_.rows[size_t(r - 1)].block) {
            p.setPen(QPen(palette().mid().color(), 1));
            p.drawLine(0, label.top(), labels + cellWidth_ * int(result_.levels.size()), label.top());
        }
        if (size_t(r) < chosen_.size() && result_.levels.size() > 1) {
            // Position of the chosen sparsity between the columns' centres.
            const double s = chosen_[size_t(r)];
            double column = double(result_.levels.size() - 1);
            for (size_t l = 1; l < result_.levels.size(); ++l)
                if (s <= result_.levels[l]) {
                    column = double(l - 1) + (s - result_.levels[l - 1]) / (result_.levels[l] - result_.levels[l - 1]);
                    break;
                }
            const int x = labels + int(std::lround((column + 0.5) * cellWidth_));
            p.setPen(QPen(Qt::black, 3));
            p.drawLine(x, label.top() + 2, x, label.bottom() - 2);
        }
    }
}

bool HeatmapWidget::event(QEvent* e)
{
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        const int r = rowAt(help->pos().y()), l = levelAt(help->pos().x());
        if (r >= 0 && l >= 0)
            QToolTip::showText(help->globalPos(), toolTipText(r, l), this, cellRect(r, l));
        else if (r >= 0)
            QToolTip::showText(help->globalPos(), "<b>" + QString::fromStdString(result_.rows[size_t(r)].name).toHtmlEscaped() + "</b>",
                               this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(e);
}

void HeatmapWidget::mousePressEvent(QMouseEvent* event)
{
    const int r = rowAt(int(event->position().y()));
    if (r >= 0) {
        setSelectedRow(r);
        emit rowClicked(r);
    }
}

} // namespace espalier::widgets
