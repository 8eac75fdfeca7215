#pragma once
// A sparse weight matrix in compressed sparse row form (the seed's SparseTensor: values, column
// indices, row pointers), with 16-bit column indices whenever the matrix has at most 65536 columns:
// the index bytes are half of what a batch-1 sparse layer moves, so narrow indices raise its ceiling
// (reference.md: 4 / (d·(4 + b_idx))).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace espalier::runtime {

struct CsrMatrix {
    int rows = 0;
    int cols = 0;
    std::vector<uint32_t> rowPtr;    // rows + 1 offsets into values
    std::vector<uint16_t> colIdx16;  // when cols <= 65536
    std::vector<uint32_t> colIdx32;  // otherwise
    std::vector<float> values;
    // Where each row's nonzeros cross every kPanelCols-th column: (rows) × (panels() + 1) offsets into
    // values, so the kernel can take the columns in panels whose slice of the activations fits L1.
    static constexpr int kPanelCols = 192;
    std::vector<uint32_t> panelPtr;
    int panels() const { return (cols + kPanelCols - 1) / kPanelCols; }
    void buildPanels();  // from rowPtr and the column indices (fromDense calls it)

    // Row-major [rows × cols] weights; exact zeros are dropped. Narrow indices unless wideIndices.
    static CsrMatrix fromDense(const float* weights, int rows, int cols, bool wideIndices = false);
    void toDense(float* out) const;  // row-major [rows × cols]

    bool narrowIndices() const { return colIdx32.empty(); }
    int64_t nonzeros() const { return int64_t(values.size()); }
    double density() const;
    size_t bytes() const;  // values, indices and row pointers
};

} // namespace espalier::runtime
