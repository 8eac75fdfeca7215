#include "widgets/augment/param_text.h"

#include "core/augment/op_registry.h"

#include <QRegularExpression>
#include <QStringList>

#include <cmath>
#include <cstdio>

namespace espalier::widgets {

QString AugmentText::opName(const std::string& type)
{
    if (type == "speed")
        return tr("Speed");
    if (type == "tempo")
        return tr("Tempo");
    if (type == "crop")
        return tr("Crop");
    if (type == "gain")
        return tr("Gain");
    if (type == "noise")
        return tr("Noise");
    if (type == "reverb")
        return tr("Reverb");
    if (type == "spec_augment")
        return tr("SpecAugment");
    return QString::fromStdString(type);
}

QString AugmentText::opDescription(const std::string& type)
{
    if (type == "speed")
        return tr("Speed perturbation by resampling: duration and pitch change, as sox speed");
    if (type == "tempo")
        return tr("Tempo change keeping the pitch");
    if (type == "crop")
        return tr("Random crop to a fraction of the length, or silence padding above 1");
    if (type == "gain")
        return tr("Volume change in dB");
    if (type == "noise")
        return tr("Additive noise at a target SNR: coloured, from files, or babble");
    if (type == "reverb")
        return tr("Reverberation with a room impulse response (a file, or generated from RT60)");
    if (type == "spec_augment")
        return tr("Time warp, frequency and time masks on the fbank features");
    for (const augment::OpType& t : augment::opTypes())
        if (t.name == type)
            return QString::fromStdString(t.description);
    return {};
}

QString AugmentText::number(double value)
{
    if (std::isnan(value))
        return QStringLiteral("nan");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    // The shortest form that reads back as the same double.
    for (int precision = 6; precision <= 17; ++precision) {
        const QString text = QString::number(value, 'g', precision);
        if (text.toDouble() == value)
            return text;
    }
    return QString::number(value, 'g', 17);
}

QString AugmentText::value(const augment::ParamValue& value)
{
    if (const auto* n = std::get_if<double>(&value))
        return number(*n);
    if (const auto* s = std::get_if<std::string>(&value))
        return QString::fromStdString(*s);
    QStringList items;
    if (const auto* list = std::get_if<std::vector<double>>(&value)) {
        for (double v : *list)
            items << number(v);
    } else if (const auto* words = std::get_if<std::vector<std::string>>(&value)) {
        for (const std::string& w : *words)
            items << QString::fromStdString(w);
    }
    return items.join(QStringLiteral(", "));
}

QString AugmentText::params(const augment::ParamMap& params)
{
    QStringList items;
    for (const auto& [name, v] : params) {
        const bool list = std::holds_alternative<std::vector<double>>(v) || std::holds_alternative<std::vector<std::string>>(v);
        items << QStringLiteral("%1=%2").arg(QString::fromStdString(name), list ? "[" + value(v) + "]" : value(v));
    }
    return items.join(QStringLiteral("  "));
}

QString AugmentText::draw(const augment::AppliedOp& record)
{
    if (!record.applied)
        return tr("skipped");
    return QString::fromStdString(record.summary());
}

QString AugmentText::details(const augment::AppliedOp& record)
{
    QStringList lines;
    lines << QStringLiteral("%1 (#%2)").arg(opName(record.type)).arg(record.index + 1);
    if (!record.applied) {
        lines << tr("Skipped by its probability on this draw.");
        return lines.join('\n');
    }
    for (const auto& [name, v] : record.values)
        lines << QStringLiteral("%1 = %2").arg(QString::fromStdString(name), number(v));
    for (const auto& [name, v] : record.labels)
        lines << QStringLiteral("%1 = %2").arg(QString::fromStdString(name), QString::fromStdString(v));
    for (const augment::MaskRegion& mask : record.masks) {
        if (mask.axis == augment::MaskAxis::Time)
            lines << tr("time mask: frames %1–%2").arg(mask.start).arg(mask.start + mask.width - 1);
        else
            lines << tr("frequency mask: bins %1–%2").arg(mask.start).arg(mask.start + mask.width - 1);
    }
    return lines.join('\n');
}

std::optional<std::vector<double>> AugmentText::parseNumbers(const QString& text, QString* error)
{
    static const QRegularExpression separators(QStringLiteral("[,;\\s\\[\\]]+"));
    std::vector<double> numbers;
    for (const QString& item : text.split(separators, Qt::SkipEmptyParts)) {
        bool ok = false;
        const double v = item.toDouble(&ok);
        if (!ok) {
            if (error)
                *error = tr("“%1” is not a number").arg(item);
            return std::nullopt;
        }
        numbers.push_back(v);
    }
    return numbers;
}

std::vector<std::string> AugmentText::parseWords(const QString& text)
{
    static const QRegularExpression separators(QStringLiteral("[,;\\s\\[\\]]+"));
    std::vector<std::string> words;
    for (const QString& item : text.split(separators, Qt::SkipEmptyParts))
        words.push_back(item.toStdString());
    return words;
}

} // namespace espalier::widgets
