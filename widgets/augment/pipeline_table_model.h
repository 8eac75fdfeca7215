#pragma once
// The ops of an augmentation pipeline as a table (type, probability, parameters) for the Augment
// page's editor. Holds a copy of the pipeline it shows.
#include "core/augment/pipeline.h"
#include "widgets/models/table_model.h"

namespace espalier::widgets {

class PipelineTableModel : public TableModel {
    Q_OBJECT
public:
    enum Column { Type, Probability, Parameters, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        TypeRole = Qt::UserRole,  // the op's type id ("speed"), any column
        RawValueRole,             // double for Probability, the type id for Type, the summary for Parameters
    };

    explicit PipelineTableModel(QObject* parent = nullptr);

    void setPipeline(const augment::Pipeline& pipeline);
    const augment::Pipeline& pipeline() const { return pipeline_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

public slots:

private:
    augment::Pipeline pipeline_;
};

} // namespace espalier::widgets
