// The kernels for AVX2 + FMA (compiled with -mavx2 -mfma; called only where the CPU has them).
#define ESPALIER_KERNEL_ISA avx2
#include "runtime/kernels/gemm_kernel.h"
#include "runtime/kernels/spmm_kernel.h"
#include "runtime/kernels/vector_math_kernel.h"

namespace espalier::runtime::kernels {

void spmmAvx2(const CsrMatrix& w, const float* x, int frames, const float* bias, float* y, int r0, int r1)
{
    avx2::spmmDispatchIndex<16, 8>(w, x, frames, bias, y, r0, r1);  // two, then one 8-float register of frames
}

void denseAvx2(const float* w, int r0, int r1, int cols, const float* x, int frames, const float* bias, float* y)
{
    avx2::gemm(w, r0, r1, cols, x, frames, bias, y);
}

void softmaxAvx2(float* m, int rows, int cols)
{
    avx2::softmaxColumns(m, rows, cols);
}

} // namespace espalier::runtime::kernels
