#include "widgets/app_settings.h"

#include <QDir>
#include <QSettings>
#include <QStandardPaths>

namespace espalier::widgets {

QStringList AppSettings::recentProjects() const
{
    return QSettings().value("projects/recent").toStringList();
}

void AppSettings::addRecentProject(const QString& dir)
{
    const QString path = QDir(dir).absolutePath();
    QStringList list = recentProjects();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > kMaxRecentProjects)
        list.removeLast();
    QSettings().setValue("projects/recent", list);
}

void AppSettings::removeRecentProject(const QString& dir)
{
    QStringList list = recentProjects();
    list.removeAll(QDir(dir).absolutePath());
    QSettings().setValue("projects/recent", list);
}

QString AppSettings::language() const
{
    return QSettings().value("ui/language").toString();
}

void AppSettings::setLanguage(const QString& code)
{
    QSettings().setValue("ui/language", code);
}

QByteArray AppSettings::windowGeometry() const
{
    return QSettings().value("ui/geometry").toByteArray();
}

QByteArray AppSettings::windowState() const
{
    return QSettings().value("ui/state").toByteArray();
}

void AppSettings::setWindowLayout(const QByteArray& geometry, const QByteArray& state)
{
    QSettings settings;
    settings.setValue("ui/geometry", geometry);
    settings.setValue("ui/state", state);
}

int AppSettings::currentPage() const
{
    return QSettings().value("ui/page", 0).toInt();
}

void AppSettings::setCurrentPage(int index)
{
    QSettings().setValue("ui/page", index);
}

QString AppSettings::defaultDemoProjectDir()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath("demo-project");
}

} // namespace espalier::widgets
