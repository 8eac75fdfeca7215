// The kernels' dispatch: the best instruction set this CPU runs, chosen once, for the products
// (runtime/spmm.h) and the softmax (runtime/vector_math.h); the baseline build's own copy is here.
#include "runtime/spmm.h"
#include "runtime/vector_math.h"

#include "runtime/error.h"
#include "runtime/thread_pool.h"

#include <algorithm>

#define ESPALIER_KERNEL_ISA portable
#include "runtime/kernels/gemm_kernel.h"
#include "runtime/kernels/spmm_kernel.h"
#include "runtime/kernels/vector_math_kernel.h"

namespace espalier::runtime {

namespace kernels {
#if defined(ESPALIER_SPMM_X86)
void spmmAvx512(const CsrMatrix& w, const float* x, int frames, const float* bias, float* y, int r0, int r1);
void spmmAvx2(const CsrMatrix& w, const float* x, int frames, const float* bias, float* y, int r0, int r1);
void denseAvx512(const float* w, int r0, int r1, int cols, const float* x, int frames, const float* bias, float* y);
void denseAvx2(const float* w, int r0, int r1, int cols, const float* x, int frames, const float* bias, float* y);
void softmaxAvx512(float* m, int rows, int cols);
void softmaxAvx2(float* m, int rows, int cols);
#endif
} // namespace kernels

namespace {

// Kernels over output rows [r0, r1).
using Kernel = void (*)(const CsrMatrix&, const float*, int, const float*, float*, int, int);
using DenseKernel = void (*)(const float*, int, int, int, const float*, int, const float*, float*);
using SoftmaxKernel = void (*)(float*, int, int);

void densePortable(const float* w, int r0, int r1, int cols, const float* x, int frames, const float* bias, float* y)
{
    kernels::portable::gemm(w, r0, r1, cols, x, frames, bias, y);
}

// The baseline build's kernel: NEON on aarch64 (the compiler vectorises the frame loops with it).
void spmmPortable(const CsrMatrix& w, const float* x, int frames, const float* bias, float* y, int r0, int r1)
{
    kernels::portable::spmmDispatchIndex<16, 4>(w, x, frames, bias, y, r0, r1);
}

void softmaxPortable(float* m, int rows, int cols)
{
    kernels::portable::softmaxColumns(m, rows, cols);
}

struct Choice {
    Kernel kernel;
    const char* name;
    DenseKernel dense;
    SoftmaxKernel softmax;
};

// The kernels this CPU can run, best first.
std::vector<Choice> available()
{
    std::vector<Choice> out;
#if defined(ESPALIER_SPMM_X86)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"))
        out.push_back({kernels::spmmAvx512, "avx512", kernels::denseAvx512, kernels::softmaxAvx512});
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        out.push_back({kernels::spmmAvx2, "avx2", kernels::denseAvx2, kernels::softmaxAvx2});
#endif
#if defined(__aarch64__)
    out.push_back({spmmPortable, "neon", densePortable, softmaxPortable});
#else
    out.push_back({spmmPortable, "portable", densePortable, softmaxPortable});
#endif
    return out;
}

const Choice& chosen()
{
    static const Choice c = available().front();
    return c;
}

// Below this many multiply-adds per thread a product runs on one thread (waking the others costs more).
constexpr double kMinWorkPerThread = 64.0 * 1024.0;

int partsFor(double multiplyAdds, int rows)
{
    return std::max(1, std::min({computeThreads(), int(multiplyAdds / kMinWorkPerThread), (rows + 3) / 4}));
}

// The sparse product over the pool: each part takes a run of rows holding about 1/parts of the nonzeros.
void sparseProduct(Kernel kernel, const CsrMatrix& w, const float* x, int frames, const float* bias, float* y)
{
    if (frames <= 0 || w.rows == 0)
        return;
    const int parts = partsFor(double(w.nonzeros()) * frames, w.rows);
    if (parts == 1) {
        kernel(w, x, frames, bias, y, 0, w.rows);
        return;
    }
    parallelFor(parts, [&](int part, int n) {
        const auto rowAt = [&](int k) {
            if (k == 0)
                return 0;
            if (k == n)
                return w.rows;
            const uint32_t target = uint32_t(double(w.nonzeros()) * k / n);
            return int(std::lower_bound(w.rowPtr.begin(), w.rowPtr.end(), target) - w.rowPtr.begin());
        };
        const int r0 = std::min(rowAt(part), w.rows), r1 = std::min(rowAt(part + 1), w.rows);
        if (r1 > r0)
            kernel(w, x, frames, bias, y, r0, r1);
    });
}

} // namespace

void spmm(const CsrMatrix& w, const float* x, int frames, const float* bias, float* y)
{
    sparseProduct(chosen().kernel, w, x, frames, bias, y);
}

namespace {

void denseProduct(DenseKernel kernel, const float* w, int rows, int cols, const float* x, int frames, const float* bias,
                  float* y)
{
    if (frames <= 0 || rows == 0)
        return;
    const int parts = partsFor(double(rows) * cols * frames, rows);
    if (parts == 1) {
        kernel(w, 0, rows, cols, x, frames, bias, y);
        return;
    }
    parallelFor(parts, [&](int part, int n) {
        const int r0 = int(int64_t(rows) * part / n), r1 = int(int64_t(rows) * (part + 1) / n);
        if (r1 > r0)
            kernel(w, r0, r1, cols, x, frames, bias, y);
    });
}

const Choice& named(const std::string& kernel)
{
    static const std::vector<Choice> all = available();
    for (const Choice& c : all)
        if (kernel == c.name)
            return c;
    throw InputError("kernel '" + kernel + "' is not available on this CPU");
}

} // namespace

void denseMatmul(const float* w, int rows, int cols, const float* x, int frames, const float* bias, float* y)
{
    denseProduct(chosen().dense, w, rows, cols, x, frames, bias, y);
}

void denseMatmulUsing(const std::string& kernel, const float* w, int rows, int cols, const float* x, int frames,
                      const float* bias, float* y)
{
    denseProduct(named(kernel).dense, w, rows, cols, x, frames, bias, y);
}

void softmaxColumns(float* matrix, int rows, int cols)
{
    if (rows > 0 && cols > 0)
        chosen().softmax(matrix, rows, cols);
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
    sparseProduct(named(kernel).kernel, w, x, frames, bias, y);
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
