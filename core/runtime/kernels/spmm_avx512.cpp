// The CSR × dense kernel for AVX-512 (compiled with -mavx512f; called only where the CPU has it).
#define ESPALIER_SPMM_ISA avx512
#include "runtime/kernels/spmm_kernel.h"

namespace espalier::runtime::kernels {

void spmmAvx512(const CsrMatrix& w, const float* x, int frames, const float* bias, float* y, int r0, int r1)
{
    avx512::spmmDispatchIndex<16, 16>(w, x, frames, bias, y, r0, r1);  // one 16-float register of frames per partial sum
}

void denseAvx512(const float* w, int r0, int r1, int cols, const float* x, int frames, const float* bias, float* y)
{
    avx512::denseBody<32, 16>(w, r0, r1, cols, x, frames, bias, y);
}

} // namespace espalier::runtime::kernels
