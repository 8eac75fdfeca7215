#include "runtime/spmm.h"

#include "runtime/error.h"

#define ESPALIER_SPMM_ISA portable
#include "runtime/kernels/spmm_kernel.h"

namespace espalier::runtime {

namespace kernels {
#if defined(ESPALIER_SPMM_X86)
void spmmAvx512(const CsrMatrix& w, const float* x, int frames, const float* bias, float* y);
void spmmAvx2(const CsrMatrix& w, const float* x, int frames, const float* bias, float* y);
void denseAvx512(const float* w, int rows, int cols, const float* x, int frames, const float* bias, float* y);
void denseAvx2(const float* w, int rows, int cols, const float* x, int frames, const float* bias, float* y);
#endif
} // namespace kernels

namespace {

using Kernel = void (*)(const CsrMatrix&, const float*, int, const float*, float*);
using DenseKernel = void (*)(const float*, int, int, const float*, int, const float*, float*);

void densePortable(const float* w, int rows, int cols, const float* x, int frames, const float* bias, float* y)
{
    kernels::portable::denseBody<16, 4>(w, rows, cols, x, frames, bias, y);
}

// The baseline build's kernel: NEON on aarch64 (the compiler vectorises the frame loops with it).
void spmmPortable(const CsrMatrix& w, const float* x, int frames, const float* bias, float* y)
{
    kernels::portable::spmmDispatchIndex<16, 4>(w, x, frames, bias, y);
}

struct Choice {
    Kernel kernel;
    const char* name;
    DenseKernel dense;
};

// The kernels this CPU can run, best first.
std::vector<Choice> available()
{
    std::vector<Choice> out;
#if defined(ESPALIER_SPMM_X86)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"))
        out.push_back({kernels::spmmAvx512, "avx512", kernels::denseAvx512});
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        out.push_back({kernels::spmmAvx2, "avx2", kernels::denseAvx2});
#endif
#if defined(__aarch64__)
    out.push_back({spmmPortable, "neon", densePortable});
#else
    out.push_back({spmmPortable, "portable", densePortable});
#endif
    return out;
}

const Choice& chosen()
{
    static const Choice c = available().front();
    return c;
}

} // namespace

void spmm(const CsrMatrix& w, const float* x, int frames, const float* bias, float* y)
{
    if (frames <= 0 || w.rows == 0)
        return;
    chosen().kernel(w, x, frames, bias, y);
}

void denseMatmul(const float* w, int rows, int cols, const float* x, int frames, const float* bias, float* y)
{
    if (frames <= 0 || rows == 0)
        return;
    chosen().dense(w, rows, cols, x, frames, bias, y);
}

std::string spmmKernelName()
{
    return chosen().name;
}

std::vector<std::string> availableSpmmKernels()
{
    std::vector<std::string> names;
    for (const Choice& c : available())
        names.push_back(c.name);
    return names;
}

void spmmUsing(const std::string& kernel, const CsrMatrix& w, const float* x, int frames, const float* bias, float* y)
{
    for (const Choice& c : available())
        if (kernel == c.name) {
            if (frames > 0 && w.rows > 0)
                c.kernel(w, x, frames, bias, y);
            return;
        }
    throw InputError("sparse kernel '" + kernel + "' is not available on this CPU");
}

void denseLinearReference(const float* w, int rows, int cols, const float* x, int frames, const float* bias, float* y)
{
    for (int m = 0; m < rows; ++m)
        for (int t = 0; t < frames; ++t) {
            double acc = bias ? bias[m] : 0.0;
            for (int k = 0; k < cols; ++k)
                acc += double(w[size_t(m) * size_t(cols) + size_t(k)]) * double(x[size_t(k) * size_t(frames) + size_t(t)]);
            y[size_t(m) * size_t(frames) + size_t(t)] = float(acc);
        }
}

} // namespace espalier::runtime
