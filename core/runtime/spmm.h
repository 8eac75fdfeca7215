#pragma once
// The runtime's matrix products, sparse (CSR) and dense weights times activations:
//   y[m][t] = bias[m] + sum_k W[m][k] · x[k][t]
// Activations are feature-major — x is [K][T], y is [M][T], frames contiguous (an Eigen column-major
// T × K matrix) — so each nonzero weight is broadcast against a vector of frames (XNNPACK's f32-spmm
// layout); dense weights run a register-blocked GEMM. Kernels: AVX-512 and AVX2 on x86 (chosen at run
// time), NEON on aarch64, a portable one elsewhere (kernels/*.h, docs/architecture.md); optional
// threads split the output rows (runtime/thread_pool.h).
#include "core/runtime/csr_matrix.h"

#include <string>
#include <vector>

namespace espalier::runtime {

// bias may be null. x and y must not overlap.
void spmm(const CsrMatrix& w, const float* x, int frames, const float* bias, float* y);

// The kernel spmm uses on this CPU ("avx512", "avx2", "neon" or "portable").
std::string spmmKernelName();
// Every kernel this CPU can run, best first, and spmm with a named one (tests, benchmarks); InputError
// for a kernel this CPU or build lacks.
std::vector<std::string> availableSpmmKernels();
void spmmUsing(const std::string& kernel, const CsrMatrix& w, const float* x, int frames, const float* bias, float* y);

// The same product with dense row-major weights [rows × cols], on the same dispatched kernels (the
// runtime's dense linear layers and convolution GEMMs).
void denseMatmul(const float* w, int rows, int cols, const float* x, int frames, const float* bias, float* y);
void denseMatmulUsing(const std::string& kernel, const float* w, int rows, int cols, const float* x, int frames,
                      const float* bias, float* y);

// A 3×3, stride-2, unpadded convolution's input (the subsampling's second convolution): h is
// [channels][rows][cols]; the output has ((rows - 1) / 2) · ((cols - 1) / 2) positions.
struct ConvInput {
    const float* h;
    int channels, rows, cols;
    int positions() const { return ((rows - 1) / 2) * ((cols - 1) / 2); }
};

// y ([out][positions]) = the convolution with weights as the matrix of its GEMM ([out][channels · 9],
// CSR or dense row-major) + bias, on the kernels above, the unfolded input gathered block by block
// instead of materialised (an im2col copy nine times the input's size).
void spmmConv3x3s2(const CsrMatrix& w, const ConvInput& input, const float* bias, float* y);
void denseConv3x3s2(const float* w, int out, const ConvInput& input, const float* bias, float* y);

// Dense reference of the same product (row-major W, double accumulation), for tests.
void denseLinearReference(const float* w, int rows, int cols, const float* x, int frames, const float* bias, float* y);

} // namespace espalier::runtime
