#pragma once
// The parameter form of one op of an augmentation pipeline, generated from its ParamSpecs: numbers
// as spin boxes bounded by the spec, choices as combo boxes, lists as "0.9, 1.0, 1.1" line edits,
// paths as a line edit with a browse button, and the op's probability. It only collects values: the
// page validates them through Pipeline::replace and shows what it says with setError().
#include "core/augment/op.h"

#include <QString>
#include <QWidget>

#include <vector>

class QDoubleSpinBox;
class QFormLayout;
class QLabel;

namespace espalier::widgets {

class OpParamForm : public QWidget {
    Q_OBJECT
public:
    explicit OpParamForm(QWidget* parent = nullptr);

    // Shows the editors of op `index` (of `type`) with these values. Called again for the same
    // index and type it updates the values in place (the editor being typed in keeps its focus).
    void setOp(int index, const std::string& type, const augment::ParamMap& params, double probability);
    // No op selected: an empty form with a hint.
    void clearOp();
    int opIndex() const { return index_; }
    const std::string& opType() const { return type_; }

    // The values in the editors: the op's parameters as given plus every one the user changed
    // (an emptied list or path is left out, so the op's default applies). Throws nothing; a list
    // that does not parse is reported by edited() not being emitted and the error shown.
    augment::ParamMap params() const { return current_; }
    double probability() const;

    // The inline error under the form (red); empty hides it.
    void setError(const QString& message);
    QString error() const;

signals:
    // The user changed a value; params() and probability() hold the new ones.
    void edited();

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Field {
        augment::ParamSpec spec;
        QWidget* editor = nullptr;  // QDoubleSpinBox, QSpinBox, QComboBox or QLineEdit
        QLabel* label = nullptr;
    };

    void rebuild();
    void retranslate();
    QWidget* makeEditor(const augment::ParamSpec& spec);
    // editor with a button that removes the parameter (so the op's default applies).
    QWidget* withResetButton(QWidget* editor, const std::string& name, size_t fieldIndex);
    void showValue(const Field& field);
    // Reads field into current_; false (and the error shown) when its text does not parse.
    bool collect(const Field& field);
    void onFieldEdited(size_t fieldIndex);
    augment::ParamValue shownValue(const augment::ParamSpec& spec) const;

    int index_ = -1;
    std::string type_;
    augment::ParamMap current_;
    double probability_ = 1.0;
    std::vector<Field> fields_;
    QLabel* title_;
    QWidget* fieldsWidget_;
    QFormLayout* formLayout_;
    QLabel* probabilityLabel_ = nullptr;
    QDoubleSpinBox* probabilitySpin_ = nullptr;
    QLabel* errorLabel_;
};

} // namespace espalier::widgets
