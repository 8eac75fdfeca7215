#include "widgets/language.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <memory>

namespace espalier::widgets {

namespace {
std::unique_ptr<QTranslator> g_appTranslator;
std::unique_ptr<QTranslator> g_qtTranslator;
QString g_current = QStringLiteral("en");
} // namespace

QStringList availableLanguages()
{
    return {QStringLiteral("en"), QStringLiteral("zh_CN")};
}

QString languageDisplayName(const QString& code)
{
    if (code == QLatin1String("zh_CN"))
        return QStringLiteral("简体中文");
    return QStringLiteral("English");
}

bool applyLanguage(const QString& code)
{
    if (!availableLanguages().contains(code))
        return false;
    if (g_appTranslator) {
        QCoreApplication::removeTranslator(g_appTranslator.get());
        g_appTranslator.reset();
    }
    if (g_qtTranslator) {
        QCoreApplication::removeTranslator(g_qtTranslator.get());
        g_qtTranslator.reset();
    }
    g_current = QStringLiteral("en");
    QLocale::setDefault(QLocale(QLocale::English));
    if (code == QLatin1String("en")) {
        // Removing translators posts LanguageChange, so the widgets return to English.
        return true;
    }
    auto app = std::make_unique<QTranslator>();
    if (!app->load(QStringLiteral(":/i18n/espalier_%1.qm").arg(code)))
        return false;
    auto qt = std::make_unique<QTranslator>();
    if (qt->load(QStringLiteral("qtbase_%1").arg(code), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        g_qtTranslator = std::move(qt);
    QLocale::setDefault(QLocale(code));
    g_appTranslator = std::move(app);
    if (g_qtTranslator)
        QCoreApplication::installTranslator(g_qtTranslator.get());
    QCoreApplication::installTranslator(g_appTranslator.get());
    g_current = code;
    return true;
}

QString currentLanguage()
{
    return g_current;
}

} // namespace espalier::widgets
