#pragma once
// How the workbench reports a core error: the message (which file, which line, what was expected)
// in a window-modal dialog that is opened and returns at once (no nested event loop); the
// application stays usable.
#include <QString>

#include <exception>

class QWidget;

namespace espalier::widgets {

void showError(QWidget* parent, const QString& title, const QString& message);
// The same for a caught exception (espalier::Error or any std::exception).
void showError(QWidget* parent, const QString& title, const std::exception& error);

} // namespace espalier::widgets
