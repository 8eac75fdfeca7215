#pragma once
// The base of the workbench's table models: a QAbstractTableModel with the one retranslate() they
// all need, so views redraw translated headers and cells after a language change.
#include <QAbstractTableModel>

namespace espalier::widgets {

class TableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;

    // Tells the views that every header and cell text changed.
    void retranslate();
};

} // namespace espalier::widgets
