// The CSR × dense kernel for AVX2 + FMA (compiled with -mavx2 -mfma; called only where the CPU has them).
#define ESPALIER_SPMM_ISA avx2
#include "runtime/kernels/spmm_kernel.h"

namespace espalier::runtime::kernels {

void spmmAvx2(const CsrMatrix& w, const float* x, int frames, const float* bias, float* y)
{
    avx2::spmmDispatchIndex<32, 8>(w, x, frames, bias, y);  // four, then one 8-float register of frames
}

} // namespace espalier::runtime::kernels
