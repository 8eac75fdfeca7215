// The kernels for AVX2 + FMA (compiled with -mavx2 -mfma; called only where the CPU has them).
#define ESPALIER_KERNEL_ISA avx2
#define ESPALIER_KERNEL_SUFFIX Avx2
#define ESPALIER_SPMM_WIDE 32   // four registers of frames, then two
#define ESPALIER_SPMM_NARROW 16
#include "core/runtime/kernels/entry_points.h"
