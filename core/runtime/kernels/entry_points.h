#pragma once
// The kernels' entry points for one instruction set: each kernel file defines ESPALIER_KERNEL_ISA (the
// namespace), ESPALIER_KERNEL_SUFFIX (the functions' suffix: spmmAvx2, ...) and the sparse kernel's
// frame blocks ESPALIER_SPMM_WIDE and ESPALIER_SPMM_NARROW, then includes this once; kernel_dispatch.cpp
// declares the same functions and picks a set at run time.
#include "core/runtime/kernels/gemm_kernel.h"
#include "core/runtime/kernels/spmm_kernel.h"
#include "core/runtime/kernels/vector_math_kernel.h"
#include "core/runtime/spmm.h"

#define ESPALIER_PASTE2(a, b) a##b
#define ESPALIER_PASTE(a, b) ESPALIER_PASTE2(a, b)
#define ESPALIER_ENTRY(name) ESPALIER_PASTE(name, ESPALIER_KERNEL_SUFFIX)

namespace espalier::runtime::kernels {

void ESPALIER_ENTRY(spmm)(const CsrMatrix& w, const float* x, int frames, const float* bias, float* y, int r0, int r1)
{
    using namespace ESPALIER_KERNEL_ISA;
    spmmDispatchIndex<ESPALIER_SPMM_WIDE, ESPALIER_SPMM_NARROW>(w, MatrixFrames{x, w.cols, frames}, bias, y, r0, r1);
}

void ESPALIER_ENTRY(spmmConv)(const CsrMatrix& w, const ConvInput& in, const float* bias, float* y, int r0, int r1)
{
    using namespace ESPALIER_KERNEL_ISA;
    spmmDispatchIndex<ESPALIER_SPMM_WIDE, ESPALIER_SPMM_NARROW>(w, Conv3x3Frames(in.h, in.channels, in.rows, in.cols),
                                                                bias, y, r0, r1);
}

void ESPALIER_ENTRY(dense)(const float* w, int r0, int r1, int cols, const float* x, int frames, const float* bias,
                           float* y)
{
    using namespace ESPALIER_KERNEL_ISA;
    gemm(w, r0, r1, MatrixFrames{x, cols, frames}, bias, y);
}

void ESPALIER_ENTRY(denseConv)(const float* w, int r0, int r1, const ConvInput& in, const float* bias, float* y)
{
    using namespace ESPALIER_KERNEL_ISA;
    gemm(w, r0, r1, Conv3x3Frames(in.h, in.channels, in.rows, in.cols), bias, y);
}

void ESPALIER_ENTRY(softmax)(float* m, int rows, int cols)
{
    ESPALIER_KERNEL_ISA::softmaxColumns(m, rows, cols);
}

} // namespace espalier::runtime::kernels
