#pragma once
// The dense product y = w · x + bias as a register-blocked GEMM (w row-major [rows × cols], x and y
// feature-major: [cols][frames] and [rows][frames]), compiled once per instruction set like the sparse
// kernel. A tile of kTileRows weight rows × kTileVecs vectors of frames accumulates in registers over a
// block of the inner dimension; the block's weights are packed [k][row] and its frames [k][frame], so
// each step is kTileVecs vector loads, kTileRows broadcasts and kTileRows · kTileVecs multiply-adds.
// The runtime's dense layers, its subsampling convolutions and attention run on it: the dense
// baseline a sparse speed-up is measured against.
#include "core/runtime/kernels/frame_source.h"
#include "core/runtime/kernels/vec.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace espalier::runtime::kernels::ESPALIER_KERNEL_ISA {

constexpr int kTileFrames = kTileVecs * kLanes;
constexpr int kDepthBlock = 256;  // inner dimension per pass: a block of packed frames stays in L1

// A tile's weights: packed [depth][kTileRows] (many frame tiles reuse them), or read in place from
// their rows (one or two tiles: packing would cost as much as the products).
struct PackedWeights {
    const float* a;
    float at(int k, int r) const { return a[size_t(k) * kTileRows + size_t(r)]; }
};
struct RowWeights {
    const float* row[kTileRows];  // rows past the matrix repeat its last (their sums are not stored)
    float at(int k, int r) const { return row[r][k]; }
};

// One tile: rows valid rows (<= kTileRows) by frames valid frames (<= kTileFrames) of y, over depth
// steps of the weights and of packed b ([depth][kTileFrames]). kFirst: start from the bias (or zero),
// else add to what y holds.
template <bool kFirst, typename Weights>
inline void gemmTile(const Weights& a, const float* __restrict b, int depth, float* __restrict y, size_t yStride,
                     const float* bias, int rows, int frames)
{
    Vec acc[kTileRows][kTileVecs];
    if (kFirst || rows < kTileRows || frames < kTileFrames) {
        for (int r = 0; r < kTileRows; ++r)
            for (int j = 0; j < kTileVecs; ++j)
                acc[r][j] = Vec{};
    }
    if (!kFirst && rows == kTileRows && frames == kTileFrames) {
        for (int r = 0; r < kTileRows; ++r)
            for (int j = 0; j < kTileVecs; ++j)
                acc[r][j] = loadVec(y + size_t(r) * yStride + size_t(j * kLanes));
    }
    for (int k = 0; k < depth; ++k) {
        Vec bv[kTileVecs];
        for (int j = 0; j < kTileVecs; ++j)
            bv[j] = loadVec(b + size_t(k) * kTileFrames + size_t(j * kLanes));
        for (int r = 0; r < kTileRows; ++r) {
            const Vec av = splat(a.at(k, r));
            for (int j = 0; j < kTileVecs; ++j)
                acc[r][j] += av * bv[j];
        }
    }
    if (rows == kTileRows && frames == kTileFrames) {
        for (int r = 0; r < kTileRows; ++r)
            for (int j = 0; j < kTileVecs; ++j) {
                Vec out = acc[r][j];
                if (kFirst && bias)
                    out += splat(bias[r]);
                storeVec(y + size_t(r) * yStride + size_t(j * kLanes), out);
            }
        return;
    }
    // An edge tile: through a buffer, only the valid part.
    float tile[kTileRows][kTileFrames];
    for (int r = 0; r < kTileRows; ++r)
        for (int j = 0; j < kTileVecs; ++j)
            storeVec(&tile[r][j * kLanes], acc[r][j]);
    for (int r = 0; r < rows; ++r)
        for (int t = 0; t < frames; ++t) {
            float& out = y[size_t(r) * yStride + size_t(t)];
            out = kFirst ? tile[r][t] + (bias ? bias[r] : 0.0f) : out + tile[r][t];
        }
}

// Rows [r0, r1) of y = w · x + bias, x being any frame source (kernels/frame_source.h).
template <typename Source>
inline void gemm(const float* w, int r0, int r1, const Source& source, const float* bias, float* y)
{
    const int cols = source.depth, frames = source.frames;
    thread_local ScratchBuffer packedA, packedB;
    const int rows = r1 - r0;
    const int tiles = (rows + kTileRows - 1) / kTileRows;
    const size_t yStride = size_t(frames);
    const bool packWeights = frames > 2 * kTileFrames;
    for (int k0 = 0; k0 < cols; k0 += kDepthBlock) {
        const int depth = std::min(kDepthBlock, cols - k0);
        // The block's weights, tile by tile, [tile][k][row] (rows past r1 zero).
        float* a = packWeights ? packedA.get(size_t(tiles) * size_t(depth) * kTileRows) : nullptr;
        if (packWeights)
            for (int t = 0; t < tiles; ++t)
                for (int k = 0; k < depth; ++k)
                    for (int r = 0; r < kTileRows; ++r) {
                        const int row = r0 + t * kTileRows + r;
                        a[(size_t(t) * size_t(depth) + size_t(k)) * kTileRows + size_t(r)] =
                            row < r1 ? w[size_t(row) * size_t(cols) + size_t(k0 + k)] : 0.0f;
                    }
        float* b = packedB.get(size_t(depth) * kTileFrames);
        for (int f0 = 0; f0 < frames; f0 += kTileFrames) {
            const int width = std::min(kTileFrames, frames - f0);
            source.pack(k0, depth, f0, width, kTileFrames, b);
            for (int t = 0; t < tiles; ++t) {
                const int row = r0 + t * kTileRows;
                const int valid = std::min(kTileRows, r1 - row);
                float* out = y + size_t(row) * yStride + size_t(f0);
                const float* tileBias = k0 == 0 && bias ? bias + row : nullptr;
                auto run = [&](const auto& weights) {
                    if (k0 == 0)
                        gemmTile<true>(weights, b, depth, out, yStride, tileBias, valid, width);
                    else
                        gemmTile<false>(weights, b, depth, out, yStride, nullptr, valid, width);
                };
                if (packWeights) {
                    run(PackedWeights{a + size_t(t) * size_t(depth) * kTileRows});
                } else {
                    RowWeights rows;
                    for (int r = 0; r < kTileRows; ++r)
                        rows.row[r] = w + size_t(std::min(row + r, r1 - 1)) * size_t(cols) + size_t(k0);
                    run(rows);
                }
            }
        }
    }
}

} // namespace espalier::runtime::kernels::ESPALIER_KERNEL_ISA
