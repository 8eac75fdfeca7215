#pragma once
// The CSR × dense kernel body, compiled once per instruction set (kernels/avx512.cpp, kernels/avx2.cpp,
// kernel_dispatch.cpp): a block of kFrames frames is accumulated in vector registers while the row's
// nonzeros are broadcast against it.
#include "core/runtime/csr_matrix.h"
#include "core/runtime/kernels/frame_source.h"
#include "core/runtime/kernels/vec.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

namespace espalier::runtime::kernels::ESPALIER_KERNEL_ISA {

inline ScratchBuffer& packBuffer()
{
    thread_local ScratchBuffer buffer;
    return buffer;
}

// Frames [t0, t0 + kFrames) of the source packed as [depth][kFrames] (zero past its last frame).
template <int kFrames, typename Source>
inline const float* pack(const Source& source, int t0, ScratchBuffer& buffer)
{
    float* out = buffer.get(size_t(source.depth) * kFrames);
    source.pack(0, source.depth, t0, std::min(kFrames, source.frames - t0), kFrames, out);
    return out;
}

// One row's nonzeros c/v[0, count) against kFrames frames of x (xt points at frame t0 of column 0;
// a column's frames are stride floats apart): out[i] = (kAccumulate ? out[i] : bias) + sum. Several
// partial sums per frame (four, or two when four would not fit the registers), so consecutive nonzeros
// do not wait on each other's multiply-add (one chain would run at the FMA latency, not its throughput).
template <int kFrames, bool kAccumulate, typename Indices>
inline __attribute__((always_inline)) void rowSpan(const Indices c, const float* __restrict v, size_t count,
                                                   const float* __restrict xt, size_t stride, float bias,
                                                   float* __restrict out)
{
    if constexpr (kFrames % kLanes == 0) {
        constexpr int kVecs = kFrames / kLanes;
        constexpr int kChains = kVecs * 4 <= kVectorRegisters / 2 ? 4 : 2;
        Vec acc[kChains][kVecs];
        for (int k = 0; k < kVecs; ++k) {
            acc[0][k] = kAccumulate ? loadVec(out + k * kLanes) : splat(bias);
            for (int q = 1; q < kChains; ++q)
                acc[q][k] = Vec{};
        }
        size_t j = 0;
        for (; j + kChains <= count; j += kChains)
            for (int q = 0; q < kChains; ++q) {
                const float* xq = xt + size_t(c[j + size_t(q)]) * stride;
                const Vec wq = splat(v[j + size_t(q)]);
                for (int k = 0; k < kVecs; ++k)
                    acc[q][k] += wq * loadVec(xq + k * kLanes);
            }
        for (; j < count; ++j) {
            const float* xs = xt + size_t(c[j]) * stride;
            const Vec w = splat(v[j]);
            for (int k = 0; k < kVecs; ++k)
                acc[0][k] += w * loadVec(xs + k * kLanes);
        }
        for (int k = 0; k < kVecs; ++k) {
            Vec sum = acc[0][k];
            for (int q = 1; q < kChains; ++q)
                sum += acc[q][k];
            storeVec(out + k * kLanes, sum);
        }
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

// Frames in blocks of kWide, then kNarrow, then one register; the last few frames as one zero-padded
// register-wide block computed into a scratch tile (no scalar path for a tail).
template <int kWide, int kNarrow, typename Index, typename Source>
inline void spmmBody(const CsrMatrix& w, const Index* cols, const Source& source, const float* bias, float* y, int r0,
                     int r1)
{
    const int frames = source.frames;
    ScratchBuffer& buffer = packBuffer();
    if (frames < 4) {
        const float* x = source.inPlace(frames);
        if (!x) {
            float* all = buffer.get(size_t(source.depth) * size_t(frames));
            source.pack(0, source.depth, 0, frames, frames, all);
            x = all;
        }
        fewFrames(w, cols, x, frames, bias, y, r0, r1);
        return;
    }
    if (const float* x = source.inPlace(kWide)) {  // one packed block already
        frameBlock<kWide>(w, cols, x, frames, 0, bias, y, r0, r1);
        return;
    }
    if (const float* x = source.inPlace(kNarrow)) {
        frameBlock<kNarrow>(w, cols, x, frames, 0, bias, y, r0, r1);
        return;
    }
    int t0 = 0;
    for (; t0 + kWide <= frames; t0 += kWide)
        frameBlock<kWide>(w, cols, pack<kWide>(source, t0, buffer), frames, t0, bias, y, r0, r1);
    for (; t0 + kNarrow <= frames; t0 += kNarrow)
        frameBlock<kNarrow>(w, cols, pack<kNarrow>(source, t0, buffer), frames, t0, bias, y, r0, r1);
    for (; t0 + kLanes <= frames; t0 += kLanes)
        frameBlock<kLanes>(w, cols, pack<kLanes>(source, t0, buffer), frames, t0, bias, y, r0, r1);
    if (t0 < frames) {
        thread_local ScratchBuffer tileBuffer;
        float* tile = tileBuffer.get(size_t(w.rows) * kLanes);  // [row][kLanes], by absolute row
        frameBlock<kLanes>(w, cols, pack<kLanes>(source, t0, buffer), kLanes, 0, bias, tile, r0, r1);
        for (int m = r0; m < r1; ++m)
            for (int i = 0; i < frames - t0; ++i)
                y[size_t(m) * size_t(frames) + size_t(t0 + i)] = tile[size_t(m) * kLanes + size_t(i)];
    }
}

template <int kWide, int kNarrow, typename Source>
inline void spmmDispatchIndex(const CsrMatrix& w, const Source& source, const float* bias, float* y, int r0, int r1)
{
    if (w.narrowIndices())
        spmmBody<kWide, kNarrow>(w, w.colIdx16.data(), source, bias, y, r0, r1);
    else
        spmmBody<kWide, kNarrow>(w, w.colIdx32.data(), source, bias, y, r0, r1);
}

} // namespace espalier::runtime::kernels::ESPALIER_KERNEL_ISA
