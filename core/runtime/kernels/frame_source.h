#pragma once
// Where a product's input frames come from (the kernels' B operand, depth × frames): a feature-major
// matrix, or the unfolded input of a 3×3 stride-2 convolution read straight from its feature map, so
// the subsampling's second convolution never writes its nine-times-larger im2col copy. A source packs
// rows [k0, k0 + depth) of frames [t0, t0 + count) into dst as [depth][width], zero past count.
#include "core/runtime/kernels/vec.h"

#include <algorithm>
#include <cstring>

namespace espalier::runtime::kernels::ESPALIER_KERNEL_ISA {

struct MatrixFrames {
    const float* x;  // [depth][frames]
    int depth;
    int frames;

    // x itself when it is laid out as one block of `width` frames.
    const float* inPlace(int width) const { return frames == width ? x : nullptr; }

    void pack(int k0, int rows, int t0, int count, int width, float* dst) const
    {
        const float* in = x + size_t(k0) * size_t(frames) + size_t(t0);
        if (count == width) {
            for (int k = 0; k < rows; ++k)
                std::memcpy(dst + size_t(k) * size_t(width), in + size_t(k) * size_t(frames), sizeof(float) * size_t(width));
            return;
        }
        for (int k = 0; k < rows; ++k)
            for (int i = 0; i < width; ++i)
                dst[size_t(k) * size_t(width) + size_t(i)] = i < count ? in[size_t(k) * size_t(frames) + size_t(i)] : 0.0f;
    }
};

// The GEMM input of a 3×3, stride-2, unpadded convolution over h = [channels][rows][cols]: depth
// channels · 9 (channel, then kernel row, then kernel column: the weights' own order), frames the
// output positions t · outCols + f (outRows = (rows - 1) / 2, outCols = (cols - 1) / 2).
struct Conv3x3Frames {
    const float* h;
    int channels, rows, cols;
    int outRows, outCols;
    int depth;
    int frames;

    Conv3x3Frames(const float* input, int c, int r, int w)
        : h(input), channels(c), rows(r), cols(w), outRows((r - 1) / 2), outCols((w - 1) / 2), depth(c * 9),
          frames(outRows * outCols)
    {
    }

    const float* inPlace(int) const { return nullptr; }

    void pack(int k0, int depthRows, int t0, int count, int width, float* dst) const
    {
        constexpr int kMaxWidth = 64;
        int offset[kMaxWidth];  // where each output position's window starts in a channel
        for (int i = 0; i < count; ++i) {
            const int p = t0 + i;
            offset[i] = 2 * (p / outCols) * cols + 2 * (p % outCols);
        }
        for (int k = 0; k < depthRows; ++k) {
            const int tap = k0 + k, c = tap / 9, i = (tap % 9) / 3, j = tap % 3;
            const float* base = h + (size_t(c) * size_t(rows) + size_t(i)) * size_t(cols) + size_t(j);
            float* out = dst + size_t(k) * size_t(width);
            for (int q = 0; q < count; ++q)
                out[q] = base[offset[q]];
            for (int q = count; q < width; ++q)
                out[q] = 0.0f;
        }
    }
};

} // namespace espalier::runtime::kernels::ESPALIER_KERNEL_ISA
