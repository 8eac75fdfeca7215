// The kernels for AVX-512 (compiled with -mavx512f; called only where the CPU has it).
#define ESPALIER_KERNEL_ISA avx512
#include "runtime/kernels/gemm_kernel.h"
#include "runtime/kernels/spmm_kernel.h"
#include "runtime/kernels/vector_math_kernel.h"

namespace espalier::runtime::kernels {

void spmmAvx512(const CsrMatrix& w, const float* x, int frames, const float* bias, float* y, int r0, int r1)
{
    avx512::spmmDispatchIndex<16, 16>(w, x, frames, bias, y, r0, r1);  // one 16-float register of frames per partial sum
}

void denseAvx512(const float* w, int r0, int r1, int cols, const float* x, int frames, const float* bias, float* y)
{
    avx512::gemm(w, r0, r1, cols, x, frames, bias, y);
}

void softmaxAvx512(float* m, int rows, int cols)
{
    avx512::softmaxColumns(m, rows, cols);
}

} // namespace espalier::runtime::kernels
