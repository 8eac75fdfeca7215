#include "pages/page.h"

#include <QEvent>

namespace espalier::widgets {

QIcon Page::icon() const
{
    return {};
}

void Page::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

} // namespace espalier::widgets
