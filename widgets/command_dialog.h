#pragma once
// Shows the espalier-cli command that reproduces a GUI action, ready to copy.
#include <QString>

class QWidget;

namespace espalier::widgets {

void showCommandDialog(QWidget* parent, const QString& command);

} // namespace espalier::widgets
