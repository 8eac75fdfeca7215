// The kernels' dispatch: the best instruction set this CPU runs, chosen once, for the products
// (runtime/spmm.h) and the softmax (runtime/vector_math.h); the baseline build's own copy is here.
#include "core/runtime/error.h"
#include "core/runtime/spmm.h"
#include "core/runtime/thread_pool.h"
#include "core/runtime/vector_math.h"

#include <algorithm>

#define ESPALIER_KERNEL_ISA portable
#define ESPALIER_KERNEL_SUFFIX Portable
#define ESPALIER_SPMM_WIDE 16  // NEON: four registers of frames (SSE2: the x86 baseline's)
#define ESPALIER_SPMM_NARROW 4
#include "core/runtime/kernels/entry_points.h"

namespace espalier::runtime {

namespace kernels {
// The entry points of kernels/entry_points.h for each instruction set.
#define ESPALIER_DECLARE_KERNELS(Suffix)                                                                           \
    void spmm##Suffix(const CsrMatrix&, const float*, int, const float*, float*, int, int);                        \
    void spmmConv##Suffix(const CsrMatrix&, const ConvInput&, const float*, float*, int, int);                     \
    void dense##Suffix(const float*, int, int, int, const float*, int, const float*, float*);                      \
    void denseConv##Suffix(const float*, int, int, const ConvInput&, const float*, float*);                        \
    void softmax##Suffix(float*, int, int);
#if defined(ESPALIER_SPMM_X86)
ESPALIER_DECLARE_KERNELS(Avx512)
ESPALIER_DECLARE_KERNELS(Avx2)
#endif
} // namespace kernels

namespace {

struct Choice {
    const char* name;
    void (*spmm)(const CsrMatrix&, const float*, int, const float*, float*, int, int);
    void (*spmmConv)(const CsrMatrix&, const ConvInput&, const float*, float*, int, int);
    void (*dense)(const float*, int, int, int, const float*, int, const float*, float*);
    void (*denseConv)(const float*, int, int, const ConvInput&, const float*, float*);
    void (*softmax)(float*, int, int);
};

#define ESPALIER_CHOICE(name, Suffix)                                                                               \
    Choice                                                                                                         \
    {                                                                                                              \
        name, kernels::spmm##Suffix, kernels::spmmConv##Suffix, kernels::dense##Suffix, kernels::denseConv##Suffix, \
            kernels::softmax##Suffix                                                                               \
    }

// The kernels this CPU can run, best first.
std::vector<Choice> available()
{
    std::vector<Choice> out;
#if defined(ESPALIER_SPMM_X86)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"))
        out.push_back(ESPALIER_CHOICE("avx512", Avx512));
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        out.push_back(ESPALIER_CHOICE("avx2", Avx2));
#endif
#if defined(__aarch64__)
    out.push_back(ESPALIER_CHOICE("neon", Portable));
#else
    out.push_back(ESPALIER_CHOICE("portable", Portable));
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

// A sparse product over the pool: each part takes a run of rows holding about 1/parts of the
// nonzeros; run(r0, r1) computes rows [r0, r1).
template <typename Run>
void sparseRows(const CsrMatrix& w, int frames, const Run& run)
{
    if (frames <= 0 || w.rows == 0)
        return;
    const int parts = partsFor(double(w.nonzeros()) * frames, w.rows);
    if (parts == 1) {
        run(0, w.rows);
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
            run(r0, r1);
    });
}

// A dense product over the pool: rows split evenly.
template <typename Run>
void denseRows(int rows, int cols, int frames, const Run& run)
{
    if (frames <= 0 || rows == 0)
        return;
    const int parts = partsFor(double(rows) * cols * frames, rows);
    if (parts == 1) {
        run(0, rows);
        return;
    }
    parallelFor(parts, [&](int part, int n) {
        const int r0 = int(int64_t(rows) * part / n), r1 = int(int64_t(rows) * (part + 1) / n);
        if (r1 > r0)
            run(r0, r1);
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

void sparseProduct(const Choice& c, const CsrMatrix& w, const float* x, int frames, const float* bias, float* y)
{
    sparseRows(w, frames, [&](int r0, int r1) { c.spmm(w, x, frames, bias, y, r0, r1); });
}

void denseProduct(const Choice& c, const float* w, int rows, int cols, const float* x, int frames, const float* bias,
                  float* y)
{
    denseRows(rows, cols, frames, [&](int r0, int r1) { c.dense(w, r0, r1, cols, x, frames, bias, y); });
}

} // namespace

void spmm(const CsrMatrix& w, const float* x, int frames, const float* bias, float* y)
{
    sparseProduct(chosen(), w, x, frames, bias, y);
}

void spmmUsing(const std::string& kernel, const CsrMatrix& w, const float* x, int frames, const float* bias, float* y)
{
    sparseProduct(named(kernel), w, x, frames, bias, y);
}

void denseMatmul(const float* w, int rows, int cols, const float* x, int frames, const float* bias, float* y)
{
    denseProduct(chosen(), w, rows, cols, x, frames, bias, y);
}

void denseMatmulUsing(const std::string& kernel, const float* w, int rows, int cols, const float* x, int frames,
                      const float* bias, float* y)
{
    denseProduct(named(kernel), w, rows, cols, x, frames, bias, y);
}

void spmmConv3x3s2(const CsrMatrix& w, const ConvInput& input, const float* bias, float* y)
{
    if (w.cols != input.channels * 9)
        throw InputError("convolution weights have " + std::to_string(w.cols) + " columns for "
                         + std::to_string(input.channels) + " input channels");
    sparseRows(w, input.positions(), [&](int r0, int r1) { chosen().spmmConv(w, input, bias, y, r0, r1); });
}

void denseConv3x3s2(const float* w, int out, const ConvInput& input, const float* bias, float* y)
{
    denseRows(out, input.channels * 9, input.positions(),
              [&](int r0, int r1) { chosen().denseConv(w, r0, r1, input, bias, y); });
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
