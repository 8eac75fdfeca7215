#include "widgets/pages/page.h"

#include <QEvent>
#include <QLabel>

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

void Page::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

} // namespace espalier::widgets
