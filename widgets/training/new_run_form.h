#pragma once
// The Train page's "new run" form: a shipped config as the starting point, then the choices a user
// makes most (corpus, model size and kind, augmentation, precision, length, seed, name). Produces the
// TrainConfig the run is launched with; everything else stays as the template has it.
#include "core/train/train_config.h"

#include <QWidget>

#include <utility>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace espalier::widgets {

class NewRunForm : public QWidget {
    Q_OBJECT
public:
    explicit NewRunForm(QWidget* parent = nullptr);

    // The corpora offered: display name and folder.
    void setCorpora(const std::vector<std::pair<QString, QString>>& corpora);
    // The config the form describes. Throws espalier::Error (InputError naming the field) when the
    // choices do not make a valid config (no corpus, a corpus without splits, ...).
    train::TrainConfig config() const;
    QString runName() const;

    // Test and scripting hooks.
    bool selectTemplate(const QString& name);
    bool selectCorpus(const QString& name);
    bool selectModelSize(const QString& size);  // "" = the template's model
    bool selectPrecision(train::Precision precision);
    bool selectAugmentation(const QString& preset);
    void setSteps(long long steps);
    void setMaxMinutes(double minutes);
    void setSeed(int seed);
    void setRecipe(const QString& path);  // a pruning recipe; "" = dense training

signals:
    void changed();

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void applyTemplate();

    QComboBox* template_;
    QComboBox* corpus_;
    QComboBox* modelSize_;
    QComboBox* modelType_;
    QComboBox* augmentation_;
    QComboBox* precision_;
    QSpinBox* steps_;
    QDoubleSpinBox* maxMinutes_;
    QSpinBox* seed_;
    QLineEdit* name_;
    QLineEdit* recipe_;
    QString templateName_;  // the template's own name, the default run name
    QFormLayout* layout_;
    std::vector<QLabel*> labels_;
};

} // namespace espalier::widgets
