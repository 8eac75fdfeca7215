#pragma once
// Elementwise maths on the dispatched instruction set (runtime/spmm.h's kernels): the runtime's
// attention softmax.

namespace espalier::runtime {

// Each column of the rows × cols row-major matrix replaced by its softmax; exp within 2 ulp.
void softmaxColumns(float* matrix, int rows, int cols);

} // namespace espalier::runtime
