#include "widgets/command_dialog.h"

#include <QApplication>
#include <QClipboard>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace espalier::widgets {

void showCommandDialog(QWidget* parent, const QString& command)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(QCoreApplication::translate("espalier::widgets::CommandDialog", "Equivalent command"));
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(new QLabel(QCoreApplication::translate("espalier::widgets::CommandDialog", "This action can be reproduced from a terminal with:"), &dialog));
    auto* text = new QPlainTextEdit(command, &dialog);
    text->setReadOnly(true);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    text->setObjectName("commandText");
    layout->addWidget(text);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    QPushButton* copy = buttons->addButton(QCoreApplication::translate("espalier::widgets::CommandDialog", "Copy"), QDialogButtonBox::ActionRole);
    QObject::connect(copy, &QPushButton::clicked, &dialog, [command] { QApplication::clipboard()->setText(command); });
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.resize(640, 160);
    dialog.exec();
}

} // namespace espalier::widgets
