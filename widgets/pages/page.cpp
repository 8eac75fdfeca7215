#include "widgets/pages/page.h"

#include <QEvent>
#include <QLabel>
#include <QSplitter>

namespace espalier::widgets {

QIcon Page::icon() const
{
    return {};
}

QLabel* Page::makeHeading(QWidget* parent)
{
    auto* label = new QLabel(parent);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.6);
    font.setBold(true);
    label->setFont(font);
    return label;
}

QSplitter* Page::makeSplitter(Qt::Orientation orientation, const QList<QWidget*>& widgets, const QList<int>& stretch,
                              const QList<int>& sizes, QWidget* parent)
{
    auto* splitter = new QSplitter(orientation, parent);
    splitter->setChildrenCollapsible(false);
    for (int i = 0; i < widgets.size(); ++i) {
        splitter->addWidget(widgets[i]);
        splitter->setStretchFactor(i, i < stretch.size() ? stretch[i] : 0);
    }
    if (!sizes.isEmpty())
        splitter->setSizes(sizes);
    return splitter;
}

void Page::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

} // namespace espalier::widgets
