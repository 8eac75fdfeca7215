// The CSR × dense kernel body, compiled once per instruction set (kernels/avx512.cpp, kernels/avx2.cpp,
// kernel_dispatch.cpp): a block of kFrames frames is accumulated in vector registers while the row's
// nonzeros are broadcast against it.
#include "runtime/csr_matrix.h"
#include "runtime/kernels/vec.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

namespace espalier::runtime::kernels::ESPALIER_KERNEL_ISA {

// The column indices of a dense row segment: start, start + 1, ... (no index array to load).
struct Consecutive {
    size_t start;
    size_t operator[](size_t j) const { return start + j; }
};

// Scratch memory for packed frames, 64-byte aligned so a 16-frame column slice is one cache line (an
// unaligned one splits every other vector load across two). One per thread, kept between products.
class PackBuffer {
public:
    PackBuffer() = default;
    PackBuffer(const PackBuffer&) = delete;
    PackBuffer& operator=(const PackBuffer&) = delete;
    ~PackBuffer() { std::free(data_); }
    float* get(size_t floats)
    {
        if (floats > capacity_) {
            std::free(data_);
            capacity_ = (floats + 15) / 16 * 16;
            data_ = static_cast<float*>(std::aligned_alloc(64, capacity_ * sizeof(float)));
            if (!data_)
                throw std::bad_alloc();
        }
        return data_;
    }

private:
    float* data_ = nullptr;
    size_t capacity_ = 0;
};

inline PackBuffer& packBuffer()
{
    thread_local PackBuffer buffer;
    return buffer;
}

// Frames [t0, t0 + kFrames) of x ([K][frames]) packed as [K][kFrames].
template <int kFrames>
inline const float* pack(const float* x, int cols, int frames, int t0, PackBuffer& buffer)
{
    float* out = buffer.get(size_t(cols) * kFrames);
    for (size_t k = 0; k < size_t(cols); ++k)
        for (int i = 0; i < kFrames; ++i)
            out[k * kFrames + size_t(i)] = x[k * size_t(frames) + size_t(t0 + i)];
    return out;
}

// One row's nonzeros c/v[0, count) against kFrames frames of x (xt points at frame t0 of column 0;
// a column's frames are stride floats apart): out[i] = (kAccumulate ? out[i] : bias) + sum. Four
// partial sums per frame, so consecutive nonzeros do not wait on each other's multiply-add (one chain
// would run at the FMA latency, not its throughput).
template <int kFrames, bool kAccumulate, typename Indices>
inline __attribute__((always_inline)) void rowSpan(const Indices c, const float* __restrict v, size_t count,
                                                   const float* __restrict xt, size_t stride, float bias,
                                                   float* __restrict out)
{
    if constexpr (kFrames % kLanes == 0) {
        constexpr int kVecs = kFrames / kLanes;
        Vec acc0[kVecs], acc1[kVecs], acc2[kVecs], acc3[kVecs];
        for (int k = 0; k < kVecs; ++k) {
            acc0[k] = kAccumulate ? loadVec(out + k * kLanes) : splat(bias);
            acc1[k] = acc2[k] = acc3[k] = Vec{};
        }
        size_t j = 0;
        for (; j + 4 <= count; j += 4) {
            const float* x0 = xt + size_t(c[j]) * stride;
            const float* x1 = xt + size_t(c[j + 1]) * stride;
            const float* x2 = xt + size_t(c[j + 2]) * stride;
            const float* x3 = xt + size_t(c[j + 3]) * stride;
            const Vec w0 = splat(v[j]), w1 = splat(v[j + 1]), w2 = splat(v[j + 2]), w3 = splat(v[j + 3]);
            for (int k = 0; k < kVecs; ++k) {
                acc0[k] += w0 * loadVec(x0 + k * kLanes);
                acc1[k] += w1 * loadVec(x1 + k * kLanes);
                acc2[k] += w2 * loadVec(x2 + k * kLanes);
                acc3[k] += w3 * loadVec(x3 + k * kLanes);
            }
        }
        for (; j < count; ++j) {
            const float* xs = xt + size_t(c[j]) * stride;
            const Vec w = splat(v[j]);
            for (int k = 0; k < kVecs; ++k)
                acc0[k] += w * loadVec(xs + k * kLanes);
        }
        for (int k = 0; k < kVecs; ++k)
            storeVec(out + k * kLanes, (acc0[k] + acc1[k]) + (acc2[k] + acc3[k]));
    } else {
        // Blocks narrower than a register (the last few frames): plain code.
        float acc[kFrames];
        for (int i = 0; i < kFrames; ++i)
            acc[i] = kAccumulate ? out[i] : bias;
        for (size_t j = 0; j < count; ++j) {
            const float* xs = xt + size_t(c[j]) * stride;
            for (int i = 0; i < kFrames; ++i)
                acc[i] += v[j] * xs[i];
        }
        for (int i = 0; i < kFrames; ++i)
            out[i] = acc[i];
    }
}

// Frames [t0, t0 + kFrames) of rows [r0, r1). When that slice of x (cols × kFrames floats) is larger than
// L1, the columns are taken in panels that fit (whole CsrMatrix panels, whose row offsets are
// precomputed), and y accumulates across panels.
// xt: the block's frames of x packed [K][kFrames] (so one column's slice is one contiguous run, with
// no power-of-two stride to alias in the cache); y keeps its [M][frames] layout.
template <int kFrames, typename Index>
inline void frameBlock(const CsrMatrix& w, const Index* cols, const float* xt, int frames, int t0, const float* bias,
                       float* y, int r0, int r1)
{
    constexpr int kL1Bytes = 24 * 1024;  // of x per panel: leaves room for the weights' stream
    constexpr int kGroup = std::max(1, kL1Bytes / int(sizeof(float) * kFrames) / CsrMatrix::kPanelCols);
    const size_t stride = size_t(kFrames);
    const size_t yStride = size_t(frames);
    const uint32_t* rowPtr = w.rowPtr.data();
    const float* values = w.values.data();
    const int panels = w.panels();
    if (panels <= kGroup + kGroup / 4 || w.panelPtr.empty()) {
        for (int m = r0; m < r1; ++m)
            rowSpan<kFrames, false>(cols + rowPtr[m], values + rowPtr[m], rowPtr[m + 1] - rowPtr[m], xt, stride,
                                    bias ? bias[m] : 0.0f, y + size_t(m) * yStride + t0);
        return;
    }
    for (int p0 = 0; p0 < panels; p0 += kGroup) {
        const int p1 = std::min(panels, p0 + kGroup);
        for (int m = r0; m < r1; ++m) {
            const uint32_t* offsets = w.panelPtr.data() + size_t(m) * size_t(panels + 1);
            const uint32_t from = offsets[p0], to = offsets[p1];
            float* out = y + size_t(m) * yStride + t0;
            if (p0 == 0)
                rowSpan<kFrames, false>(cols + from, values + from, to - from, xt, stride, bias ? bias[m] : 0.0f, out);
            else
                rowSpan<kFrames, true>(cols + from, values + from, to - from, xt, stride, 0.0f, out);
        }
    }
}

// Few frames: four rows at a time, so four independent sums hide the load latency.
template <typename Index>
inline void fewFrames(const CsrMatrix& w, const Index* cols, const float* x, int frames, const float* bias, float* y,
                      int r0, int r1)
{
    const uint32_t* rowPtr = w.rowPtr.data();
    const float* values = w.values.data();
    for (int t = 0; t < frames; ++t) {
        const float* xt = x + t;
        for (int m = r0; m < r1; m += 4) {
            const int n = r1 - m < 4 ? r1 - m : 4;
            float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
            for (int r = 0; r < n; ++r) {
                acc[r] = bias ? bias[m + r] : 0.0f;
                for (uint32_t p = rowPtr[m + r]; p < rowPtr[m + r + 1]; ++p)
                    acc[r] += values[p] * xt[size_t(cols[p]) * size_t(frames)];
            }
            for (int r = 0; r < n; ++r)
                y[size_t(m + r) * size_t(frames) + t] = acc[r];
        }
    }
}

template <int kWide, int kNarrow, typename Index>
inline void spmmBody(const CsrMatrix& w, const Index* cols, const float* x, int frames, const float* bias, float* y,
                     int r0, int r1)
{
    if (frames < 4) {
        fewFrames(w, cols, x, frames, bias, y, r0, r1);
        return;
    }
    if (frames == kWide) {  // x is laid out as one packed block already
        frameBlock<kWide>(w, cols, x, frames, 0, bias, y, r0, r1);
        return;
    }
    PackBuffer& buffer = packBuffer();
    int t0 = 0;
    for (; t0 + kWide <= frames; t0 += kWide)
        frameBlock<kWide>(w, cols, pack<kWide>(x, w.cols, frames, t0, buffer), frames, t0, bias, y, r0, r1);
    for (; t0 + kNarrow <= frames; t0 += kNarrow)
        frameBlock<kNarrow>(w, cols, pack<kNarrow>(x, w.cols, frames, t0, buffer), frames, t0, bias, y, r0, r1);
    for (; t0 + 4 <= frames; t0 += 4)
        frameBlock<4>(w, cols, pack<4>(x, w.cols, frames, t0, buffer), frames, t0, bias, y, r0, r1);
    for (; t0 < frames; ++t0)
        frameBlock<1>(w, cols, pack<1>(x, w.cols, frames, t0, buffer), frames, t0, bias, y, r0, r1);
}

// Dense weights (row-major rows × cols) times feature-major x: the same frame blocks and panels, the
// column of each weight being its position (the runtime's dense linear layers and convolution GEMMs).
// Dense rows read x's columns in order, which the hardware prefetcher follows while x fits L2; a larger
// x (a convolution's unfolded input) is packed per block like the sparse path's.
template <int kFrames>
inline void denseFrameBlock(const float* w, int r0, int r1, int cols, const float* x, int xFrames, int t0,
                            const float* bias, float* y, int yFrames)
{
    constexpr int kL1Bytes = 24 * 1024;
    constexpr size_t kPanel = size_t(std::max(64, kL1Bytes / int(sizeof(float) * kFrames)));
    const size_t stride = size_t(xFrames);
    const float* xt = x + t0;
    for (size_t c0 = 0; c0 < size_t(cols); c0 += kPanel) {
        const size_t width = std::min(size_t(cols) - c0, kPanel);
        for (int m = r0; m < r1; ++m) {
            float* out = y + size_t(m) * size_t(yFrames) + t0;
            const float* row = w + size_t(m) * size_t(cols) + c0;
            if (c0 == 0)
                rowSpan<kFrames, false>(Consecutive{c0}, row, width, xt, stride, bias ? bias[m] : 0.0f, out);
            else
                rowSpan<kFrames, true>(Consecutive{c0}, row, width, xt, stride, 0.0f, out);
        }
    }
}

template <int kWide, int kNarrow>
inline void denseBody(const float* w, int r0, int r1, int cols, const float* x, int frames, const float* bias, float* y)
{
    constexpr size_t kL2Bytes = 512 * 1024;
    if (size_t(cols) * size_t(frames) * sizeof(float) > kL2Bytes) {
        PackBuffer& buffer = packBuffer();
        int t0 = 0;
        for (; t0 + kWide <= frames; t0 += kWide)
            denseFrameBlock<kWide>(w, r0, r1, cols, pack<kWide>(x, cols, frames, t0, buffer), kWide, 0, bias, y + t0, frames);
        for (; t0 + kNarrow <= frames; t0 += kNarrow)
            denseFrameBlock<kNarrow>(w, r0, r1, cols, pack<kNarrow>(x, cols, frames, t0, buffer), kNarrow, 0, bias, y + t0,
                                     frames);
        for (; t0 < frames; ++t0)
            denseFrameBlock<1>(w, r0, r1, cols, pack<1>(x, cols, frames, t0, buffer), 1, 0, bias, y + t0, frames);
        return;
    }
    int t0 = 0;
    for (; t0 + kWide <= frames; t0 += kWide)
        denseFrameBlock<kWide>(w, r0, r1, cols, x, frames, t0, bias, y, frames);
    for (; t0 + kNarrow <= frames; t0 += kNarrow)
        denseFrameBlock<kNarrow>(w, r0, r1, cols, x, frames, t0, bias, y, frames);
    for (; t0 + 4 <= frames; t0 += 4)
        denseFrameBlock<4>(w, r0, r1, cols, x, frames, t0, bias, y, frames);
    for (; t0 < frames; ++t0)
        denseFrameBlock<1>(w, r0, r1, cols, x, frames, t0, bias, y, frames);
}

template <int kWide, int kNarrow>
inline void spmmDispatchIndex(const CsrMatrix& w, const float* x, int frames, const float* bias, float* y, int r0,
                              int r1)
{
    if (w.narrowIndices())
        spmmBody<kWide, kNarrow>(w, w.colIdx16.data(), x, frames, bias, y, r0, r1);
    else
        spmmBody<kWide, kNarrow>(w, w.colIdx32.data(), x, frames, bias, y, r0, r1);
}

} // namespace espalier::runtime::kernels::ESPALIER_KERNEL_ISA
