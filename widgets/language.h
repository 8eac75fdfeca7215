#pragma once
// Run-time language switching: English (source) and Simplified Chinese. Installing a translator
// sends QEvent::LanguageChange to every widget, which retranslates itself.
#include <QString>
#include <QStringList>

namespace espalier::widgets {

// Language codes offered to the user: "en", "zh_CN".
QStringList availableLanguages();
// The language's own name ("English", "简体中文").
QString languageDisplayName(const QString& code);
// Installs the translators for code (Espalier's and Qt's own); returns false if the code is unknown
// or its catalogue is missing (English is then kept).
bool applyLanguage(const QString& code);
QString currentLanguage();

} // namespace espalier::widgets
