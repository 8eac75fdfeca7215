#pragma once
// Text forms of augmentation parameters and records for the Augment page: values as the YAML
// writes them ("0.9, 1, 1.1"), one-line summaries, translated op names, and list parsing.
#include "core/augment/applied_op.h"
#include "core/augment/op.h"

#include <QCoreApplication>
#include <QString>

#include <optional>
#include <vector>

namespace espalier::widgets {

class AugmentText {
    Q_DECLARE_TR_FUNCTIONS(espalier::widgets::AugmentText)
public:
    // "speed" -> "Speed", "spec_augment" -> "SpecAugment" (translated); unknown types as given.
    static QString opName(const std::string& type);
    // What an op type does, one line (translated; the engine's English text for unknown types).
    static QString opDescription(const std::string& type);
    // A number as YAML writes it: shortest round-trip form, '.' decimal point.
    static QString number(double value);
    // A value as typed into an editor: numbers and lists of them, comma-separated.
    static QString value(const augment::ParamValue& value);
    // "factors=0.9, 1, 1.1; …" of every parameter, in name order.
    static QString params(const augment::ParamMap& params);
    // What a record drew: "factor=1.1", "2 freq masks, …" (the core's summary for masks), or
    // "skipped" when its probability skipped the op.
    static QString draw(const augment::AppliedOp& record);
    // Every value, label and mask of a record, one per line (tool tips).
    static QString details(const augment::AppliedOp& record);

    // "0.9, 1.0 1.1" -> {0.9, 1.0, 1.1} (commas and/or spaces); nullopt and *error set when an
    // item is not a number. Empty text gives an empty list.
    static std::optional<std::vector<double>> parseNumbers(const QString& text, QString* error);
    // "white, pink" -> {"white", "pink"}.
    static std::vector<std::string> parseWords(const QString& text);
};

} // namespace espalier::widgets
