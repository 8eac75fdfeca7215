// The kernels for AVX-512 (compiled with -mavx512f; called only where the CPU has it).
#define ESPALIER_KERNEL_ISA avx512
#define ESPALIER_KERNEL_SUFFIX Avx512
#define ESPALIER_SPMM_WIDE 32   // two registers of frames, then one
#define ESPALIER_SPMM_NARROW 16
#include "core/runtime/kernels/entry_points.h"
