#include "core/runtime/csr_matrix.h"

#include "core/runtime/error.h"

#include <algorithm>
#include <string>

namespace espalier::runtime {

CsrMatrix CsrMatrix::fromDense(const float* weights, int rows, int cols, bool wideIndices)
{
    if (rows < 0 || cols < 0)
        throw InputError("CSR matrix: negative shape " + std::to_string(rows) + "x" + std::to_string(cols));
    CsrMatrix m;
    m.rows = rows;
    m.cols = cols;
    const bool narrow = cols <= 65536 && !wideIndices;
    m.rowPtr.reserve(size_t(rows) + 1);
    m.rowPtr.push_back(0);
    for (int r = 0; r < rows; ++r) {
        const float* row = weights + size_t(r) * size_t(cols);
        for (int c = 0; c < cols; ++c) {
            if (row[c] == 0.0f)
                continue;
            m.values.push_back(row[c]);
            if (narrow)
                m.colIdx16.push_back(uint16_t(c));
            else
                m.colIdx32.push_back(uint32_t(c));
        }
        m.rowPtr.push_back(uint32_t(m.values.size()));
    }
    m.buildPanels();
    return m;
}

void CsrMatrix::buildPanels()
{
    const int p = panels();
    panelPtr.assign(size_t(rows) * size_t(p + 1), 0);
    for (int r = 0; r < rows; ++r) {
        uint32_t k = rowPtr[size_t(r)];
        uint32_t* out = panelPtr.data() + size_t(r) * size_t(p + 1);
        for (int q = 0; q <= p; ++q) {
            const uint32_t limit = uint32_t(std::min(cols, q * kPanelCols));
            while (k < rowPtr[size_t(r) + 1] && (narrowIndices() ? uint32_t(colIdx16[k]) : colIdx32[k]) < limit)
                ++k;
            out[q] = q == p ? rowPtr[size_t(r) + 1] : k;
        }
    }
}

void CsrMatrix::toDense(float* out) const
{
    std::fill(out, out + size_t(rows) * size_t(cols), 0.0f);
    for (int r = 0; r < rows; ++r)
        for (uint32_t p = rowPtr[size_t(r)]; p < rowPtr[size_t(r) + 1]; ++p)
            out[size_t(r) * size_t(cols) + (narrowIndices() ? colIdx16[p] : colIdx32[p])] = values[p];
}

double CsrMatrix::density() const
{
    const double n = double(rows) * double(cols);
    return n > 0 ? double(values.size()) / n : 0.0;
}

size_t CsrMatrix::bytes() const
{
    return values.size() * sizeof(float) + colIdx16.size() * sizeof(uint16_t) + colIdx32.size() * sizeof(uint32_t)
           + rowPtr.size() * sizeof(uint32_t) + panelPtr.size() * sizeof(uint32_t);
}

} // namespace espalier::runtime
