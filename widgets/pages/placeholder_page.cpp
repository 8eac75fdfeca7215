#include "widgets/pages/placeholder_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace espalier::widgets {

PlaceholderPage::PlaceholderPage(QIcon icon, std::function<QString()> title, std::function<QString()> description,
                                 QWidget* parent)
    : Page(parent), icon_(std::move(icon)), title_(std::move(title)), description_(std::move(description))
{
    heading_ = makeHeading(this);
    body_ = new QLabel(this);
    body_->setObjectName("placeholderText");
    body_->setWordWrap(true);
    body_->setTextFormat(Qt::RichText);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(32, 32, 32, 32);
    layout->addWidget(heading_);
    layout->addWidget(body_);
    layout->addStretch(1);
    retranslate();
}

void PlaceholderPage::retranslate()
{
    heading_->setText(title_());
    body_->setText(description_());
}

} // namespace espalier::widgets
