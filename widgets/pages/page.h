#pragma once
// Base of the workbench's pages (the sidebar entries). A page shows one part of the workflow for
// the open project and retranslates itself when the language changes.
#include <QIcon>
#include <QList>
#include <QWidget>

#include <memory>

class QLabel;
class QSplitter;

namespace espalier::project {
class Project;
}

namespace espalier::widgets {

class Page : public QWidget {
    Q_OBJECT
public:
    explicit Page(QWidget* parent = nullptr) : QWidget(parent) {}
    // Sidebar label (translated).
    virtual QString title() const = 0;
    virtual QIcon icon() const;
    // The open project, or null when none is open. Pages keep the pointer, never modify the project.
    virtual void setProject(std::shared_ptr<const project::Project> project) { project_ = std::move(project); }
    const project::Project* project() const { return project_.get(); }

signals:
    // The page changed the project (e.g. added a corpus); the main window reloads it.
    void projectChanged();

protected:
    // A page's large bold title label.
    static QLabel* makeHeading(QWidget* parent);
    // A splitter of `widgets` in order, widget i with stretch factor stretch[i] (missing: 0), starting
    // at `sizes` (empty: Qt's own split). Its panes never collapse to nothing.
    static QSplitter* makeSplitter(Qt::Orientation orientation, const QList<QWidget*>& widgets,
                                   const QList<int>& stretch, const QList<int>& sizes, QWidget* parent);
    // Re-sets every user-visible string; called on QEvent::LanguageChange.
    virtual void retranslate() = 0;
    void changeEvent(QEvent* event) override;

    std::shared_ptr<const project::Project> project_;
};

} // namespace espalier::widgets
