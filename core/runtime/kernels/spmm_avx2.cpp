// The CSR × dense kernel for AVX2 + FMA (compiled with -mavx2 -mfma; called only where the CPU has them).
#define ESPALIER_SPMM_ISA avx2
#include "runtime/kernels/spmm_kernel.h"

namespace espalier::runtime::kernels {

void spmmAvx2(const CsrMatrix& w, const float* x, int frames, const float* bias, float* y, int r0, int r1)
{
    avx2::spmmDispatchIndex<16, 8>(w, x, frames, bias, y, r0, r1);  // two, then one 8-float register of frames
}

void denseAvx2(const float* w, int r0, int r1, int cols, const float* x, int frames, const float* bias, float* y)
{
    avx2::denseBody<32, 8>(w, r0, r1, cols, x, frames, bias, y);
}

} // namespace espalier::runtime::kernels
