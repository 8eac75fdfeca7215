#pragma once
// --screenshots DIR: saves a PNG of every page (and the Project page in Chinese), then quits.
#include <QString>

namespace espalier::widgets {
class MainWindow;
}

namespace espalier::app {

// Starts capturing once the event loop runs; calls QCoreApplication::exit(0) when done (1 on error).
void captureScreenshots(widgets::MainWindow& window, const QString& dir);

} // namespace espalier::app
