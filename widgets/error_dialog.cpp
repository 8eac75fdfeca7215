#include "widgets/error_dialog.h"

#include <QMessageBox>

namespace espalier::widgets {

void showError(QWidget* parent, const QString& title, const QString& message)
{
    // Opened, not exec()'d: the caller (often the callback of background work) returns at once, and
    // no nested event loop runs other callbacks underneath it.
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, parent);
    box->setObjectName("errorDialog");
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void showError(QWidget* parent, const QString& title, const std::exception& error)
{
    showError(parent, title, QString::fromUtf8(error.what()));
}

} // namespace espalier::widgets
