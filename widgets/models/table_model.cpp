#include "widgets/models/table_model.h"

namespace espalier::widgets {

void TableModel::retranslate()
{
    const int columns = columnCount();
    if (columns == 0)
        return;
    emit headerDataChanged(Qt::Horizontal, 0, columns - 1);
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, columns - 1), {Qt::DisplayRole, Qt::ToolTipRole});
}

} // namespace espalier::widgets
