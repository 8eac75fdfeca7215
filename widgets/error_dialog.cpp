#include "error_dialog.h"

#include <QMessageBox>

namespace espalier::widgets {

void showError(QWidget* parent, const QString& title, const QString& message)
{
    QMessageBox box(QMessageBox::Warning, title, message, QMessageBox::Ok, parent);
    box.setObjectName("errorDialog");
    box.setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Offscreen tests have no one to click: they check the object exists, then close it.
    box.exec();
}

void showError(QWidget* parent, const QString& title, const std::exception& error)
{
    showError(parent, title, QString::fromUtf8(error.what()));
}

} // namespace espalier::widgets
