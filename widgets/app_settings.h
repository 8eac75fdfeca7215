#pragma once
// The workbench's persisted settings (QSettings): recent projects, language, window layout.
#include <QByteArray>
#include <QString>
#include <QStringList>

namespace espalier::widgets {

class AppSettings {
public:
    static constexpr int kMaxRecentProjects = 8;

    QStringList recentProjects() const;
    // Moves dir to the front of the recent list (absolute path), trimming it to kMaxRecentProjects.
    void addRecentProject(const QString& dir);
    void removeRecentProject(const QString& dir);

    QString language() const;  // "" when never chosen
    void setLanguage(const QString& code);

    QByteArray windowGeometry() const;
    QByteArray windowState() const;
    void setWindowLayout(const QByteArray& geometry, const QByteArray& state);
    int currentPage() const;
    void setCurrentPage(int index);

    // Where the workbench creates the demo project unless told otherwise.
    static QString defaultDemoProjectDir();
};

} // namespace espalier::widgets
