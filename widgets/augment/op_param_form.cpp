#include "widgets/augment/op_param_form.h"

#include "core/augment/op_registry.h"
#include "widgets/augment/param_text.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <climits>
#include <cmath>

namespace espalier::widgets {

namespace {
using Kind = augment::ParamSpec::Kind;

constexpr double kUnbounded = 1e9;

bool bounded(const augment::ParamSpec& spec)
{
    return spec.min < spec.max;
}

QString objectNameFor(const std::string& name)
{
    return QStringLiteral("param_") + QString::fromStdString(name);
}
} // namespace

OpParamForm::OpParamForm(QWidget* parent) : QWidget(parent)
{
    title_ = new QLabel(this);
    title_->setObjectName("paramTitle");
    title_->setWordWrap(true);
    fieldsWidget_ = new QWidget(this);
    formLayout_ = new QFormLayout(fieldsWidget_);
    formLayout_->setContentsMargins(0, 0, 0, 0);
    formLayout_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    formLayout_->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    errorLabel_ = new QLabel(this);
    errorLabel_->setObjectName("paramError");
    errorLabel_->setWordWrap(true);
    errorLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    errorLabel_->setStyleSheet(QStringLiteral("QLabel { color: #c62828; }"));
    errorLabel_->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title_);
    layout->addWidget(fieldsWidget_);
    layout->addWidget(errorLabel_);
    layout->addStretch(1);
    clearOp();
}

void OpParamForm::clearOp()
{
    index_ = -1;
    type_.clear();
    current_.clear();
    probability_ = 1.0;
    rebuild();
}

void OpParamForm::setOp(int index, const std::string& type, const augment::ParamMap& params, double probability)
{
    const bool same = index == index_ && type == type_ && probabilitySpin_;
    index_ = index;
    type_ = type;
    current_ = params;
    probability_ = probability;
    if (!same) {
        rebuild();
        return;
    }
    for (const Field& field : fields_)
        showValue(field);
    const QSignalBlocker blocker(probabilitySpin_);
    probabilitySpin_->setValue(probability_);
    retranslate();
}

double OpParamForm::probability() const
{
    return probability_;
}

void OpParamForm::setError(const QString& message)
{
    errorLabel_->setText(message);
    errorLabel_->setVisible(!message.isEmpty());
}

QString OpParamForm::error() const
{
    return errorLabel_->text();
}

void OpParamForm::rebuild()
{
    while (formLayout_->rowCount() > 0)
        formLayout_->removeRow(0);
    fields_.clear();
    probabilitySpin_ = nullptr;
    probabilityLabel_ = nullptr;
    setError({});
    if (index_ < 0) {
        retranslate();
        return;
    }

    probabilitySpin_ = new QDoubleSpinBox(fieldsWidget_);
    probabilitySpin_->setObjectName("param_probability");
    probabilitySpin_->setRange(0.0, 1.0);
    probabilitySpin_->setDecimals(2);
    probabilitySpin_->setSingleStep(0.05);
    probabilitySpin_->setKeyboardTracking(false);
    probabilitySpin_->setValue(probability_);
    connect(probabilitySpin_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [this](double value) {
        if (value == probability_)
            return;
        probability_ = value;
        emit edited();
    });
    probabilityLabel_ = new QLabel(fieldsWidget_);
    formLayout_->addRow(probabilityLabel_, probabilitySpin_);

    std::vector<augment::ParamSpec> specs;
    try {
        specs = augment::opParamSpecs(type_);
    } catch (const std::exception& error) {
        setError(QString::fromUtf8(error.what()));
    }
    for (const augment::ParamSpec& spec : specs) {
        Field field;
        field.spec = spec;
        QWidget* row = makeEditor(spec);
        if (!spec.required && (spec.kind == Kind::Number || spec.kind == Kind::Integer || spec.kind == Kind::Choice))
            row = withResetButton(row, spec.name, fields_.size());
        field.editor = row->objectName() == objectNameFor(spec.name) ? row : row->findChild<QWidget*>(objectNameFor(spec.name));
        field.label = new QLabel(QString::fromStdString(spec.name) + (spec.required ? QStringLiteral(" *") : QString()),
                                 fieldsWidget_);
        QString tip = QString::fromStdString(spec.help);
        if (!spec.choices.empty())
            tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) + tr("One of: %1").arg(QString::fromStdString([&] {
                       std::string all;
                       for (const std::string& c : spec.choices)
                           all += (all.empty() ? "" : ", ") + c;
                       return all;
                   }()));
        if (bounded(spec) && spec.kind != Kind::Choice && spec.kind != Kind::ChoiceList && spec.kind != Kind::Path)
            tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) +
                   tr("From %1 to %2").arg(AugmentText::number(spec.min), AugmentText::number(spec.max));
        field.label->setToolTip(tip);
        field.editor->setToolTip(tip);
        formLayout_->addRow(field.label, row);
        fields_.push_back(field);
        showValue(fields_.back());
    }
    retranslate();
}

QWidget* OpParamForm::makeEditor(const augment::ParamSpec& spec)
{
    const size_t fieldIndex = fields_.size();
    auto edited = [this, fieldIndex] { onFieldEdited(fieldIndex); };
    switch (spec.kind) {
    case Kind::Number: {
        auto* spin = new QDoubleSpinBox(fieldsWidget_);
        spin->setDecimals(4);
        spin->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
        spin->setRange(bounded(spec) ? spec.min : -kUnbounded, bounded(spec) ? spec.max : kUnbounded);
        spin->setKeyboardTracking(false);
        spin->setObjectName(objectNameFor(spec.name));
        connect(spin, qOverload<double>(&QDoubleSpinBox::valueChanged), this, edited);
        return spin;
    }
    case Kind::Integer: {
        auto* spin = new QSpinBox(fieldsWidget_);
        const auto clampInt = [](double v) { return int(std::clamp(v, double(INT_MIN), double(INT_MAX))); };
        spin->setRange(bounded(spec) ? clampInt(std::ceil(spec.min)) : INT_MIN / 2,
                       bounded(spec) ? clampInt(std::floor(spec.max)) : INT_MAX / 2);
        spin->setKeyboardTracking(false);
        spin->setObjectName(objectNameFor(spec.name));
        connect(spin, qOverload<int>(&QSpinBox::valueChanged), this, edited);
        return spin;
    }
    case Kind::Choice: {
        auto* combo = new QComboBox(fieldsWidget_);
        for (const std::string& choice : spec.choices)
            combo->addItem(QString::fromStdString(choice));
        combo->setObjectName(objectNameFor(spec.name));
        connect(combo, qOverload<int>(&QComboBox::currentIndexChanged), this, edited);
        return combo;
    }
    case Kind::NumberList:
    case Kind::ChoiceList: {
        auto* line = new QLineEdit(fieldsWidget_);
        line->setObjectName(objectNameFor(spec.name));
        line->setClearButtonEnabled(true);
        connect(line, &QLineEdit::editingFinished, this, edited);
        return line;
    }
    case Kind::Path: {
        auto* row = new QWidget(fieldsWidget_);
        auto* line = new QLineEdit(row);
        line->setObjectName(objectNameFor(spec.name));
        line->setClearButtonEnabled(true);
        auto* browse = new QToolButton(row);
        browse->setObjectName(objectNameFor(spec.name) + QStringLiteral("_browse"));
        browse->setText(QStringLiteral("…"));
        auto* layout = new QHBoxLayout(row);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(line, 1);
        layout->addWidget(browse);
        connect(line, &QLineEdit::editingFinished, this, edited);
        const QString name = QString::fromStdString(spec.name);
        connect(browse, &QToolButton::clicked, this, [this, line, name, edited] {
            const QString path = QFileDialog::getOpenFileName(this, tr("Choose the file for %1").arg(name), line->text());
            if (path.isEmpty())
                return;
            line->setText(path);
            edited();
        });
        return row;
    }
    }
    return new QWidget(fieldsWidget_);
}

QWidget* OpParamForm::withResetButton(QWidget* editor, const std::string& name, size_t fieldIndex)
{
    auto* row = new QWidget(fieldsWidget_);
    editor->setParent(row);
    auto* reset = new QToolButton(row);
    reset->setObjectName(objectNameFor(name) + QStringLiteral("_reset"));
    reset->setText(QStringLiteral("↺"));
    reset->setAutoRaise(true);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(editor, 1);
    layout->addWidget(reset);
    connect(reset, &QToolButton::clicked, this, [this, name, fieldIndex] {
        if (current_.erase(name) == 0 || fieldIndex >= fields_.size())
            return;
        showValue(fields_[fieldIndex]);
        emit edited();
    });
    return row;
}

augment::ParamValue OpParamForm::shownValue(const augment::ParamSpec& spec) const
{
    const auto it = current_.find(spec.name);
    return it != current_.end() ? it->second : spec.defaultValue;
}

void OpParamForm::showValue(const Field& field)
{
    const augment::ParamValue value = shownValue(field.spec);
    const QSignalBlocker blocker(field.editor);
    const double* number = std::get_if<double>(&value);
    const std::vector<double>* numbers = std::get_if<std::vector<double>>(&value);
    // A number given as a list of one (or the reverse) shows the same.
    const double scalar = number ? *number : (numbers && numbers->size() == 1 ? numbers->front() : 0.0);
    const bool given = current_.count(field.spec.name) > 0;
    switch (field.spec.kind) {
    case Kind::Number:
        static_cast<QDoubleSpinBox*>(field.editor)->setValue(scalar);
        break;
    case Kind::Integer:
        static_cast<QSpinBox*>(field.editor)->setValue(int(std::lround(scalar)));
        break;
    case Kind::Choice: {
        auto* combo = static_cast<QComboBox*>(field.editor);
        const std::string* text = std::get_if<std::string>(&value);
        combo->setCurrentIndex(text ? combo->findText(QString::fromStdString(*text)) : -1);
        break;
    }
    case Kind::NumberList:
    case Kind::ChoiceList:
    case Kind::Path: {
        // An absent value shows empty, its default as the placeholder.
        auto* line = static_cast<QLineEdit*>(field.editor);
        line->setText(given ? AugmentText::value(value) : QString());
        const QString fallback = AugmentText::value(field.spec.defaultValue);
        line->setPlaceholderText(fallback.isEmpty() || (number && field.spec.kind != Kind::NumberList)
                                     ? QString()
                                     : tr("default: %1").arg(fallback));
        break;
    }
    }
    // A number or choice left out shows the op's default, greyed.
    if (field.spec.kind == Kind::Number || field.spec.kind == Kind::Integer || field.spec.kind == Kind::Choice) {
        QPalette palette = fieldsWidget_->palette();
        if (!given) {
            palette.setColor(QPalette::Text, palette.color(QPalette::PlaceholderText));
            palette.setColor(QPalette::ButtonText, palette.color(QPalette::PlaceholderText));
        }
        field.editor->setPalette(palette);
    }
    if (auto* reset = fieldsWidget_->findChild<QToolButton*>(objectNameFor(field.spec.name) + "_reset"))
        reset->setEnabled(given);
}

bool OpParamForm::collect(const Field& field)
{
    const std::string& name = field.spec.name;
    switch (field.spec.kind) {
    case Kind::Number:
        current_[name] = static_cast<QDoubleSpinBox*>(field.editor)->value();
        return true;
    case Kind::Integer:
        current_[name] = double(static_cast<QSpinBox*>(field.editor)->value());
        return true;
    case Kind::Choice: {
        auto* combo = static_cast<QComboBox*>(field.editor);
        if (combo->currentIndex() >= 0)
            current_[name] = combo->currentText().toStdString();
        else
            current_.erase(name);
        return true;
    }
    case Kind::NumberList: {
        QString problem;
        const auto numbers = AugmentText::parseNumbers(static_cast<QLineEdit*>(field.editor)->text(), &problem);
        if (!numbers) {
            setError(tr("%1: %2").arg(QString::fromStdString(name), problem));
            return false;
        }
        if (numbers->empty())
            current_.erase(name);
        else
            current_[name] = *numbers;
        return true;
    }
    case Kind::ChoiceList: {
        const auto words = AugmentText::parseWords(static_cast<QLineEdit*>(field.editor)->text());
        if (words.empty())
            current_.erase(name);
        else
            current_[name] = words;
        return true;
    }
    case Kind::Path: {
        const QString text = static_cast<QLineEdit*>(field.editor)->text().trimmed();
        if (text.isEmpty())
            current_.erase(name);
        else
            current_[name] = text.toStdString();
        return true;
    }
    }
    return true;
}

void OpParamForm::onFieldEdited(size_t fieldIndex)
{
    if (fieldIndex >= fields_.size())
        return;
    const Field& field = fields_[fieldIndex];
    const auto it = current_.find(field.spec.name);
    const bool had = it != current_.end();
    const augment::ParamValue before = had ? it->second : augment::ParamValue{};
    if (!collect(field))
        return;
    const auto after = current_.find(field.spec.name);
    const bool has = after != current_.end();
    if (had == has && (!has || after->second == before))
        return;  // e.g. focus left a line edit without a change
    emit edited();
}

void OpParamForm::retranslate()
{
    if (index_ < 0) {
        title_->setText(tr("Select an op in the pipeline to edit its parameters."));
        return;
    }
    const QString description = AugmentText::opDescription(type_);
    title_->setText(QStringLiteral("<b>%1. %2</b>").arg(index_ + 1).arg(AugmentText::opName(type_).toHtmlEscaped()) +
                    (description.isEmpty() ? QString() : QStringLiteral(" — ") + description.toHtmlEscaped()));
    if (probabilityLabel_) {
        probabilityLabel_->setText(tr("probability"));
        probabilityLabel_->setToolTip(tr("How often the op is applied (0 to 1)"));
        probabilitySpin_->setToolTip(probabilityLabel_->toolTip());
    }
    for (const Field& field : fields_) {
        if (auto* browse = fieldsWidget_->findChild<QToolButton*>(objectNameFor(field.spec.name) + "_browse"))
            browse->setToolTip(tr("Choose a file"));
        if (auto* reset = fieldsWidget_->findChild<QToolButton*>(objectNameFor(field.spec.name) + "_reset"))
            reset->setToolTip(tr("Leave %1 out: the op's default applies").arg(QString::fromStdString(field.spec.name)));
    }
}

void OpParamForm::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

} // namespace espalier::widgets
