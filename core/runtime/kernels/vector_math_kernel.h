#pragma once
// Vectorised exp and a column softmax, compiled once per instruction set like the products: attention's
// softmax over T × T scores is otherwise a scalar exp per score.
#include "core/runtime/kernels/vec.h"

#include <cstdint>

namespace espalier::runtime::kernels::ESPALIER_KERNEL_ISA {

typedef int32_t IVec __attribute__((vector_size(kLanes * sizeof(int32_t))));

// exp(x) within 2 ulp over [-87.3, 88.7] (Cephes' expf: exp(x) = 2^n · exp(r), |r| <= ln 2 / 2, a
// degree-5 polynomial for exp(r) - 1 - r); below the range 0, above it exp(88.7).
inline Vec expVec(Vec x)
{
    const Vec hi = splat(88.7f), lo = splat(-87.3f);
    x = x > hi ? hi : x;
    const IVec under = x < lo;
    x = x < lo ? lo : x;
    // n = round(x / ln 2), as floor(x · log2(e) + 0.5).
    const Vec fx = x * splat(1.44269504088896341f) + splat(0.5f);
    const IVec truncated = __builtin_convertvector(fx, IVec);
    Vec n = __builtin_convertvector(truncated, Vec);
    n = n > fx ? n - splat(1.0f) : n;
    // r = x - n ln 2 in two steps (Cody and Waite), exactly enough for float.
    const Vec r = x - n * splat(0.693359375f) - n * splat(-2.12194440e-4f);
    Vec p = splat(1.9875691500e-4f);
    p = p * r + splat(1.3981999507e-3f);
    p = p * r + splat(8.3334519073e-3f);
    p = p * r + splat(4.1665795894e-2f);
    p = p * r + splat(1.6666665459e-1f);
    p = p * r + splat(5.0000001201e-1f);
    p = p * (r * r) + r + splat(1.0f);
    // Times 2^n: add n to the exponent bits.
    IVec bits;
    std::memcpy(&bits, &p, sizeof bits);
    bits += __builtin_convertvector(n, IVec) << 23;
    Vec out;
    std::memcpy(&out, &bits, sizeof out);
    return under ? Vec{} : out;
}

inline float expScalar(float x)
{
    float lanes[kLanes] = {x};
    const Vec v = expVec(loadVec(lanes));
    return v[0];
}

// Each column of the rows × cols row-major matrix replaced by its softmax (its maximum subtracted
// first), kLanes columns at a time: attention's scores are computed transposed, keys down the rows.
inline void softmaxColumns(float* m, int rows, int cols)
{
    const size_t stride = size_t(cols);
    int c = 0;
    for (; c + kLanes <= cols; c += kLanes) {
        Vec top = loadVec(m + c);
        for (int r = 1; r < rows; ++r) {
            const Vec v = loadVec(m + size_t(r) * stride + c);
            top = v > top ? v : top;
        }
        Vec total = Vec{};
        for (int r = 0; r < rows; ++r) {
            float* at = m + size_t(r) * stride + c;
            const Vec e = expVec(loadVec(at) - top);
            storeVec(at, e);
            total += e;
        }
        const Vec inverse = splat(1.0f) / total;
        for (int r = 0; r < rows; ++r) {
            float* at = m + size_t(r) * stride + c;
            storeVec(at, loadVec(at) * inverse);
        }
    }
    for (; c < cols; ++c) {
        float top = m[c];
        for (int r = 1; r < rows; ++r)
            top = m[size_t(r) * stride + c] > top ? m[size_t(r) * stride + c] : top;
        float total = 0.0f;
        for (int r = 0; r < rows; ++r) {
            float& at = m[size_t(r) * stride + c];
            at = expScalar(at - top);
            total += at;
        }
        for (int r = 0; r < rows; ++r)
            m[size_t(r) * stride + c] /= total;
    }
}

} // namespace espalier::runtime::kernels::ESPALIER_KERNEL_ISA
