#pragma once
// A page whose tools arrive in a later release: says what it will hold.
#include "widgets/pages/page.h"

#include <functional>

class QLabel;

namespace espalier::widgets {

class PlaceholderPage : public Page {
    Q_OBJECT
public:
    // title and description are functions so they re-translate on language change.
    PlaceholderPage(QIcon icon, std::function<QString()> title, std::function<QString()> description,
                    QWidget* parent = nullptr);
    QString title() const override { return title_(); }
    QIcon icon() const override { return icon_; }

protected:
    void retranslate() override;

private:
    QIcon icon_;
    std::function<QString()> title_;
    std::function<QString()> description_;
    QLabel* heading_;
    QLabel* body_;
};

} // namespace espalier::widgets
